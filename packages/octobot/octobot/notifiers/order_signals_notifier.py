"""OrderSignalsNotifier: the bot emits an order signal (`octobot_trading.OrderSignal`) per order event.

Why a notifier: it observes and never trades, like every notifier, and a profile turns it on with
``"interfaces": ["OrderSignalsNotifier"]``. Each order the bot's accounts create (or cancel) becomes one
JSON document, appended as a line to ``path``, which a follower's `RemoteSignalsTradingMode.on_signal`
replays; a service feed carrying the lines to another process plugs in on either side later.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, ClassVar

import octobot_trading as ot
from octobot.home import UserHome
from octobot.interface_base import AbstractNotifier


class OrderSignalsNotifier(AbstractNotifier):
    """Appends one order signal per order event of every exchange of the bot to a JSON-lines file."""

    NAME: ClassVar[str | None] = "OrderSignalsNotifier"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    ABSTRACT: ClassVar[bool] = False
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"path": "", "emitter": "", "tags": []}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "path": {
                "type": "string",
                "title": "JSON-lines file the signals are appended to (empty: order_signals.jsonl in the "
                "logs folder)",
            },
            "emitter": {
                "type": "string",
                "title": "the emitter name followers filter on (empty: the bot's id)",
            },
            "tags": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "uniqueItems": True,
                "title": "emit only orders carrying one of these tags (a trading mode's name); empty: "
                "every order",
            },
        },
        "additionalProperties": False,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.emitters: list[ot.OrderSignalEmitter] = []

    @property
    def path(self) -> Path:
        return (
            Path(self.config["path"])
            if self.config["path"]
            else UserHome.resolve().logs / "order_signals.jsonl"
        )

    async def start(self) -> None:
        emitter = self.config["emitter"] or getattr(self.bot, "bot_id", "") or None
        tags = self.config["tags"] or None
        for manager in self.bot.exchange_managers.values():
            each = ot.OrderSignalEmitter(manager, self._write, emitter=emitter, tags=tags)
            await each.start()
            self.emitters.append(each)

    async def stop(self) -> None:
        emitters, self.emitters = self.emitters, []
        for each in emitters:
            await each.stop()
        await super().stop()

    async def notify(self, event: str, text: str, message: dict[str, Any]) -> None:
        """Unused: the signals are this notifier's notifications (trades are not subscribed)."""

    async def _write(self, signal: ot.OrderSignal) -> None:
        await asyncio.to_thread(self._append, signal.to_json() + "\n")  # file I/O off the event loop

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(line)
