# Augmenting declarations: compiled build of market_data.py (the .py stays the source of truth).
# SymbolData is a cdef class: the candle route writes its price in C on every candle (``set_price``) and
# reads ``priced`` as a C field; its other attributes (buffers, book, ticker) live in its __dict__.


cdef class SymbolData:
    cdef dict __dict__
    cdef object __weakref__
    cdef readonly str symbol
    cdef object _raw_price
    cdef object _price
    cdef public bint priced
    cdef public object last_price_time

    cpdef set_price(self, object price, object time)
