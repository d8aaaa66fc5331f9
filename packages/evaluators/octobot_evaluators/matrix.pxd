cimport cython
from octobot_evaluators.evaluation_entry cimport Evaluation


cdef class EvaluationMatrix:
    cdef public str matrix_id
    cdef public long long allowed_lag_ms
    cdef dict _evaluations
    cdef dict _registered
    cdef dict _by_symbol
    cdef dict _groups
    cdef dict _headings
    cdef object _matrix_producer
    cdef object _evaluators_producer

    cpdef void register(self, object key) except *
    @cython.locals(entry=Evaluation)
    cpdef Evaluation write(self, object key, object value, long long time, object valid_until=*)
    cdef object _send(self, object key, object value, object time, object valid_until, bint refresh)
    cpdef object get(self, object key)
    cpdef object get_value(self, object key)
    cpdef bint is_fresh(self, object key, long long now) except -1
    @cython.locals(entry=Evaluation, evaluations=dict, values=list)
    cpdef list opinions(self, object exchange, object evaluator_type, object symbol, object time_frames=*)
    cdef tuple _group(self, object exchange, object evaluator_type, object symbol, object time_frames)
    @cython.locals(entry=Evaluation)
    cpdef bint is_cycle_complete(self, object exchange, object symbol, object time_frames, long long at_time, object evaluator_type=*) except -1
