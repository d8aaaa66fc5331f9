"""Producers: the sending end of a channel."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Coroutine
from typing import TYPE_CHECKING, Any

from octobot_channel.errors import InvalidMessageError

if TYPE_CHECKING:
    from octobot_channel.channel import Channel
    from octobot_channel.consumer import Consumer, Message

logger = logging.getLogger(__name__)


class Producer:
    """Delivers messages to the consumers of one channel.

    ``send`` is the delivery primitive. Subclasses override ``push`` (their own typed entry point, which
    builds the message and calls ``send``), ``start``/``stop`` for a background job (see ``create_task``),
    and the ``pause``/``resume`` hooks, which the channel calls when its last consumer leaves and when one
    subscribes again (call ``super()`` so ``is_paused`` stays right).
    """

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.is_running = False
        self._paused = channel.is_paused
        self._tasks: set = set()
        self._delivered: asyncio.Future | None = None  # what send returns when nothing had to wait
        channel.register_producer(self)

    @property
    def is_paused(self) -> bool:
        """True while the channel has no consumer."""
        return self._paused

    def send(self, message: Message, exclude: Consumer | None = None) -> Awaitable[None]:
        """Deliver ``message`` to every consumer whose filters match it, except ``exclude``; await it.

        Awaits while a consumer's queue is full (back-pressure); raises ``MissingMessageFieldError``
        before delivering anything when the message lacks a field a consumer filters on or expects.
        Delivery starts at the call: when every queue has room the returned awaitable is already
        complete, which saves a coroutine per message on the hot path. Always await it.
        """
        if type(message) is not dict and not isinstance(message, dict):
            raise InvalidMessageError(
                f"messages are dicts of fields, got {type(message).__name__} on channel "
                f"{self.channel.full_name}"
            )
        channel = self.channel
        routes = channel._routes_for(message)
        index = channel._deliver(routes, message, exclude, 0)
        if index < 0:
            done = self._delivered
            if done is None:  # a completed future: awaiting it runs in C, no coroutine to create
                synchronizer = channel.synchronizer
                if synchronizer is not None:  # its own: a drain recognises it without a call
                    done = synchronizer.delivered()
                else:
                    done = asyncio.get_running_loop().create_future()
                    done.set_result(None)
                self._delivered = done
            return done
        return self._send_rest(routes, message, exclude, index)

    async def _send_rest(self, routes: tuple, message: Message, exclude: Consumer | None, index: int) -> None:
        """Slow path of ``send``: wait for room at the full consumer, then deliver from there on."""
        while index >= 0:
            await routes[index]._wait_for_room()
            index = self.channel._deliver(routes, message, exclude, index)

    async def push(self, *args: Any, **fields: Any) -> None:
        """Entry point of internal producers: the default sends the keyword arguments as the message."""
        if args:
            raise TypeError(f"{type(self).__name__}.push takes keyword fields only; override it for more")
        await self.send(fields)

    async def start(self) -> None:
        """Start producing; override to launch a background job with ``create_task``."""
        self.channel.register_producer(self)
        self.is_running = True
        if self.channel.is_paused and not self._paused:
            await self.channel_paused()

    async def stop(self) -> None:
        """Stop producing: cancels the tasks made with ``create_task`` and waits for them to end."""
        self.is_running = False
        self.channel.unregister_producer(self)
        tasks = [task for task in self._tasks if task is not asyncio.current_task()]
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def channel_paused(self) -> None:
        """Called by the channel when its last consumer left: ``is_paused`` turns true, then ``pause`` runs
        (so ``is_paused`` is right even when an override of ``pause`` does not call ``super()``)."""
        self._paused = True
        await self.pause()

    async def channel_resumed(self) -> None:
        """Called by the channel when a consumer subscribes again: ``is_paused`` turns false, then ``resume``
        runs."""
        self._paused = False
        await self.resume()

    async def pause(self) -> None:
        """Hook: the channel has no consumer left."""
        self._paused = True
        logger.debug("producer %s of channel %s paused", type(self).__name__, self.channel.full_name)

    async def resume(self) -> None:
        """Hook: a consumer subscribed to the channel."""
        self._paused = False
        logger.debug("producer %s of channel %s resumed", type(self).__name__, self.channel.full_name)

    async def modify(self, **kwargs: Any) -> None:
        """Hook: a change request sent through ``Channel.modify``."""

    async def wait_for_processing(self) -> None:
        """Wait until every supervised consumer of the channel has processed what it was sent."""
        joins = [consumer.join() for consumer in self.channel.consumers if hasattr(consumer, "join")]
        if joins:
            await asyncio.gather(*joins)

    def create_task(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task:
        """Run ``coroutine`` as a task owned by this producer: ``stop`` cancels it, an error is logged."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error(
                "task of producer %s on channel %s failed",
                type(self).__name__,
                self.channel.full_name,
                exc_info=task.exception(),
            )
