# Augmenting declarations: compiled build of producer.py (the .py stays the source of truth).
from octobot_channel.channel cimport Channel


cdef class Producer:
    cdef dict __dict__
    cdef object __weakref__
    cdef public Channel channel
    cdef public bint is_running
    cdef public bint _paused
    cdef public set _tasks
    cdef public object _delivered

    # the delivery primitive: a C call from compiled senders (the evaluators' matrix, the exchange
    # manager); a Python subclass may still override it (cpdef dispatches to the override)
    cpdef object send(self, object message, object exclude=*)
    cpdef _task_done(self, object task)
