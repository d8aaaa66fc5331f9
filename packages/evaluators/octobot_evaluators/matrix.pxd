from octobot_evaluators.evaluation_entry cimport Evaluation


cdef class EvaluationMatrix:
    cdef public str matrix_id
    cdef public long long allowed_lag_ms
    cdef dict _evaluations
    cdef dict _registered
    cdef dict _by_symbol
    cdef object _matrix_producer
    cdef object _evaluators_producer

    cpdef void register(self, object key) except *
    cpdef Evaluation write(self, object key, object value, long long time, object valid_until=*)
    cpdef object get(self, object key)
    cpdef object get_value(self, object key)
    cpdef bint is_fresh(self, object key, long long now) except -1
