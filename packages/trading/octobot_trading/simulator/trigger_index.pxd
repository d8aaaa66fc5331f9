# Augmenting declarations for trigger_index.py (compiled build); the .py stays the pure build.

cdef class TriggerIndex:
    cdef list _up
    cdef list _down
    cdef dict _orders
    cdef dict _keys
    cdef long long _seq
    cdef object _up_head
    cdef object _down_head
    cdef double _up_guard
    cdef double _down_guard

    cpdef add(self, object order, object level, object direction)
    cpdef bint remove(self, object order)
    cpdef object pop_up(self, object price)
    cpdef object pop_down(self, object price)
    cpdef bint outside(self, object low, object high) except -1
    cpdef bint outside_floats(self, double low, double high) except -1
    cpdef list orders(self)
