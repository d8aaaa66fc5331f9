# Augmenting declarations: compiled build of candles.py (the .py stays the source of truth).
cimport cython
from libc.stdint cimport int64_t


cdef class CandleBuffer:
    cdef public str symbol
    cdef public object time_frame
    cdef readonly Py_ssize_t max_size
    cdef Py_ssize_t _size
    cdef object _times_array
    cdef object _values_array
    cdef int64_t[::1] _times
    cdef double[:, ::1] _values
    cdef readonly Py_ssize_t appended
    cdef Py_ssize_t _stored
    cdef bint _has_current
    cdef int64_t _last_timestamp
    cdef int64_t _current_timestamp
    cdef readonly object last_timestamp
    cdef readonly double last_close

    cpdef append(self, object timestamp, object open, object high, object low, object close, object volume)
    cpdef update(self, object timestamp, object open, object high, object low, object close, object volume)
    cpdef tuple _window(self, object n, bint include_current)
    @cython.locals(mirror=Py_ssize_t, times=int64_t[::1], values=double[:, ::1])
    cdef void _write(self, Py_ssize_t slot, int64_t ts, double open, double high, double low, double close,
                     double volume)
    @cython.locals(values=double[:, ::1])
    cdef object _candle_at(self, Py_ssize_t slot)
    @cython.locals(count=Py_ssize_t, index=Py_ssize_t, column=Py_ssize_t, keep=Py_ssize_t, last=int64_t,
                   ts=int64_t, stamp=double, value=double)
    cdef bint _load_rows(self, double[:, ::1] rows) except -1
    @cython.locals(total=double, finite=bint, ts=int64_t)
    cdef int64_t _check(self, object timestamp, object open, object high, object low, object close,
                        object volume, str action) except? -1
