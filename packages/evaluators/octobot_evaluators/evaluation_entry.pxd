cdef class Evaluation:
    cdef public object value
    cdef public long long time
    cdef public object valid_until

    cpdef bint covers(self, long long instant, long long lag_ms=*)
