"""LogNotifier: every notification as a log line (console and the rotating log file)."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from octobot.interface_base import AbstractNotifier
from octobot.notifications import NOTIFICATIONS_SCHEMA, Notification

logger = logging.getLogger(__name__)


class LogNotifier(AbstractNotifier):
    """Logs each notification at the configured level (a silent one at DEBUG); the simplest way to
    follow a bot from its log file."""

    NAME: ClassVar[str | None] = "LogNotifier"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {**AbstractNotifier.DEFAULT_CONFIG, "level": "INFO"}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "level": {"enum": ["DEBUG", "INFO", "WARNING"], "title": "Log level of notifications"},
            "notifications": NOTIFICATIONS_SCHEMA,
        },
        "additionalProperties": False,
    }
    ABSTRACT: ClassVar[bool] = False

    async def send(self, notification: Notification) -> None:
        level = logging.DEBUG if notification.silent else logging.getLevelName(self.config["level"])
        logger.log(level, "%s: %s", notification.event, notification.text)
