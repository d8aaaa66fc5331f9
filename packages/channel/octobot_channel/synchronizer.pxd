# Augmenting declarations: compiled build of synchronizer.py (the .py stays the source of truth).

cimport cython
from octobot_channel.consumer cimport Consumer


cdef class Synchronizer:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object name
    cdef public list _pending_by_level
    cdef public list _channels
    cdef public bint _draining
    cdef public object _idle
    cdef public dict _completed
    cdef public object _delivered
    cdef public list _batch
    cdef public Py_ssize_t _position
    cdef public Py_ssize_t _processed

    cpdef object delivered(self)
    cpdef list attach(self, object channel)
    cpdef detach(self, object channel)

    cdef _ensure_not_draining(self)
    # the synchronous part of a drain (the hot path): C reads of the consumers' fields, no coroutine
    @cython.locals(consumer=Consumer, size=Py_ssize_t, levels=list, pending=list)
    cdef object _run(self, list batch, Py_ssize_t position, Py_ssize_t processed)
    cdef _relist(self, list batch, Py_ssize_t position)


cdef Consumer _as_consumer(object item)
