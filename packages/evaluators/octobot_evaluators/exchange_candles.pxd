# Augmenting declarations: compiled build of exchange_candles.py (the .py stays the source of truth).
cdef class ExchangeCandles:
    cdef object _manager
    cdef dict _buffers
