# Augmenting declarations: compiled build of strategy.py (the .py stays the source of truth).
# StrategyCore is a cdef class under Strategy: the TA-evaluation callback checks the cycle and publishes
# through C calls on typed fields; tentacles keep subclassing Strategy.
from octobot_evaluators.evaluator cimport EvaluatorCore


cdef class StrategyCore(EvaluatorCore):
    cdef public dict _last_cycle
    cdef public dict _pending_refresh
    cdef public frozenset _time_frame_set
