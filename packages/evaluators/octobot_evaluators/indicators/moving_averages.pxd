# Augmenting declarations: compiled build of moving_averages.py (the .py stays the source of truth).
# SMA and EMA (the default profile's and DEMA/TEMA's building blocks) keep their state in typed C fields;
# EMA declares it in STEP_STATE (C fields are not in the __dict__ the generic undo snapshot copies).
cimport cython
from octobot_evaluators.indicators._window cimport RollingWindow
from octobot_evaluators.indicators.base cimport Indicator


cdef class SMA(Indicator):
    cdef public Py_ssize_t period
    cdef public RollingWindow _window

    @cython.locals(window=RollingWindow)
    cpdef object _step(self, double close)
    cdef _keep(self)
    cdef _rewind(self)


cdef class EMA(Indicator):
    cdef public Py_ssize_t period
    cdef public double _alpha
    cdef public Py_ssize_t _seen
    cdef public double _sum
    cdef public double _prev
    cdef public Py_ssize_t _kept_seen
    cdef public double _kept_sum
    cdef public double _kept_prev

    cpdef object _step(self, double close)
    cdef _keep(self)
    cdef _rewind(self)
