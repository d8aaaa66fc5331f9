"""Bases of the tentacles that observe a running bot: interfaces (web, API) and notifiers.

Why they get the bot itself: an interface reads what it shows (portfolio, orders, evaluations) from the
bot's exchange managers and matrix, and subscribes to their channels; it starts after the chain is wired
and stops before it is torn down, so it never sees a half-built bot.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import TYPE_CHECKING, Any, ClassVar

import octobot_channel as oc
import octobot_trading as ot
from octobot.bot_control import BotControl
from octobot.notifications import (
    DAILY_SUMMARY,
    DEFAULT_LEVELS,
    ERROR,
    NOTIFICATIONS_SCHEMA,
    OFF,
    ORDER_CANCELLED,
    ORDER_CREATED,
    ORDER_FILLED,
    POSITION_CLOSED,
    SILENT,
    Notification,
    NotificationEvents,
    levels_of,
)
from octobot.secret_masking import mask

if TYPE_CHECKING:
    from octobot.bot import OctoBot


class AbstractInterface:
    """An interface of a running bot. Override `start` (subscribe, open a server) and `stop`."""

    TENTACLE_KIND: ClassVar[str] = "interface"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = None
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {"type": "object"}
    ABSTRACT: ClassVar[bool] = True

    def __init__(self, bot: OctoBot, config: dict[str, Any] | None = None) -> None:
        self.bot = bot
        self.config: dict[str, Any] = {**copy.deepcopy(self.DEFAULT_CONFIG), **(config or {})}
        self.logger = logging.getLogger(f"{type(self).__module__}.{self.get_name()}")
        #: every command this interface gives the bot goes through here (logged with its name)
        self.control = BotControl(bot, source=self.get_name())
        self._consumers: list[tuple[oc.Channel, oc.Consumer]] = []

    @classmethod
    def get_name(cls) -> str:
        return cls.NAME or cls.__name__

    async def start(self) -> None:
        """Begin observing the bot (the chain is wired; market data is not flowing yet)."""

    async def stop(self) -> None:
        """Stop observing: removes the consumers added with `subscribe`."""
        consumers, self._consumers = self._consumers, []
        for channel, consumer in consumers:
            if not channel.is_closed:
                await channel.remove_consumer(consumer)

    async def subscribe(self, channel: oc.Channel, callback: Any, **filters: Any) -> oc.Consumer:
        """Consume ``channel`` at OPTIONAL priority (after the trading chain) until `stop`."""
        consumer = await channel.new_consumer(
            callback, priority=oc.Priority.OPTIONAL, filters=filters or None, name=self.get_name()
        )
        self._consumers.append((channel, consumer))
        return consumer


class _ErrorRelay(logging.Handler):
    """Hands the bot's error records to a notifier, on its event loop (a record may come from a worker
    thread)."""

    def __init__(self, notifier: AbstractNotifier, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(logging.ERROR)
        self.notifier = notifier
        self.loop = loop

    def emit(self, record: logging.LogRecord) -> None:
        found = NotificationEvents.on_error(record)
        if found is None or self.loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self.notifier._spawn(found)
        else:
            self.loop.call_soon_threadsafe(self.notifier._spawn, found)


class AbstractNotifier(AbstractInterface):
    """Tells the user what the bot does: orders created, filled (each trade), cancelled; positions
    closed with their PnL; errors; a daily summary (see `octobot.notifications`). Subclasses implement
    `send`; the types set ``off`` in the config are never built."""

    TENTACLE_KIND: ClassVar[str] = "notifier"
    ABSTRACT: ClassVar[bool] = True
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"notifications": dict(DEFAULT_LEVELS)}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"notifications": NOTIFICATIONS_SCHEMA},
        "additionalProperties": False,
    }

    def __init__(self, bot: OctoBot, config: dict[str, Any] | None = None) -> None:
        super().__init__(bot, config)
        self.levels = levels_of(self.config)
        self.events = NotificationEvents(self.control)
        self._relay: _ErrorRelay | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._failures: set[str] = set()

    def wants(self, *events: str) -> bool:
        return any(self.levels[event] != OFF for event in events)

    async def start(self) -> None:
        for manager in self.bot.exchange_managers.values():
            if self.wants(ORDER_CREATED, ORDER_CANCELLED):
                await self.subscribe(manager.get_channel("OrdersChannel"), self._on_order)
            if self.wants(ORDER_FILLED, POSITION_CLOSED):
                await self.subscribe(manager.get_channel("TradesChannel"), self._on_trade)
        managers = list(self.bot.exchange_managers.values())
        profile = getattr(self.bot, "profile", None)
        if self.wants(DAILY_SUMMARY) and managers and profile is not None and profile.time_frames:
            smallest = ot.smallest_time_frame(profile.time_frames).value
            candles = managers[0].get_channel("OHLCVChannel")
            await self.subscribe(candles, self._on_candle, time_frame=smallest)
        if self.wants(ERROR):
            self._relay = _ErrorRelay(self, asyncio.get_running_loop())
            logging.getLogger().addHandler(self._relay)

    async def stop(self) -> None:
        if self._relay is not None:
            logging.getLogger().removeHandler(self._relay)
            self._relay = None
        await super().stop()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _on_order(self, message: dict[str, Any]) -> None:
        found = self.events.on_order(message)
        if found is not None:
            await self._deliver(found, message)

    async def _on_trade(self, message: dict[str, Any]) -> None:
        for found in self.events.on_trade(message):
            await self._deliver(found, message)

    async def _on_candle(self, message: dict[str, Any]) -> None:
        found = self.events.on_candle(message)
        if found is not None:
            await self._deliver(found, message)

    def _spawn(self, found: tuple[str, str, str]) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(found, {}))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, found: tuple[str, str, str], message: dict[str, Any]) -> None:
        event, title, text = found
        level = self.levels[event]
        if level == OFF:
            return
        notification = Notification(event, title, mask(text), level == SILENT, message)
        try:
            await self.send(notification)
        except Exception as error:  # a notifier never stops the bot; each kind of failure logged once
            kind = type(error).__name__
            if kind not in self._failures:
                self._failures.add(kind)
                self.logger.warning("%s could not send a notification: %s: %s", self.get_name(), kind, error)

    async def send(self, notification: Notification) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement send(notification)")
