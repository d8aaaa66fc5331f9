# Augmenting declarations: compiled build of evaluator.py (the .py stays the source of truth).
# EvaluatorCore is a cdef class: the per-candle state as typed fields and the publishing step as a C
# method; AbstractEvaluator and every tentacle stay Python classes above it (DESIGN.md section 6).
cimport cython
from octobot_evaluators.matrix cimport EvaluationMatrix
from octobot_evaluators.matrix_cells cimport MatrixCell


cdef class EvaluatorCore:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object context
    cdef public EvaluationMatrix matrix
    cdef public object exchange
    cdef public tuple symbols
    cdef public tuple time_frames
    cdef public object eval_note
    cdef public object _symbol
    cdef public object _time_frame
    cdef public object _time
    cdef public dict _matrix_keys
    cdef public MatrixCell _cell
    cdef public object _key_symbol
    cdef public object _key_time_frame

    @cython.locals(cell=MatrixCell)
    cdef object _emit(self, object value, object symbol, object time_frame, object time, bint refresh)
