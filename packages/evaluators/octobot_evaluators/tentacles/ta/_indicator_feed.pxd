# Augmenting declarations: compiled build of _indicator_feed.py (the .py stays the source of truth).
# The feeds are cdef classes: their per-candle fields are C slots (no dict lookups per candle); `__dict__`
# stays for anything else. CloseFeeds is one too: its `get` (once per candle) compares two references in C.


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


cdef class CloseFeeds:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object _factory
    cdef public dict _feeds
    cdef public object _last_symbol
    cdef public object _last_time_frame
    cdef public object _last_feed

    cpdef get(self, object symbol, object time_frame)
    cpdef clear(self)


cdef class CandleFeeds(CloseFeeds):
    pass
