# Augmenting declarations: compiled build of channel.py (the .py stays the source of truth).
cimport cython
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from octobot_channel.consumer cimport Consumer


cdef inline object _c_route_values(tuple fields, dict message):
    """What ``operator.itemgetter(*fields)(message)`` returns (the value itself for one field), built in C:
    the route cache's key, read on every send. Raises KeyError for a missing field, as itemgetter does."""
    cdef Py_ssize_t index, count = len(fields)
    cdef tuple values
    if count == 1:
        return message[fields[0]]
    values = PyTuple_New(count)
    for index in range(count):
        value = message[fields[index]]
        Py_INCREF(value)
        PyTuple_SET_ITEM(values, index, value)
    return values


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
    cdef public tuple _filtered_fields
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
    @cython.locals(consumer=Consumer, index=Py_ssize_t)
    cdef Py_ssize_t _deliver(self, tuple routes, dict message, object exclude, Py_ssize_t start) except -2
    cdef _ensure_open(self)
