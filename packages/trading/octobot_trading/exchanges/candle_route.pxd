# Augmenting declarations: compiled build of candle_route.py (the .py stays the source of truth).
cimport cython
from libc.stdint cimport int64_t
from octobot_trading.candles cimport CandleBuffer
from octobot_trading.exchanges.market_data cimport SymbolData


cdef class CandleRoute:
    cdef readonly str symbol
    cdef readonly SymbolData data
    cdef readonly CandleBuffer buffer
    cdef readonly object tf
    cdef readonly str value
    cdef readonly int64_t grid_ms
    cdef public bint prices
    cdef readonly object simulator
    cdef readonly object first_price

    @cython.locals(open_time=object, start=int64_t, grid=int64_t, close_time=object, data=SymbolData)
    cpdef bint store(self, object candle) except -1
