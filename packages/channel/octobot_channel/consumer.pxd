# Augmenting declarations: compiled build of consumer.py (the .py stays the source of truth).
cimport cython


cdef class Consumer:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object callback
    cdef public object name
    cdef public dict filters
    cdef public tuple expected_fields
    cdef public object channel
    cdef public int level
    cdef public object _filter_items
    cdef public tuple required_fields
    cdef public Py_ssize_t _maxsize
    cdef public Py_ssize_t _limit
    cdef public object queue
    cdef public object _append
    cdef public object _popleft
    cdef public object _waiter
    cdef public object _putters
    cdef public list _joiners
    cdef public bint _supervised
    cdef public bint _stopped
    cdef public bint _attached
    cdef public bint _active
    cdef public list _pending
    cdef public object _task
    cdef public object _loop

    # the delivery protocol with the channel (the hot path): C calls, no Python dispatch per message
    @cython.locals(kind=int)
    cdef bint _accepts(self, dict message) except -1
    cdef bint _put(self, dict message) except -1
    cdef _wake_putter(self)
    cdef _release_joiners(self)
    cpdef drained(self)
    cpdef log_failure(self)
    cpdef attach(self, object channel, list pending_by_level)


cdef class InternalConsumer(Consumer):
    pass


cdef class SupervisedConsumer(Consumer):
    pass
