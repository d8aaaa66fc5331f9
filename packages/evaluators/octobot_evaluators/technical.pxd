# Augmenting declarations: compiled build of technical.py (the .py stays the source of truth).
# TechnicalCore is a cdef class under TechnicalEvaluator: the closed-candle callback reads typed fields
# and publishes through EvaluatorCore's C method; tentacles keep subclassing TechnicalEvaluator.
from octobot_evaluators.evaluator cimport EvaluatorCore


cdef class TechnicalCore(EvaluatorCore):
    cdef public object _candle_source
    cdef public object _bound_symbol
    cdef public object _bound_time_frame
    cdef public object _bound_candles
    cdef public long long _grid

    cdef _bind_candles(self, object symbol, object time_frame)
