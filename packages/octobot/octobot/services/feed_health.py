"""What a service feed tells about itself: failing, silent, or fine, each change logged once.

Why once: a feed polling every minute through an hour-long outage must not write sixty identical
warnings; the log says when it broke (naming the service and the error), when the error changed, and
when it recovered. A silent feed (no item for longer than its ``silence_seconds``) is reported the same
way: a Telegram channel that stopped posting and a broken one look alike from inside.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

OK = "ok"
FAILING = "failing"
SILENT = "silent"


@dataclass
class FeedStatus:
    """A snapshot for interfaces and tests: ``state`` is "ok", "failing" or "silent"."""

    feed: str
    service: str
    state: str
    last_error: str | None
    errors: int
    signals: int
    last_signal_ms: int | None


class FeedHealth:
    """Tracks one feed's errors and silence; every message names the feed and its service."""

    def __init__(
        self, feed: str, service: str, logger: logging.Logger, silence_seconds: float | None
    ) -> None:
        self.feed = feed
        self.service = service
        self._logger = logger
        self._silence_seconds = silence_seconds
        self._failing: dict[str | None, str] = {}  # the current error of each failing source
        self._last_error: str | None = None
        self._errors = 0
        self._signals = 0
        self._last_signal_ms: int | None = None
        self._last_activity = time.monotonic()  # start counts as activity: silence is measured from it
        self._silent = False

    def _where(self, source: str | None) -> str:
        return f"{self.feed} (service {self.service})" + (f" {source}" if source else "")

    def failed(self, error: str, retry_in: float, source: str | None = None, logged: bool = True) -> None:
        """A read (of ``source``, for a feed of several) failed with ``error`` (already free of secrets);
        logged when it differs from that source's current error. ``logged=False``: counted only, the
        reader shared with other tentacles (a service's) has logged it already."""
        self._errors += 1
        if logged and self._failing.get(source) != error:
            self._logger.warning(
                "%s: %s; retrying in %.3gs (logged once until it changes)",
                self._where(source),
                error,
                retry_in,
            )
        self._failing[source] = error
        self._last_error = error

    def succeeded(self, source: str | None = None, logged: bool = True) -> None:
        """A read (of ``source``) worked, with or without new items (``logged``: as in `failed`)."""
        if self._failing.pop(source, None) is not None and logged:
            self._logger.info("%s: recovered (%d failed read(s) so far)", self._where(source), self._errors)
        if not self._failing:
            self._last_error = None

    def received(self, count: int, now_ms: int) -> None:
        """``count`` new items arrived."""
        if count <= 0:
            return
        self._signals += count
        self._last_signal_ms = now_ms
        self._last_activity = time.monotonic()
        if self._silent:
            self._silent = False
            self._logger.info("%s (service %s): items again", self.feed, self.service)

    def check_silence(self) -> bool:
        """Whether the feed is silent now; logs the moment it becomes so."""
        if self._silence_seconds is None or self._silent:
            return self._silent
        quiet = time.monotonic() - self._last_activity
        if quiet >= self._silence_seconds:
            self._silent = True
            self._logger.warning(
                "%s (service %s): silent, no item for %.0fs (silence_seconds: %s)",
                self.feed,
                self.service,
                quiet,
                self._silence_seconds,
            )
        return self._silent

    def status(self) -> FeedStatus:
        state = FAILING if self._last_error is not None else SILENT if self._silent else OK
        return FeedStatus(
            self.feed,
            self.service,
            state,
            self._last_error,
            self._errors,
            self._signals,
            self._last_signal_ms,
        )
