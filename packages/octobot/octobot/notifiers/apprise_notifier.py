"""AppriseNotifier: notifications to any service the Apprise library reaches from a URL (Discord, Slack,
e-mail, Matrix, ntfy, a JSON webhook...), rather than one hand-written client per service.

URLs come from the user config, since they hold the services' tokens: ``services.apprise.urls``
(separated by spaces or commas) or ``OCTOBOT_SERVICE_APPRISE_URLS``; each is registered for masking.

Threads: Apprise sends with blocking HTTP clients, each send in a worker of its own shared thread pool
(threads created on demand, kept for the process). Notifications go out one at a time here, so that pool
holds one thread (two with services Apprise delivers in order), whatever the rate of notifications.
Apprise has no silent delivery: ``silent`` notifications are sent like the others. Apprise's own logger
is set to WARNING unless the user config sets its level (it logs a line per send, and the URLs).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any, ClassVar

from octobot.errors import ConfigError
from octobot.interface_base import AbstractNotifier
from octobot.notifications import ERROR, Notification
from octobot.secret_masking import register_secret
from octobot.user_config import load_user_config

if TYPE_CHECKING:
    import apprise

SERVICE = "apprise"


class AppriseNotifier(AbstractNotifier):
    """Sends each notification to every URL of ``services.apprise.urls``."""

    NAME: ClassVar[str | None] = "AppriseNotifier"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    ABSTRACT: ClassVar[bool] = False
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = dict(AbstractNotifier.DEFAULT_CONFIG)

    _apprise: apprise.Apprise | None = None
    _lock: asyncio.Lock | None = None

    async def start(self) -> None:
        import apprise

        user_config = getattr(self.bot, "user_config", None) or load_user_config(create=False)
        urls = [url for url in re.split(r"[\s,]+", str(user_config.service(SERVICE).get("urls", ""))) if url]
        if not urls:
            raise ConfigError(
                f"AppriseNotifier needs service URLs: set services.{SERVICE}.urls in {user_config.path} "
                "(or OCTOBOT_SERVICE_APPRISE_URLS), e.g. discord://webhook_id/webhook_token"
            )
        library_logger = logging.getLogger("apprise")
        if library_logger.level == logging.NOTSET:  # a line per send at INFO, the URLs at DEBUG
            library_logger.setLevel(logging.WARNING)
        self._apprise = apprise.Apprise()
        for index, url in enumerate(urls):
            register_secret(url)
            if not self._apprise.add(url):
                raise ConfigError(
                    f"services.{SERVICE}.urls: URL number {index + 1} is not one Apprise knows "
                    "(see the Apprise wiki for the URL of each service)"
                )
        self._lock = asyncio.Lock()
        await super().start()

    async def send(self, notification: Notification) -> None:
        import apprise

        if self._apprise is None or self._lock is None:
            return
        kind = apprise.NotifyType.FAILURE if notification.event == ERROR else apprise.NotifyType.INFO
        async with self._lock:  # one send at a time: one worker thread (module docstring)
            delivered = await self._apprise.async_notify(
                body=notification.text, title=f"OctoBot: {notification.title}", notify_type=kind
            )
        if not delivered:
            raise ConnectionError(f"Apprise could not deliver the {notification.event} notification")
