# Augmenting declarations: compiled build of synchronizer.py (the .py stays the source of truth).

from octobot_channel.consumer cimport Consumer


cdef class Synchronizer:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object name
    cdef public list _pending_by_level
    cdef public list _channels
    cdef public bint _draining
    cdef public object _idle

    cpdef list attach(self, object channel)
    cpdef detach(self, object channel)

    cdef _ensure_not_draining(self)


cdef Consumer _as_consumer(object item)
