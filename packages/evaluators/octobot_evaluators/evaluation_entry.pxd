cimport cython


# a freelist: the matrix replaces a cell on every candle, so the freed cell is the next one made
@cython.freelist(8)
cdef class Evaluation:
    cdef public object value
    cdef public long long time
    cdef public object valid_until

    cpdef bint covers(self, long long instant, long long lag_ms=*)
