# Augmenting declarations: compiled build of _indicator_feed.py (the .py stays the source of truth).
# The feeds are cdef classes: their per-candle fields are C slots (no dict lookups per candle); `__dict__`
# stays for anything else. CloseFeeds and CandleFeeds stay Python classes (one lookup per candle).


cdef class CloseFeed:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object _factory
    cdef public tuple indicators
    cdef public object _last_time
    cdef public Py_ssize_t _seen
    cdef public object _latest


cdef class CandleFeed(CloseFeed):
    cdef public tuple _fields
