"""TemplateTentacle: a notifier (created by `octobot tentacles new --kind notifier`).

Change `format_event` and `notify`, and their tests in tests/test_template_tentacle.py. A notifier tells
the user what the bot does: the base (`AbstractNotifier`) subscribes to every exchange's trades once the
bot is wired and calls ``notify(event, text, message)`` for each; activate it in a profile with
``"interfaces": ["TemplateTentacle"]``. It observes and never trades: it runs after the trading chain
(OPTIONAL priority) and a slow notifier never delays an order.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, ClassVar

from octobot import UserHome
from octobot.interface_base import AbstractNotifier


def format_event(event: str, text: str, message: dict[str, Any]) -> str:
    """One JSON line per event: what happened, the readable text and the exchange it came from."""
    return json.dumps({"event": event, "text": text, "exchange": message.get("exchange")}, default=str)


class TemplateTentacle(AbstractNotifier):
    """Appends every trade to a JSON-lines file (default: notifications.jsonl in the logs folder)."""

    TENTACLE_KIND: ClassVar[str] = "notifier"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "TemplateTentacle"
    ABSTRACT: ClassVar[bool] = False
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"path": ""}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "path": {"type": "string", "title": "File the events are appended to (empty: the logs folder)"},
        },
        "additionalProperties": False,
    }

    @property
    def path(self) -> Path:
        return (
            Path(self.config["path"])
            if self.config["path"]
            else UserHome.resolve().logs / "notifications.jsonl"
        )

    async def notify(self, event: str, text: str, message: dict[str, Any]) -> None:
        line = format_event(event, text, message) + "\n"
        await asyncio.to_thread(self._append, line)  # file I/O off the event loop

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(line)
