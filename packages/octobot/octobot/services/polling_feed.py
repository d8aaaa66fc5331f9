"""Feeds that read their service by polling (RSS, Reddit, Telegram's getUpdates).

Why one loop for all: each such feed only says how to read once (`fetch`); the loop around it is the
same for every service: wait ``interval_seconds`` between reads, and on a failure retry with an
exponential backoff (doubling from ``interval_seconds`` up to ``max_retry_seconds``, or the wait a 429
asked for), logging each new kind of error once, never raising out of the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from typing import Any, ClassVar

import octobot_evaluators as oe
from octobot.errors import FeedError
from octobot.services.service_feed import ServiceFeed

#: the longest wait a service's Retry-After is obeyed for
MAX_RETRY_AFTER_SECONDS = 3600.0

#: the settings every polling feed has (merged into each one's DEFAULT_CONFIG / CONFIG_SCHEMA)
POLLING_DEFAULTS: dict[str, Any] = {
    "interval_seconds": 60.0,
    "timeout_seconds": 20.0,
    "max_retry_seconds": 900.0,
    "silence_seconds": 86400.0,
}
POLLING_PROPERTIES: dict[str, Any] = {
    "interval_seconds": {"type": "number", "exclusiveMinimum": 0, "description": "seconds between two reads"},
    "timeout_seconds": {"type": "number", "exclusiveMinimum": 0, "description": "longest wait for one read"},
    "max_retry_seconds": {
        "type": "number",
        "exclusiveMinimum": 0,
        "description": "longest wait between two failed reads (the backoff doubles up to it)",
    },
    "silence_seconds": {
        "type": ["number", "null"],
        "exclusiveMinimum": 0,
        "description": "report the feed silent after this long without an item (null: never)",
    },
}


def backoff_seconds(
    failures: int, interval: float, maximum: float, retry_after: float | None = None
) -> float:
    """The wait before the next read after ``failures`` failed reads in a row."""
    wait = min(maximum, interval * 2.0 ** min(max(0, failures - 1), 64))
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return wait


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header in seconds (the HTTP-date form is read as "unknown")."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class PollingFeed(ServiceFeed):
    """Implement `fetch` (one read, returning the new signals; raise on failure, FeedError with
    ``retry_after`` for a 429); optionally `open` and `close` (a session kept across reads)."""

    ABSTRACT: ClassVar[bool] = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._task: asyncio.Task[None] | None = None
        self.reads = 0  # reads attempted, failed ones included

    async def fetch(self) -> Sequence[oe.Signal]:
        raise NotImplementedError(f"{type(self).__name__} must implement fetch()")

    @property
    def read_timeout(self) -> float:
        """The longest one `fetch` may take (a feed reading several sources at once may need more)."""
        return float(self.config["timeout_seconds"])

    async def open(self) -> None:
        """Prepare what every read uses (a client session); no network call here."""

    async def close(self) -> None:
        """Release what `open` prepared."""

    async def start(self) -> None:
        await super().start()
        await self.open()
        self._task = asyncio.create_task(self._run(), name=f"feed-{self.name}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.close()
        await super().stop()

    async def _run(self) -> None:
        interval = float(self.config["interval_seconds"])
        failures = 0
        while True:
            self.reads += 1
            try:
                signals = await asyncio.wait_for(self.fetch(), self.read_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a feed never stops the bot: log, back off, retry
                failures += 1
                retry_after = error.retry_after if isinstance(error, FeedError) else None
                wait = backoff_seconds(
                    failures, interval, float(self.config["max_retry_seconds"]), retry_after
                )
                self.health.failed(self.describe(error), wait)
                await asyncio.sleep(wait)
                continue
            failures = 0
            self.health.succeeded()
            for signal in signals:
                await self.publish(signal)
            self.health.received(len(signals), int(time.time() * 1000))
            self.health.check_silence()
            await asyncio.sleep(interval)
