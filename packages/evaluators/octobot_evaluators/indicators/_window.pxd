# Augmenting declarations: compiled build of _window.py (the .py stays the source of truth).
# A cdef class: the ring buffer and its running sums are typed C fields, `push` runs on C doubles.
# No instance __dict__ (every attribute is declared here): an exact RollingWindow then skips cpdef's
# Python-override check (an attribute lookup per `push`); a Python subclass still gets one and overrides.
cimport cython


cdef class RollingWindow:
    cdef object __weakref__
    cdef public Py_ssize_t size
    cdef public bint total_only
    cdef public list _buf
    cdef public Py_ssize_t _pos
    cdef public Py_ssize_t count
    cdef public double total
    cdef public double weighted_total
    cdef public double _ref
    cdef public double _s1
    cdef public double _s2

    @cython.locals(size=Py_ssize_t, pos=Py_ssize_t, delta=double, old=double, old_delta=double)
    cpdef push(self, double value)

    cdef public Py_ssize_t _kept_pos
    cdef public double _kept_slot
    cdef public Py_ssize_t _kept_count
    cdef public double _kept_total
    cdef public double _kept_weighted_total
    cdef public double _kept_ref
    cdef public double _kept_s1
    cdef public double _kept_s2

    @cython.locals(pos=Py_ssize_t)
    cdef _keep(self)
    @cython.locals(pos=Py_ssize_t)
    cdef _rewind(self)
