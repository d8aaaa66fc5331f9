# Augmenting declarations: compiled build of strategy.py (the .py stays the source of truth).
# StrategyCore is a cdef class under Strategy: the TA-evaluation callback checks the cycle and publishes
# through C calls on typed fields; tentacles keep subclassing Strategy.
from octobot_evaluators.evaluator cimport EvaluatorCore
from octobot_evaluators.matrix_cells cimport EvaluationGroup


cdef class StrategyCore(EvaluatorCore):
    cdef public dict _last_cycle
    cdef public dict _pending_refresh
    cdef public frozenset _time_frame_set
    cdef public dict _ta_groups
    cdef public dict _instant_groups

    cpdef EvaluationGroup ta_group(self, object symbol)
