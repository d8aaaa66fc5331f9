"""Consumers: the receiving end of a channel, each with its own bounded queue.

A consumer owns a ``deque`` and, in normal mode, one task that sleeps on a single future while the queue is
empty and drains the whole backlog on each wake-up. In synchronized mode it has no task: it lists itself in
its synchronizer's pending list of its priority level, and the synchronizer drains it inline.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import sys
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

from octobot_channel.constants import DEFAULT_QUEUE_SIZE, WILDCARD
from octobot_channel.errors import InvalidConsumerError, InvalidFilterError
from octobot_channel.priority import LEVEL_COUNT, Priority

logger = logging.getLogger(__name__)

Message = dict[str, Any]
#: ``async def callback(message)``, or a plain function marked with `returns_awaitable`
Callback = Callable[[Message], Awaitable[Any] | None]
_Function = TypeVar("_Function", bound=Callable[..., Any])

#: the attribute `returns_awaitable` sets on a callback
_RETURNS_AWAITABLE = "__octobot_returns_awaitable__"

# kinds of compiled filter items
_PRESENT = 0  # wildcard: the field must only be present
_EQUAL = 1
_ONE_OF = 2

_UNBOUNDED = sys.maxsize


def _compile_filters(filters: Mapping[str, Any] | None) -> tuple | None:
    """Turn ``{"symbol": "BTC/USDT", "time_frame": "*"}`` into tuples the hot path checks without lookups.

    A list, tuple or set value means "any of these values"; a wildcard anywhere makes the field only
    required to be present.
    """
    if not filters:
        return None
    items = []
    for field, value in filters.items():
        if not isinstance(field, str):
            raise InvalidFilterError(f"filter field names must be strings, got {field!r}")
        if isinstance(value, str) and value == WILDCARD:
            items.append((field, None, _PRESENT))
        elif isinstance(value, (list, tuple, set, frozenset)):
            if WILDCARD in value:
                items.append((field, None, _PRESENT))
                continue
            try:
                accepted: Any = frozenset(value)
            except TypeError:  # unhashable values: a tuple still supports `in`
                accepted = tuple(value)
            items.append((field, accepted, _ONE_OF))
        else:
            items.append((field, value, _EQUAL))
    return tuple(items)


def _value_accepted(candidate: Any, value: Any, kind: int) -> bool:
    """One compiled filter item against one value."""
    if kind == _EQUAL:
        return bool(candidate == value)
    if kind == _ONE_OF:
        try:
            return candidate in value
        except TypeError:  # an unhashable candidate is never one of hashable accepted values
            return False
    return True


def returns_awaitable(callback: _Function) -> _Function:
    """Mark a plain (not ``async``) callback that returns None or an awaitable: consumers await what it
    returns, as they await an ``async def`` callback's coroutine.

    Why: a callback that does its work at the call and only hands back a delivery that is usually
    already complete (what `Producer.send` returns) then costs no coroutine per message, which counts on
    a per-candle path. The callback must not block; anything left to wait for goes in what it returns.
    """
    setattr(callback, _RETURNS_AWAITABLE, True)
    return callback


def _is_async_callable(callback: Any) -> bool:
    return (
        inspect.iscoroutinefunction(callback)
        or inspect.iscoroutinefunction(
            getattr(callback, "__call__", None)  # noqa: B004 - an object with an async __call__
        )
        or getattr(callback, _RETURNS_AWAITABLE, False) is True
    )


class Consumer:
    """Receives the messages of one channel that match its filters and awaits ``callback(message)``.

    Build it through ``channel.new_consumer(...)`` or pass an instance to ``channel.add_consumer``.
    Messages are shared between consumers: treat them as read-only.
    """

    def __init__(
        self,
        callback: Callback | None = None,
        *,
        priority: int = Priority.HIGH,
        filters: Mapping[str, Any] | None = None,
        max_queue_size: int | None = DEFAULT_QUEUE_SIZE,
        name: str | None = None,
        expected_fields: Iterable[str] = (),
    ) -> None:
        if callback is None or not _is_async_callable(callback):
            raise InvalidConsumerError(
                f"a consumer needs an async callback taking the message dict, got {callback!r}: "
                "define it with `async def` (or mark a plain function returning an awaitable with "
                "octobot_channel.returns_awaitable)"
            )
        try:
            level = int(priority)
        except (TypeError, ValueError):
            level = -1
        if not 0 <= level < LEVEL_COUNT:
            raise InvalidConsumerError(
                f"unknown priority {priority!r}: use Priority.HIGH, Priority.MEDIUM or Priority.OPTIONAL"
            )
        if max_queue_size is None:
            max_queue_size = 0
        if not isinstance(max_queue_size, int) or max_queue_size < 0:
            raise InvalidConsumerError(
                f"max_queue_size must be a positive int (0 or None: unbounded), got {max_queue_size!r}"
            )
        self.callback = callback
        self.name = name or getattr(callback, "__qualname__", None) or type(self).__name__
        self.filters = dict(filters) if filters else {}
        self.expected_fields = tuple(expected_fields)
        self.channel = None
        #: the priority as an int (0 = HIGH): the channel sorts and the synchronizer lists consumers by it
        self.level = level
        self._filter_items = _compile_filters(filters)
        # every field a message must carry for this consumer: the filtered ones, then the expected ones
        self.required_fields = tuple(dict.fromkeys([*self.filters, *self.expected_fields]))
        self._maxsize = max_queue_size
        self._limit = max_queue_size or _UNBOUNDED  # synchronized consumers: always _UNBOUNDED
        #: messages waiting for the callback; the synchronizer drains it inline (read it, never fill it)
        self.queue: deque = deque()
        self._append = self.queue.append  # bound once: the compiled build then skips a lookup per message
        self._popleft = self.queue.popleft
        self._waiter: asyncio.Future | None = None
        self._putters: deque = deque()
        self._joiners: list = []
        self._supervised = False
        self._stopped = False
        self._attached = False
        # True while the consumer will look at its queue again without a kick: its task is running (not
        # parked on the waiter), or, in synchronized mode, it is listed as pending or being drained
        self._active = False
        self._pending: list | None = None  # the synchronizer's pending list of this consumer's level
        self._task: asyncio.Task | None = None
        # set by attach(), before any message can arrive (typed as set: every use comes after it)
        self._loop: asyncio.AbstractEventLoop = None  # type: ignore[assignment]

    # ----------------------------------------------------------------- public read-only state
    @property
    def priority(self) -> Priority:
        return Priority(self.level)

    @property
    def queue_size(self) -> int:
        """Messages waiting in this consumer's queue."""
        return len(self.queue)

    @property
    def max_queue_size(self) -> int:
        """Queue bound in normal mode (0: unbounded); synchronized consumers are never bounded."""
        return self._maxsize

    @property
    def is_stopped(self) -> bool:
        return self._stopped

    @property
    def is_idle(self) -> bool:
        """True when every message queued so far has been fully processed (a tool waiting for a
        normal-mode chain to settle polls it on every consumer)."""
        return self._stopped or not (self.queue or self._active)

    def matches(self, message: Mapping[str, Any]) -> bool:
        """Whether this consumer would receive ``message`` (a missing filtered field never matches)."""
        if self._filter_items is None:
            return True
        for field in self.required_fields:
            if field not in message:
                return False
        return self.accepts(message)

    def accepts(self, selection: Mapping[str, Any]) -> bool:
        """Whether the filters accept these field values; fields absent from ``selection`` are not checked.

        ``consumer.accepts({"symbol": "BTC/USDT"})``: would it take BTC/USDT messages, whatever their
        other fields.
        """
        if self._filter_items is None:
            return True
        for field, value, kind in self._filter_items:
            if kind == _PRESENT or field not in selection:
                continue
            if not _value_accepted(selection[field], value, kind):
                return False
        return True

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} priority={self.priority.name} filters={self.filters}>"

    # ----------------------------------------------------------------- hot path (called by the channel)
    def _accepts(self, message: dict) -> bool:
        """Filter check; the channel guarantees every filtered field is present."""
        # the channel calls it only for a consumer that filters: the items are set
        for field, value, kind in self._filter_items:  # type: ignore[union-attr]
            if kind == _EQUAL:
                if message[field] != value:
                    return False
            elif kind == _ONE_OF and not _value_accepted(message[field], value, kind):
                return False
        return True

    def _put(self, message: dict) -> bool:
        """Queue ``message``; False when the queue is full (the producer must wait for room)."""
        if self._stopped:
            return True  # removed while the producer waited: nothing left to deliver to
        if len(self.queue) >= self._limit:
            return False
        self._append(message)
        if self._active:
            return True
        # idle: make it look at its queue (wake its task, start it, or list it as pending)
        self._active = True
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        elif self._pending is not None:
            self._pending.append(self)
        elif self._task is None:
            # started on the first message: tasks then wake in delivery (priority) order
            self._task = self._loop.create_task(self._run(), name=f"octobot_channel consumer {self.name}")
        return True

    async def _wait_for_room(self) -> None:
        """Back-pressure: wait until the queue has room or the consumer is stopped."""
        while not self._stopped and len(self.queue) >= self._limit:
            putter = self._loop.create_future()
            self._putters.append(putter)
            try:
                await putter
            except BaseException:
                putter.cancel()
                try:
                    self._putters.remove(putter)
                except ValueError:
                    pass
                if not self._stopped and len(self.queue) < self._limit:
                    self._wake_putter()  # hand the wake-up we may have received to the next producer
                raise

    def _wake_putter(self) -> None:
        putters = self._putters
        while putters:
            putter = putters.popleft()
            if not putter.done():
                putter.set_result(None)
                return

    def _release_joiners(self) -> None:
        joiners = self._joiners[:]
        self._joiners.clear()
        for joiner in joiners:
            if not joiner.done():
                joiner.set_result(None)

    def drained(self) -> None:
        """The synchronizer emptied this consumer's queue: it is idle again and its joiners are released."""
        self._active = False
        if self._joiners:
            self._release_joiners()

    def log_failure(self) -> None:
        """Log the exception being handled as a failure of this consumer's callback (it keeps consuming)."""
        channel = self.channel
        logger.exception(
            "consumer %s of channel %s raised while processing a message; it keeps consuming",
            self.name,
            channel.full_name if channel is not None else "<detached>",
        )

    # ----------------------------------------------------------------- lifecycle
    def attach(self, channel: Any, pending_by_level: list | None) -> None:
        """Bind to ``channel``; in synchronized mode, to its synchronizer's pending list of our level."""
        if self._attached:
            raise InvalidConsumerError(
                f"consumer {self.name} is already attached to a channel: build a new consumer"
            )
        self._attached = True
        self.channel = channel
        self._loop = asyncio.get_running_loop()
        if pending_by_level is not None:
            self._pending = pending_by_level[self.level]
            self._limit = _UNBOUNDED  # the synchronizer, not back-pressure, bounds a step

    async def _run(self) -> None:
        """Normal mode: drain the whole backlog, then park on one future until the next message."""
        queue = self.queue
        popleft = self._popleft
        putters = self._putters
        callback = self.callback
        loop = self._loop
        try:
            while True:
                if queue:
                    message = popleft()
                    if putters:
                        self._wake_putter()
                    try:
                        result = callback(message)
                        if result is not None:  # None: a `returns_awaitable` callback with nothing to wait
                            await result
                    except Exception:
                        self.log_failure()
                    continue
                # idle: everything queued so far is processed (stop() empties the queue, so we end here)
                if self._joiners:
                    self._release_joiners()
                if self._stopped:
                    return
                waiter = loop.create_future()
                self._waiter = waiter
                self._active = False
                await waiter
        except asyncio.CancelledError:
            # cancelled from outside (a shutdown cancelling every task...): the next message starts a
            # new task, which also processes what is still queued
            if self._task is asyncio.current_task():
                self._task = None
                self._waiter = None
                self._active = False
            raise

    async def stop(self) -> None:
        """Stop consuming: queued messages are dropped, waiting producers and joiners are released.

        Safe from inside the consumer's own callback (the task then ends when the callback returns).
        """
        if self._stopped:
            return
        self._stopped = True
        self.queue.clear()
        while self._putters:
            self._wake_putter()
        self._release_joiners()
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        task = self._task
        self._task = None
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()
            # asyncio.wait does not raise the task's CancelledError, yet propagates our own cancellation
            await asyncio.wait((task,))


class InternalConsumer(Consumer):
    """A consumer whose callback is its own ``consume`` method: subclass it and override ``consume``."""

    def __init__(
        self,
        *,
        priority: int = Priority.HIGH,
        filters: Mapping[str, Any] | None = None,
        max_queue_size: int | None = DEFAULT_QUEUE_SIZE,
        name: str | None = None,
        expected_fields: Iterable[str] = (),
    ) -> None:
        super().__init__(
            self.consume,
            priority=priority,
            filters=filters,
            max_queue_size=max_queue_size,
            name=name or type(self).__name__,
            expected_fields=expected_fields,
        )

    async def consume(self, message: Message) -> None:
        raise NotImplementedError(f"{type(self).__name__} must override `async def consume(self, message)`")


class SupervisedConsumer(Consumer):
    """A consumer whose producer or driver can wait until every message queued so far is processed."""

    def __init__(self, callback: Callback | None = None, **kwargs: Any) -> None:
        super().__init__(callback, **kwargs)
        self._supervised = True

    async def join(self) -> None:
        """Return once every message queued before (and during) this call has been processed.

        In synchronized mode the messages are processed by ``Synchronizer.drain()``: await both together
        (for instance ``asyncio.gather``) or call ``join`` after the drain.
        """
        if self.is_idle:
            return
        joiner = asyncio.get_running_loop().create_future()
        self._joiners.append(joiner)
        await joiner
