"""WebInterface: the web interface as a tentacle of a running bot (`octobot run --web`, or a profile
listing "WebInterface" in its interfaces). It serves the same pages as `octobot web` plus the live ones,
and turns the bot's channels into websocket events."""

from __future__ import annotations

from typing import Any, ClassVar

from octobot.home import UserHome
from octobot.interface_base import AbstractInterface
from octobot.tentacle_registry import TentacleRegistry
from octobot.web import DEFAULT_HOST, DEFAULT_PORT
from octobot.web.app import WebServer, create_context
from octobot.web.hub import EventHub

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
        },
        "additionalProperties": False,
    }
    ABSTRACT: ClassVar[bool] = False

    server: WebServer | None = None

    async def start(self) -> None:
        home = UserHome.resolve(self.config.get("home"))
        registry = TentacleRegistry.discover(home.tentacles)
        context = create_context(home, registry, bot=self.bot, control=_control_of(self.bot))
        self.server = await WebServer(context, self.config["host"], int(self.config["port"])).start()
        hub = context.hub
        for manager in self.bot.exchange_managers.values():
            for channel_name, event_type in _CHANNEL_EVENTS.items():
                await self.subscribe(
                    manager.get_channel(channel_name),
                    _forward(hub, event_type, closed=channel_name == "OHLCVChannel"),
                )
        if self.bot.matrix is not None:
            await self.subscribe(self.bot.matrix.matrix_channel, _forward_evaluation(hub))

    async def stop(self) -> None:
        await super().stop()
        if self.server is not None:
            await self.server.stop()
            self.server = None


def _control_of(bot: Any) -> Any:
    """The bot's control API (status, profit, commands), shared with every other interface."""
    return getattr(bot, "control", None)


def _forward(hub: EventHub, event_type: str, closed: bool) -> Any:
    async def forward(message: dict[str, Any]) -> None:
        if hub.subscriber_count:
            data = dict(message)
            if event_type == "candle":
                data["closed"] = closed
            hub.publish(event_type, data)

    return forward


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
