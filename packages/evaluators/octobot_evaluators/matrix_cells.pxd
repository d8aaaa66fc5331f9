# Augmenting declarations: compiled build of matrix_cells.py (the .py stays the source of truth).
# A cell's fields and a group's cycle and opinion reads are C field accesses on the per-candle path.
cimport cython
from octobot_evaluators.evaluation_entry cimport Evaluation


cdef class MatrixCell:
    cdef public object key
    cdef public object time_frame
    cdef public long long grid
    cdef public Evaluation entry
    cdef public dict heading


cdef class EvaluationGroup:
    cdef public object time_frames
    cdef public tuple cells

    cpdef void admit(self, MatrixCell cell) except *
    @cython.locals(cell=MatrixCell, entry=Evaluation, values=list)
    cpdef list opinions(self)
    @cython.locals(cell=MatrixCell, entry=Evaluation, cells=tuple)
    cpdef bint is_complete(self, long long at_time) except -1
