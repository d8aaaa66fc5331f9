"""Bases of the tentacles that observe a running bot: interfaces (web, API) and notifiers.

Why they get the bot itself: an interface reads what it shows (portfolio, orders, evaluations) from the
bot's exchange managers and matrix, and subscribes to their channels; it starts after the chain is wired
and stops before it is torn down, so it never sees a half-built bot.
"""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING, Any, ClassVar

import octobot_channel as oc
from octobot.bot_control import BotControl

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


class AbstractNotifier(AbstractInterface):
    """Tells the user what the bot does: every trade of every exchange goes to `notify`."""

    TENTACLE_KIND: ClassVar[str] = "notifier"
    ABSTRACT: ClassVar[bool] = True

    async def start(self) -> None:
        for manager in self.bot.exchange_managers.values():
            await self.subscribe(manager.get_channel("TradesChannel"), self._on_trade)

    async def _on_trade(self, message: dict[str, Any]) -> None:
        trade = message["trade"]
        side = trade["side"]
        text = (
            f"{message['exchange']}: {side} {trade['amount']} {trade['symbol']} at {trade['price']} "
            f"(fee {trade['fee']['cost']} {trade['fee']['currency']})"
        )
        await self.notify("trade", text, message)

    async def notify(self, event: str, text: str, message: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement notify(event, text, message)")
