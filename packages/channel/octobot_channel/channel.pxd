# Augmenting declarations: compiled build of channel.py (the .py stays the source of truth).
cimport cython
from octobot_channel.consumer cimport Consumer


cdef class Channel:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object scope
    cdef public object name
    cdef public object internal_producer
    cdef public list _consumers
    cdef public list _producers
    cdef public tuple _routes
    cdef readonly tuple consumers
    cdef public tuple _required_fields
    cdef public object _route_key
    cdef public dict _route_cache
    cdef public tuple _unfiltered_fields
    cdef public bint _closed
    cdef public object _synchronizer
    cdef public object _pending_by_level

    cdef _rebuild_routes(self)
    # the delivery protocol with the producer (the hot path): C calls, no Python dispatch per message
    cdef tuple _routes_for(self, dict message)
    @cython.locals(consumer=Consumer)
    cdef tuple _resolve(self, dict message)
    @cython.locals(consumer=Consumer)
    cdef _check_fields(self, dict message)
    @cython.locals(consumer=Consumer, index=Py_ssize_t, pending=list)
    cdef Py_ssize_t _deliver(self, tuple routes, dict message, object exclude, Py_ssize_t start) except -2
    cdef _ensure_open(self)
