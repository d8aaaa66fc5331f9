# cython: annotation_typing=False
"""One stored evaluation: its value, when it was made, and until when it counts as fresh."""

from __future__ import annotations


class Evaluation:
    """A matrix cell. ``time`` is the close time of the candle it was computed on (ms).

    ``valid_until`` is the end (exclusive, ms) of its freshness window: the close of the next candle of its
    time frame; None for evaluations without a time frame, which stay valid until replaced.
    """

    __slots__ = ("time", "valid_until", "value")

    def __init__(self, value: float | None, time: int, valid_until: int | None) -> None:
        self.value = value
        self.time = time
        self.valid_until = valid_until

    def covers(self, instant: int, lag_ms: int = 0) -> bool:
        """True when this evaluation is the current one at ``instant`` (made at or before, not expired)."""
        if self.time > instant:
            return False
        return self.valid_until is None or instant < self.valid_until + lag_ms

    def __repr__(self) -> str:
        return f"Evaluation(value={self.value!r}, time={self.time}, valid_until={self.valid_until})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return (self.value, self.time, self.valid_until) == (other.value, other.time, other.valid_until)
