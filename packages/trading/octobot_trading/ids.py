"""Id factories: increasing integers that a restored account can move past.

Why a small class and not a bare ``itertools.count``: after a restart, ids issued before the crash are
in the state file; the restore must make the next ids start above them, through a public method rather
than by replacing a module's private counter.
"""

from __future__ import annotations


class IdCounter:
    """Issues 1, 2, 3... (``next(counter)``); ``reserve_above(n)`` makes the next id at least ``n + 1``."""

    __slots__ = ("_next",)

    def __init__(self, start: int = 1) -> None:
        self._next = int(start)

    def __next__(self) -> int:
        value = self._next
        self._next = value + 1
        return value

    def __iter__(self) -> IdCounter:
        return self

    @property
    def next_id(self) -> int:
        """The id the next ``next()`` returns."""
        return self._next

    def reserve_above(self, used: int) -> None:
        """Never issue ``used`` or anything below it (ids already taken, e.g. by a restored state)."""
        if used >= self._next:
            self._next = int(used) + 1

    def __repr__(self) -> str:
        return f"IdCounter(next={self._next})"
