# Augmenting declarations: compiled build of technical.py (the .py stays the source of truth).
# TechnicalCore is a cdef class under TechnicalEvaluator: the closed-candle callback reads typed fields
# and publishes through EvaluatorCore's C method; tentacles keep subclassing TechnicalEvaluator.
from octobot_evaluators.evaluator cimport EvaluatorCore


cdef class TechnicalCore(EvaluatorCore):
    cdef public object _candle_source
    cdef public object _grid_time_frame
    cdef public long long _grid
