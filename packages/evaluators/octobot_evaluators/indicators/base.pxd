# Augmenting declarations: compiled build of base.py (the .py stays the source of truth).
# A cdef class core: the protocol's own fields are C slots (no dict lookups per update); `__dict__` keeps
# every other attribute, so indicators written in Python (subclasses) set anything they like.
# `_keep`/`_rewind` are cdef: a shipped indicator's undo is a C call copying C fields (no override check).

cdef class Indicator:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object _value
    cdef public object _undo
    cdef public object _kept_value
    cdef public bint _has_undo
    cdef public object _children
    cdef public object _save_state
    cdef public bint _keeps_own
    cdef public Py_ssize_t _arity

    cdef _undo_last(self)
    cdef _keep(self)
    cdef _rewind(self)
