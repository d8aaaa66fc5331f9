# Augmenting declarations: compiled build of trading_mode.py (the .py stays the source of truth).
# TradingModeCore is a cdef class: the per-evaluation path (set_evaluation, _decide) runs on C fields and
# C calls. AbstractTradingMode, which tentacles subclass, stays a Python class (ClassVars, config,
# order execution) compiled as plain Cython; everything not declared here lives in ``__dict__``.
cimport cython


cdef class TradingModeCore:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object exchange_manager
    cdef public list symbols
    cdef public dict states
    cdef public dict evaluations
    cdef str _mode_name
    cdef bint _state_changes_only
    cdef object _completed

    @cython.locals(states=dict)
    cpdef set_evaluation(self, object symbol, object evaluation, object time=*)
    cpdef _decide(self, object symbol, object evaluation, object time, bint force)
    cdef object _nothing_to_send(self)
    cdef _publish(self, object symbol, object state, object evaluation, object time)
