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

#: the type of the completed futures a drain need not await (what `Producer.send` returns)
_FUTURE = asyncio.Future
#: counts whose completed future a synchronizer keeps (a step processes a few messages, often the same)
COMPLETED_CACHE_SIZE = 64


class Synchronizer:
    """Drives the synchronized channels attached to it, whatever their scopes."""

    def __init__(self, name: str = "synchronizer") -> None:
        self.name = name
        self._pending_by_level: list = [[] for _ in range(LEVEL_COUNT)]
        self._channels: list = []
        self._draining = False
        self._idle: asyncio.Future | None = None  # what drain returns when nothing is pending
        #: what a drain that never waited returns, by count: completed futures, made once each
        self._completed: dict = {}
        #: the completed future (result None) the producers of its channels hand back for a delivery
        #: that did not wait: a drain recognises it by identity (no call per message; see `delivered`)
        self._delivered: asyncio.Future | None = None
        # where a drain waiting on a callback's awaitable stands (see _run and _finish)
        self._batch: list | None = None
        self._position = 0
        self._processed = 0

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

    def delivered(self) -> asyncio.Future:
        """A completed future (result None) shared by the producers of the attached channels: what their
        ``send`` returns when nothing had to wait. A callback handing it back costs the drain one pointer
        comparison. Call it from the event loop (made on the first call)."""
        done = self._delivered
        if done is None:
            done = self._delivered = asyncio.get_running_loop().create_future()
            done.set_result(None)
        return done

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

        Draining starts at the call, as `Producer.send` delivers at the call: while every callback hands
        back nothing or a completed future (``returns_awaitable`` callbacks on a backtest's per-candle
        path), the whole drain runs here and returns a completed future (no coroutine per drain). At the
        first callback whose awaitable is not complete (an ``async def`` callback's coroutine...), the rest
        of the drain goes on in the returned coroutine. Always await what it returns.
        """
        if self._draining:
            self._ensure_not_draining()  # raises
        for pending in self._pending_by_level:
            if pending:
                break
        else:
            idle = self._idle
            if idle is None:  # nothing to do: a completed future, cheaper to await than a coroutine
                idle = self._idle = asyncio.get_running_loop().create_future()
                idle.set_result(0)
            return idle
        self._draining = True
        waiting = self._run(None, 0, 0)
        if waiting is not None:
            return self._finish(waiting)
        processed = self._processed
        done = self._completed.get(processed)
        if done is None:  # one completed future per count, made once (the count of a step rarely varies)
            done = asyncio.get_running_loop().create_future()
            done.set_result(processed)
            if len(self._completed) < COMPLETED_CACHE_SIZE:
                self._completed[processed] = done
        return done

    def _ensure_not_draining(self) -> None:
        if self._draining:
            raise SynchronizerError(
                f"{self.name}.drain() called while it is draining: a synchronized consumer must not drain, "
                "the running drain already processes what it sends"
            )

    def _run(self, batch, position, processed):  # type: (list | None, int, int) -> Any
        # typed by a comment: the .pxd gives the compiled build its C types (Py_ssize_t position)
        """Drain from ``batch[position]`` (or the next batch) on: the synchronous part of a drain.

        Returns None once nothing is pending (the drain is over: ``_processed`` holds the count), or the
        awaitable a callback handed back when it is not complete yet: the drain then stays open, its
        place kept (``_batch``, ``_position``: the consumer whose callback it was) for `_finish`.
        """
        levels = self._pending_by_level
        delivered = self._delivered
        future_type = _FUTURE
        waiting = None
        try:
            while True:
                if batch is None:
                    # the next batch: the pending consumers of the first non-empty level (HIGH first)
                    for pending in levels:
                        if pending:
                            batch = pending[:]
                            pending.clear()
                            break
                    else:
                        return None
                    position = 0
                size = len(batch)
                while position < size:  # a consumer is listed once in a batch
                    if cython.compiled:
                        consumer = _as_consumer(batch[position])  # typed: C reads of the consumer's fields
                    else:
                        consumer = batch[position]  # no call per consumer in pure Python
                    # the consumer's loop, inlined: no call per message but the callback's
                    queue = consumer.queue
                    popleft = consumer._popleft  # bound once by the consumer
                    callback = consumer.callback
                    while queue:  # stop() empties the queue
                        message = popleft()
                        processed += 1
                        try:
                            result = callback(message)
                            # None: a `returns_awaitable` callback with nothing to wait for;
                            # `delivered`: a send of one of our producers that did not wait
                            if result is not None and result is not delivered:
                                if type(result) is future_type and result.done():
                                    result.result()  # raises what awaiting it would raise
                                else:
                                    waiting = result
                                    return waiting
                        except Exception:
                            consumer.log_failure()
                    consumer.drained()
                    position += 1
                batch = None
        finally:
            if waiting is not None:  # handed over to _finish, which awaits it and calls again
                self._batch, self._position, self._processed = batch, position, processed
            else:
                self._processed = processed
                self._draining = False
                if batch is not None:  # interrupted (cancelled...): keep the rest of the batch listed
                    self._relist(batch, position)

    async def _finish(self, waiting: Any) -> int:
        """The drain, from the first callback whose awaitable was not complete: await it, drain on."""
        while waiting is not None:
            batch, position = self._batch, self._position
            self._batch = None
            try:
                await waiting
            except Exception:
                _as_consumer(batch[position]).log_failure()  # type: ignore[index]
            except BaseException:  # cancelled: the current consumer and the rest stay listed, in order
                self._draining = False
                self._relist(batch, position)  # type: ignore[arg-type]
                raise
            waiting = self._run(batch, position, self._processed)
        return self._processed

    def _relist(self, batch, position):  # type: (list, int) -> None
        """Put ``batch[position:]`` back at the head of its level: the next drain starts there."""
        rest = batch[position:]
        if rest:
            self._pending_by_level[_as_consumer(rest[0]).level][0:0] = rest

    def __repr__(self) -> str:
        return f"<Synchronizer {self.name!r} channels={len(self._channels)}>"


def _as_consumer(item: Any) -> Consumer:
    """Identity; typed in the .pxd so the compiled drain loop reads consumers' fields directly."""
    return item
