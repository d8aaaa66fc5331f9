# Augmenting declarations of _zones.py: the typed walk of a run of evaluations through state zones.
cimport cython

@cython.locals(zone=Py_ssize_t, edge=Py_ssize_t)
cpdef Py_ssize_t zone_of(double value, double[::1] edges, unsigned char[::1] upward)

@cython.locals(index=Py_ssize_t, count=Py_ssize_t, value=double, found=cython.longlong)
cdef tuple _scan(double[::1] values, Py_ssize_t start, long long code, double[::1] edges,
                 unsigned char[::1] upward, long long[::1] codes)
