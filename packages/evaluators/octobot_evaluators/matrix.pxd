# Augmenting declarations: compiled build of matrix.py (the .py stays the source of truth). The producers
# stay untyped: a cimport of octobot_channel would tie this package's compiled build to that package's
# compiled layout (a pure or other-version octobot_channel would then fail to import).
cimport cython
from octobot_evaluators.evaluation_entry cimport Evaluation
from octobot_evaluators.matrix_cells cimport EvaluationGroup, MatrixCell


cdef class EvaluationMatrix:
    cdef public str matrix_id
    cdef public long long allowed_lag_ms
    cdef dict _cells
    cdef dict _by_symbol
    cdef dict _group_lists
    cdef dict _groups
    cdef object _matrix_producer
    cdef object _evaluators_producer

    cpdef void register(self, object key) except *
    cpdef MatrixCell cell(self, object key)
    cpdef Evaluation write(self, object key, object value, long long time, object valid_until=*)
    @cython.locals(entry=Evaluation, grid="long long")
    cdef Evaluation _store(self, MatrixCell cell, object value, long long time, object valid_until)
    @cython.locals(entry=Evaluation)
    cdef object _send(self, MatrixCell cell, object value, object time, object valid_until, bint refresh)
    cpdef object get(self, object key)
    cpdef object get_value(self, object key)
    cpdef EvaluationGroup group(self, object exchange, object evaluator_type, object symbol, object time_frames=*)
    cdef EvaluationGroup _group(self, object exchange, object evaluator_type, object symbol, object time_frames)
    cdef EvaluationGroup _new_group(self, object exchange, object evaluator_type, object symbol, object time_frames)
    cpdef bint is_fresh(self, object key, long long now) except -1
    cpdef list opinions(self, object exchange, object evaluator_type, object symbol, object time_frames=*)
    cpdef bint is_cycle_complete(self, object exchange, object symbol, object time_frames, long long at_time, object evaluator_type=*) except -1
