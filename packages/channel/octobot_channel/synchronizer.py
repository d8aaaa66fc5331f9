"""Synchronized mode: a driver drains every consumer inline, level by level, deterministically.

Consumers of synchronized channels run no task. When a message lands in an empty queue the consumer
appends itself to the synchronizer's pending list of its priority level; ``drain`` then takes the first
non-empty level (HIGH before MEDIUM before OPTIONAL), drains every consumer of that batch completely and
starts again from HIGH, until no level has anything pending. Messages sent while draining are therefore
handled within the same ``drain`` call, and the order depends only on the order of the sends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from octobot_channel.errors import SynchronizerError
from octobot_channel.priority import LEVEL_COUNT

try:
    import cython
except ImportError:  # pure build without Cython installed
    from octobot_channel import cython_shim as cython

if TYPE_CHECKING:
    from octobot_channel.channel import Channel
    from octobot_channel.consumer import Consumer

logger = logging.getLogger(__name__)


class Synchronizer:
    """Drives the synchronized channels attached to it, whatever their scopes."""

    def __init__(self, name: str = "synchronizer") -> None:
        self.name = name
        self._pending_by_level: list = [[] for _ in range(LEVEL_COUNT)]
        self._channels: list = []
        self._draining = False
        self._idle: asyncio.Future | None = None  # what drain returns when nothing is pending

    @property
    def channels(self) -> tuple:
        """The channels this synchronizer drains, in attachment order."""
        return tuple(self._channels)

    @property
    def is_draining(self) -> bool:
        return self._draining

    @property
    def has_pending(self) -> bool:
        """True when some consumer has a message waiting for the next ``drain``."""
        for pending in self._pending_by_level:
            for consumer in pending:
                if consumer.queue:
                    return True
        return False

    def attach(self, channel: Channel) -> list:
        """Drain ``channel`` too; returns the pending lists (by level) its consumers join on a message."""
        if channel not in self._channels:
            self._channels.append(channel)
        return self._pending_by_level

    def detach(self, channel: Channel) -> None:
        """Stop draining ``channel`` (it was stopped)."""
        if channel in self._channels:
            self._channels.remove(channel)

    def drain(self) -> Awaitable[int]:
        """Process everything pending, cascades included; await it for the number of messages processed.

        A message a consumer sends while being drained (to any attached channel) is processed before
        ``drain`` completes. Raises ``SynchronizerError`` when called from inside a drain (a callback of a
        synchronized consumer must not drain: the running drain already handles what it sends).
        """
        if self._draining:
            self._ensure_not_draining()  # raises
        for pending in self._pending_by_level:
            if pending:
                return self._drain()
        idle = self._idle
        if idle is None:  # nothing to do: a completed future, cheaper to await than a coroutine
            idle = self._idle = asyncio.get_running_loop().create_future()
            idle.set_result(0)
        return idle

    def _ensure_not_draining(self) -> None:
        if self._draining:
            raise SynchronizerError(
                f"{self.name}.drain() called while it is draining: a synchronized consumer must not drain, "
                "the running drain already processes what it sends"
            )

    async def _drain(self) -> int:
        if self._draining:
            self._ensure_not_draining()  # raises
        self._draining = True
        levels = self._pending_by_level
        processed = 0
        batch = None
        item = None  # the consumer being drained: where an interruption fell
        try:
            while True:
                # the next batch: the pending consumers of the first non-empty level (HIGH first), unlisted
                for pending in levels:
                    if pending:
                        batch = pending[:]
                        pending.clear()
                        break
                else:
                    batch = None
                    return processed
                for item in batch:  # a consumer is listed once in a batch
                    if cython.compiled:
                        consumer = _as_consumer(item)  # typed: C reads of the consumer's fields
                    else:
                        consumer = item  # no call per consumer in pure Python
                    # the consumer's loop, inlined: one coroutine per drain instead of one per consumer
                    queue = consumer.queue
                    callback = consumer.callback
                    while queue:  # stop() empties the queue
                        message = queue.popleft()
                        try:
                            result = callback(message)
                            if result is not None:  # None: a `returns_awaitable` callback, all done
                                await result
                        except Exception:
                            consumer.log_failure()
                        processed += 1
                    consumer.drained()
                item = None
        finally:
            self._draining = False
            if batch is not None and item is not None:
                # interrupted (cancelled): the current consumer and the rest stay listed, in order
                rest = batch[batch.index(item) :]
                levels[_as_consumer(rest[0]).level][0:0] = rest

    def __repr__(self) -> str:
        return f"<Synchronizer {self.name!r} channels={len(self._channels)}>"


def _as_consumer(item: Any) -> Consumer:
    """Identity; typed in the .pxd so the compiled drain loop reads consumers' fields directly."""
    return item
