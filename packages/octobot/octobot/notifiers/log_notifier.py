"""LogNotifier: every trade as a log line (console and the rotating log file)."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from octobot.interface_base import AbstractNotifier

logger = logging.getLogger(__name__)


class LogNotifier(AbstractNotifier):
    """Logs each trade at the configured level; the simplest way to follow a bot from its log file."""

    NAME: ClassVar[str | None] = "LogNotifier"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"level": "INFO"}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "level": {"enum": ["DEBUG", "INFO", "WARNING"], "title": "Log level of notifications"}
        },
        "additionalProperties": False,
    }
    ABSTRACT: ClassVar[bool] = False

    async def notify(self, event: str, text: str, message: dict[str, Any]) -> None:
        logger.log(logging.getLevelName(self.config["level"]), "%s: %s", event, text)
