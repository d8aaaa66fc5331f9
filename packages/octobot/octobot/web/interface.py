"""WebInterface: the web interface as a tentacle of a running bot (`octobot run --web`, or a profile
listing "WebInterface" in its interfaces). It serves the same pages as `octobot web` plus the live ones,
and turns the bot's channels into websocket events."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import octobot_trading as ot
from octobot.home import UserHome
from octobot.interface_base import AbstractInterface
from octobot.notifications import NOTIFICATIONS_SCHEMA
from octobot.tentacle_registry import TentacleRegistry
from octobot.web import DEFAULT_HOST, DEFAULT_PORT
from octobot.web.app import WebServer, create_context
from octobot.web.bot_state import BotStateWatcher
from octobot.web.hub import EventHub
from octobot.web.hub_notifier import HubNotifier

#: exchange channel -> websocket event type
_CHANNEL_EVENTS = {
    "OHLCVChannel": "candle",
    "KlineChannel": "candle",
    "OrdersChannel": "order",
    "TradesChannel": "trade",
    "BalanceChannel": "portfolio",
    "BalanceProfitabilityChannel": "profitability",
}


class WebInterface(AbstractInterface):
    """Serves the interface on ``host``:``port`` while the bot runs (see module docstring)."""

    NAME: ClassVar[str | None] = "WebInterface"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"host": DEFAULT_HOST, "port": DEFAULT_PORT}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "host": {
                "type": "string",
                "minLength": 1,
                "title": "Address to listen on",
                "description": "127.0.0.1: this machine only; another address needs a password",
            },
            "port": {"type": "integer", "minimum": 0, "maximum": 65535, "title": "Port"},
            "home": {
                "type": "string",
                "title": "User data folder",
                "description": "default: $OCTOBOT_HOME or ~/.octobot",
            },
            "notifications": NOTIFICATIONS_SCHEMA,
        },
        "additionalProperties": False,
    }
    ABSTRACT: ClassVar[bool] = False

    server: WebServer | None = None
    notifier: HubNotifier | None = None
    state_watcher: BotStateWatcher | None = None

    async def start(self) -> None:
        home = UserHome.resolve(self.config.get("home"))
        registry = TentacleRegistry.discover(home.tentacles)
        # the control API every interface gets (AbstractInterface.control), logged as this interface
        context = create_context(home, registry, bot=self.bot, control=self.control)
        self.server = await WebServer(context, self.config["host"], int(self.config["port"])).start()
        hub = context.hub
        for exchange, manager in self.bot.exchange_managers.items():
            for channel_name, event_type in _CHANNEL_EVENTS.items():
                await self.subscribe(
                    manager.get_channel(channel_name),
                    _forward(hub, event_type, exchange, closed=channel_name == "OHLCVChannel"),
                )
        if self.bot.matrix is not None:
            await self.subscribe(self.bot.matrix.matrix_channel, _forward_evaluation(hub))
        levels = {"notifications": self.config["notifications"]} if "notifications" in self.config else {}
        self.notifier = HubNotifier(self.bot, hub, levels)
        await self.notifier.start()
        # paused / resumed by any interface: a bot_state event (the dashboard's "Entries")
        self.state_watcher = BotStateWatcher(hub, self.control, asyncio.get_running_loop())
        self.state_watcher.attach()
        smallest = ot.smallest_time_frame(self.bot.profile.time_frames).value
        for exchange, manager in self.bot.exchange_managers.items():
            await self.subscribe(
                manager.get_channel("OHLCVChannel"),
                _value_recorder(hub, exchange, manager),
                time_frame=smallest,
            )

    async def stop(self) -> None:
        if self.state_watcher is not None:
            self.state_watcher.detach()
            self.state_watcher = None
        if self.notifier is not None:
            await self.notifier.stop()
            self.notifier = None
        await super().stop()
        if self.server is not None:
            await self.server.stop()
            self.server = None


def _forward(hub: EventHub, event_type: str, exchange: str, closed: bool) -> Any:
    """Publishes a channel's messages as ``event_type`` events, naming the exchange as the profile does
    (``binance``; the channel's own ``exchange`` is the manager's id, kept as ``exchange_id``)."""

    async def forward(message: dict[str, Any]) -> None:
        if hub.subscriber_count:
            data = {**message, "exchange": exchange, "exchange_id": message.get("exchange")}
            if event_type == "candle":
                data["closed"] = closed
            hub.publish(event_type, data)

    return forward


def _value_recorder(hub: EventHub, exchange: str, manager: ot.ExchangeManager) -> Any:
    """Records the portfolio's value at each closed candle of the smallest time frame: the history the
    portfolio page and the dashboard draw (a live account records none by itself). Publishes the
    profitability against the market then too (kept by the hub for the dashboard's chart): the exchange
    sends it only when the balance changes, while the market (and so the comparison) moves at every
    candle."""

    async def record(message: dict[str, Any]) -> None:
        try:
            manager.portfolio_manager.record_value()
            profitability = manager.portfolio_manager.profitability()
        except (ot.OctobotTradingError, ArithmeticError, ValueError):  # an asset without a price yet
            return
        hub.publish(
            "profitability",
            {
                "exchange": exchange,
                "exchange_id": message.get("exchange"),
                "profitability": profitability.to_dict(),
                "time": manager.clock.now_ms(),
            },
        )

    return record


def _forward_evaluation(hub: EventHub) -> Any:
    async def forward(message: dict[str, Any]) -> None:
        if hub.subscriber_count:
            hub.publish(
                "evaluation",
                {
                    "exchange": message.get("exchange"),
                    "evaluator": message.get("evaluator_name"),
                    "evaluator_type": str(
                        getattr(message.get("evaluator_type"), "value", message.get("evaluator_type"))
                    ),
                    "symbol": message.get("symbol"),
                    "time_frame": message.get("time_frame"),
                    "value": message.get("evaluation"),
                    "time": message.get("evaluation_time"),
                },
            )

    return forward
