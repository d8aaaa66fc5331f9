# Augmenting declarations: compiled build of strategy_link.py (the .py stays the source of truth).
cdef class StrategyLink:
    cdef dict __dict__
    cdef object _receiver
