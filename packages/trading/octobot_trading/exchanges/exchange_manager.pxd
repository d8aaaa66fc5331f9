# Augmenting declarations: compiled build of exchange_manager.py (the .py stays the source of truth).
# ExchangeManager is a cdef class: ``push_candle`` reads its routes, the OHLCV channel and the account
# from C fields and stores a candle through the route's C ``store``. Subclasses (persistence, live, tests)
# stay Python classes; everything not declared here lives in the instance's ``__dict__``.
cimport cython
from octobot_trading.exchanges.candle_route cimport CandleRoute


cdef class ExchangeManager:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object exchange_id
    cdef public object account
    cdef dict _routes
    cdef object _ohlcv
    cdef object _completed
    cdef object _last_symbol
    cdef object _last_time_frame
    cdef CandleRoute _last_route

    @cython.locals(routes=dict, route=CandleRoute)
    cpdef push_candle(self, object symbol, object time_frame, object candle)
