# cython: annotation_typing=False
"""The simulated clock of a backtest: the only time the bot sees while recorded data is replayed."""

from __future__ import annotations

import logging

from octobot_backtesting.errors import ClockError

try:
    import cython
except ImportError:  # pure build without Cython installed (see octobot_channel.cython_shim)
    from octobot_channel import cython_shim as cython

logger = logging.getLogger(__name__)


class SimulatedClock:
    """Implements octobot_trading's ``Clock`` protocol (``now_ms()``) for a replay.

    Why it refuses to go backwards: a strategy that saw time T must never see a time before T again,
    or a replay could leak or reorder events; only the replay driver advances it.
    """

    if not cython.compiled:  # the compiled build declares its one field in clock.pxd (a cdef class)
        __slots__ = ("_now_ms",)

    def __init__(self, start_ms: int) -> None:
        self._now_ms = _checked_ms(start_ms, "start_ms")

    def now_ms(self) -> int:
        """Current simulated time, int milliseconds UTC."""
        return self._now_ms

    def advance_to(self, timestamp_ms: int) -> None:
        """Moves the clock to ``timestamp_ms``; staying on the same instant is allowed, going back is not."""
        if type(timestamp_ms) is not int:  # the replay's instants are plain ints: one test each
            timestamp_ms = _checked_ms(timestamp_ms, "timestamp_ms")
        if timestamp_ms < self._now_ms:
            raise ClockError(
                f"the simulated clock cannot go backwards: it is at {self._now_ms} ms and was asked to move "
                f"to {timestamp_ms} ms; replay events in time order"
            )
        self._now_ms = timestamp_ms

    def advance_by(self, duration_ms: int) -> None:
        """Moves the clock forward by ``duration_ms`` (zero or more)."""
        duration_ms = _checked_ms(duration_ms, "duration_ms")
        if duration_ms < 0:
            raise ClockError(
                f"the simulated clock cannot go backwards: duration_ms={duration_ms} is negative"
            )
        self._now_ms += duration_ms

    def __repr__(self) -> str:
        return f"SimulatedClock(now_ms={self._now_ms})"


def _checked_ms(value: int, name: str) -> int:
    # bool is an int subclass, and a float would silently lose the integer-ms convention
    if isinstance(value, bool) or not isinstance(value, int):
        raise ClockError(f"{name} must be an int of milliseconds UTC, got {value!r} ({type(value).__name__})")
    return value
