# Augmenting declarations: compiled build of clock.py (the .py stays the source of truth).
# Why compiled: every candle reads the clock (now_ms) and the replay moves it (advance_to) on every
# instant; as a cdef class these are C-level method calls, no Python frame each.

cdef class SimulatedClock:
    cdef public object _now_ms

    cpdef object now_ms(self)
    cpdef advance_to(self, object timestamp_ms)
