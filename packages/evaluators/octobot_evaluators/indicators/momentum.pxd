# Augmenting declarations: compiled build of momentum.py (the .py stays the source of truth).
# RSI and MACD keep their per-candle state in typed C fields (declared in their STEP_STATE, since these
# are not in the instance __dict__ the generic undo snapshot copies); their `_step` runs on C doubles.
cimport cython
from octobot_evaluators.indicators.base cimport Indicator


cdef class RSI(Indicator):
    cdef public Py_ssize_t period
    cdef public double _prev_close
    cdef public Py_ssize_t _moves
    cdef public double _gain
    cdef public double _loss
    cdef public double _kept_prev_close
    cdef public Py_ssize_t _kept_moves
    cdef public double _kept_gain
    cdef public double _kept_loss

    @cython.locals(prev=double, move=double, up=double, down=double, period=Py_ssize_t, gain=double,
                   loss=double, total=double)
    cpdef object _step(self, double close)
    cdef _keep(self)
    cdef _rewind(self)


cdef class MACD(Indicator):
    cdef public Py_ssize_t fast
    cdef public Py_ssize_t slow
    cdef public Py_ssize_t signal
    cdef public Py_ssize_t _seen
    cdef public double _fast_alpha
    cdef public double _slow_alpha
    cdef public double _signal_alpha
    cdef public double _fast_ema
    cdef public double _slow_ema
    cdef public double _signal_ema
    cdef public Py_ssize_t _kept_seen
    cdef public double _kept_slow_ema
    cdef public double _kept_fast_ema
    cdef public double _kept_signal_ema

    @cython.locals(seen=Py_ssize_t, slow_period=Py_ssize_t, signal_period=Py_ssize_t, signal_seen=Py_ssize_t,
                   slow_ema=double, fast_ema=double, line=double, signal=double)
    cpdef object _step(self, double close)
    cdef _keep(self)
    cdef _rewind(self)
