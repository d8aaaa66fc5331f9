"""The channel: a named meeting point where producers deliver messages to the consumers that want them."""

from __future__ import annotations

import logging
import operator
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from octobot_channel.constants import DEFAULT_QUEUE_SIZE, ROUTE_CACHE_SIZE
from octobot_channel.consumer import Callback, Consumer, Message, SupervisedConsumer
from octobot_channel.errors import (
    ChannelClosedError,
    InvalidConsumerError,
    InvalidFilterError,
    MissingMessageFieldError,
)
from octobot_channel.priority import Priority

try:
    import cython
except ImportError:  # pure build without Cython installed
    from octobot_channel import cython_shim as cython

if TYPE_CHECKING:
    from octobot_channel.producer import Producer
    from octobot_channel.synchronizer import Synchronizer

logger = logging.getLogger(__name__)


class Channel:
    """Subclass it to declare a channel kind; instances live in a registry under (scope, name).

    Class attributes a subclass may set:

    - ``NAME``: registry name (default: the class name);
    - ``FILTER_FIELDS``: the fields consumers may filter on (``None``: any field);
    - ``PRODUCER_CLASS`` / ``CONSUMER_CLASS``: what ``get_internal_producer`` and ``new_consumer`` build;
    - ``DEFAULT_PRIORITY``: priority of consumers created without one.
    """

    NAME: ClassVar[str | None] = None
    FILTER_FIELDS: ClassVar[tuple[str, ...] | None] = None
    PRODUCER_CLASS: ClassVar[type | None] = None
    CONSUMER_CLASS: ClassVar[type] = Consumer
    DEFAULT_PRIORITY: ClassVar[int] = Priority.HIGH

    def __init__(
        self,
        scope: Hashable = None,
        *,
        name: str | None = None,
        synchronizer: Synchronizer | None = None,
    ) -> None:
        self.scope = scope
        self.name = name or self.get_name()
        self.internal_producer: Producer | None = None
        self._consumers: list = []
        self._producers: list = []
        self._routes: tuple = ()  # consumers by priority, then subscription order; replaced, never mutated
        #: consumers in delivery order (priority, then subscription order); read it, never assign it (a
        #: plain attribute, not a property: producers test it on every message)
        self.consumers: tuple = ()
        self._required_fields: tuple = ()
        # routing (see _routes_for): the values of the filtered fields, read in one C call, key a cache of
        # the consumers that accept them; the required fields no consumer filters on are checked apart
        self._route_key: Callable[[dict], Any] | None = None
        self._route_cache: dict = {}
        self._filtered_fields: tuple = ()  # what _route_key reads, in its order
        self._unfiltered_fields: tuple = ()
        self._closed = False
        self._synchronizer = synchronizer
        self._pending_by_level = None
        if synchronizer is not None:
            self._pending_by_level = synchronizer.attach(self)

    @classmethod
    def get_name(cls) -> str:
        return cls.NAME or cls.__name__

    # ----------------------------------------------------------------- state
    @property
    def full_name(self) -> str:
        """``name@scope``: how logs and errors name this channel."""
        return self.name if self.scope is None else f"{self.name}@{self.scope}"

    @property
    def synchronizer(self) -> Synchronizer | None:
        return self._synchronizer

    @property
    def is_synchronized(self) -> bool:
        return self._synchronizer is not None

    @property
    def is_closed(self) -> bool:
        return self._closed

    @property
    def is_paused(self) -> bool:
        """True while no consumer listens: producers may skip work nobody would receive."""
        return not self._consumers

    @property
    def producers(self) -> tuple:
        return tuple(self._producers)

    def get_consumers(self, priority: int | None = None, **selection: Any) -> list:
        """Consumers whose filters accept ``selection`` and whose priority is ``priority`` or higher.

        ``get_consumers(symbol="BTC/USDT")`` lists the consumers that would take BTC/USDT messages,
        whatever their other fields; in delivery order.
        """
        return [
            consumer
            for consumer in self._routes
            if (priority is None or consumer.level <= priority)
            and (not selection or consumer.accepts(selection))
        ]

    def __repr__(self) -> str:
        mode = "synchronized" if self._synchronizer is not None else "normal"
        return f"<{type(self).__name__} {self.full_name} {mode} consumers={len(self._consumers)}>"

    # ----------------------------------------------------------------- consumers
    async def new_consumer(
        self,
        callback: Callback | None = None,
        *,
        priority: int | None = None,
        filters: Mapping[str, Any] | None = None,
        max_queue_size: int | None = DEFAULT_QUEUE_SIZE,
        name: str | None = None,
        expected_fields: Iterable[str] = (),
        supervised: bool = False,
    ) -> Consumer:
        """Subscribe ``callback`` (``async def cb(message: dict)``) and return its consumer."""
        consumer_class = SupervisedConsumer if supervised else self.CONSUMER_CLASS
        consumer = consumer_class(
            callback,
            priority=self.DEFAULT_PRIORITY if priority is None else priority,
            filters=filters,
            max_queue_size=max_queue_size,
            name=name,
            expected_fields=expected_fields,
        )
        return await self.add_consumer(consumer)

    async def add_consumer(self, consumer: Consumer) -> Consumer:
        """Subscribe an already built consumer (typically an ``InternalConsumer`` subclass)."""
        self._ensure_open()
        if not isinstance(consumer, Consumer):
            raise InvalidConsumerError(f"expected a Consumer instance, got {consumer!r}")
        allowed = self.FILTER_FIELDS
        if allowed is not None:
            for field in consumer.filters:
                if field not in allowed:
                    raise InvalidFilterError(
                        f"consumer {consumer.name} filters on {field!r}, which channel {self.full_name} "
                        f"does not offer: filter on one of {list(allowed)}"
                    )
        consumer.attach(self, self._pending_by_level)
        self._consumers.append(consumer)
        self._rebuild_routes()
        if len(self._consumers) == 1:
            await self._resume_producers()
        return consumer

    async def remove_consumer(self, consumer: Consumer) -> None:
        """Unsubscribe and stop ``consumer``; safe mid-stream and from inside its own callback."""
        if consumer not in self._consumers:
            return
        self._consumers.remove(consumer)
        self._rebuild_routes()
        await consumer.stop()
        if not self._consumers and not self._closed:
            await self._pause_producers()

    def _rebuild_routes(self) -> None:
        """Precompute delivery lists: on every send the channel only reads them."""
        routes = tuple(sorted(self._consumers, key=_level_of))
        self._routes = self.consumers = routes
        required: dict = {}
        filtered: dict = {}
        for consumer in routes:
            for field in consumer.required_fields:
                required[field] = None
            for field in consumer.filters:
                filtered[field] = None
        self._required_fields = tuple(required)
        self._unfiltered_fields = tuple(field for field in required if field not in filtered)
        self._route_key = operator.itemgetter(*filtered) if filtered else None
        self._filtered_fields = tuple(filtered)
        self._route_cache = {}

    def _routes_for(self, message: dict) -> tuple:
        """The consumers that take ``message``, in delivery order, its filters already checked.

        Why a cache: a channel sees few distinct combinations of filtered values (a symbol and a time
        frame, an evaluator's key), so the consumers accepting one are resolved on its first message and
        read back on the next ones: a send then costs one lookup, whatever the number of consumers and
        filters. Raises ``MissingMessageFieldError`` when a field a consumer needs is absent.
        """
        if self._unfiltered_fields:
            self._check_fields(message)
        route_key = self._route_key
        if route_key is None:
            return self._routes  # nobody filters: everyone takes everything
        try:
            if cython.compiled:  # the same key, built in C: no call through itemgetter's generic path
                values = _c_route_values(self._filtered_fields, message)  # type: ignore[name-defined]  # noqa: F821
            else:
                values = route_key(message)
        except KeyError:
            self._check_fields(message)  # names the missing field and the consumer needing it
            raise
        try:
            routes = self._route_cache.get(values)
        except TypeError:  # an unhashable value: resolve this message alone
            return self._resolve(message)
        if routes is None:
            routes = self._resolve(message)
            if len(self._route_cache) >= ROUTE_CACHE_SIZE:
                self._route_cache = {}  # values without end (say a timestamp filter): start over
            self._route_cache[values] = routes
        return routes

    def _resolve(self, message: dict) -> tuple:
        """The consumers whose filters accept ``message`` (every filtered field is present)."""
        accepted = []
        for consumer in self._routes:
            if consumer._filter_items is None or consumer._accepts(message):
                accepted.append(consumer)
        return tuple(accepted)

    # ----------------------------------------------------------------- producers
    def register_producer(self, producer: Producer) -> None:
        self._ensure_open()
        if producer not in self._producers:
            self._producers.append(producer)

    def unregister_producer(self, producer: Producer) -> None:
        if producer in self._producers:
            self._producers.remove(producer)

    def get_internal_producer(self) -> Producer:
        """The channel's own producer (``PRODUCER_CLASS``, default ``Producer``), built on first use."""
        if self.internal_producer is None:
            producer_class = self.PRODUCER_CLASS
            if producer_class is None:
                from octobot_channel.producer import Producer

                producer_class = Producer
            self.internal_producer = producer_class(self)
        return self.internal_producer

    def send(self, message: Message, exclude: Consumer | None = None) -> Awaitable[None]:
        """Send through the internal producer (await it): for code that publishes without a producer."""
        producer = self.internal_producer
        if producer is None:
            producer = self.get_internal_producer()
        return producer.send(message, exclude)

    async def modify(self, **kwargs: Any) -> None:
        """Forward a change request to every producer's ``modify`` hook."""
        for producer in tuple(self._producers):
            await producer.modify(**kwargs)

    async def _pause_producers(self) -> None:
        for producer in tuple(self._producers):
            await producer.channel_paused()

    async def _resume_producers(self) -> None:
        for producer in tuple(self._producers):
            await producer.channel_resumed()

    # ----------------------------------------------------------------- delivery (hot path)
    def _check_fields(self, message: dict) -> None:
        for field in self._required_fields:
            if field not in message:
                for consumer in self._routes:
                    if field in consumer.required_fields:
                        raise MissingMessageFieldError(self.full_name, field, consumer.name)

    def _deliver(self, routes, message, exclude, start):  # type: (tuple, dict, object, int) -> int
        # typed by a comment: the .pxd gives the compiled build its C types (Py_ssize_t start)
        """Queue ``message`` to every consumer of ``routes`` (see `_routes_for`) from index ``start``.

        Returns -1 when done, or the index of a consumer whose queue is full: the producer waits for room
        there and calls again from that index, so nothing is dropped and nothing is delivered twice.
        """
        if self._closed:
            raise ChannelClosedError(f"channel {self.full_name} is stopped: it accepts no more messages")
        index = start
        for consumer in routes[start:] if start else routes:
            if consumer is not exclude and not consumer._put(message):
                return index
            index += 1
        return -1

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Hook called once the channel is registered; override to set things up."""

    async def stop(self) -> None:
        """Stop every consumer and producer: no task of this channel is left pending afterwards."""
        if self._closed:
            return
        self._closed = True
        consumers = self._consumers
        self._consumers = []
        self._rebuild_routes()
        for consumer in consumers:
            await consumer.stop()
        for producer in tuple(self._producers):
            await producer.stop()
        if self.internal_producer is not None:
            await self.internal_producer.stop()
        if self._synchronizer is not None:
            self._synchronizer.detach(self)

    def _ensure_open(self) -> None:
        if self._closed:
            raise ChannelClosedError(f"channel {self.full_name} is stopped: create a new one")


def _level_of(consumer: Consumer) -> int:
    return consumer.level
