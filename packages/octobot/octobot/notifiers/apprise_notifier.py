"""AppriseNotifier: notifications to any service the Apprise library reaches from a URL (Discord, Slack,
e-mail, Matrix, ntfy, a JSON webhook...), rather than one hand-written client per service.

URLs come from the user config, since they hold the services' tokens: ``services.apprise.urls``
(separated by spaces or commas) or ``OCTOBOT_SERVICE_APPRISE_URLS``; each is registered for masking.

Threads: Apprise sends with blocking HTTP clients, each send in a worker of its own shared thread pool
(threads created on demand, kept for the process). Notifications go out one at a time here, so that pool
holds one thread (two with services Apprise delivers in order), whatever the rate of notifications.
A ``silent`` notification goes without sound to the services whose Apprise plugin has a ``silent``
option (Telegram, Nextcloud Talk, Pushsafer...: the URL is registered a second time with ``silent=yes``),
and as usual to the others, which have no such thing. Apprise's own logger is set to WARNING unless the
user config sets its level (it logs a line per send, and the URLs).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
    _quiet: apprise.Apprise | None = None
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
        self._apprise, self._quiet = apprise.Apprise(), apprise.Apprise()
        for index, url in enumerate(urls):
            register_secret(url)
            if not self._apprise.add(url):
                raise ConfigError(
                    f"services.{SERVICE}.urls: URL number {index + 1} is not one Apprise knows "
                    "(see the Apprise wiki for the URL of each service)"
                )
            quiet = silent_url(url)
            if quiet is not None:
                register_secret(quiet)
            self._quiet.add(quiet or url)
        self._lock = asyncio.Lock()
        await super().start()

    async def send(self, notification: Notification) -> None:
        import apprise

        if self._apprise is None or self._lock is None:
            return
        kind = apprise.NotifyType.FAILURE if notification.event == ERROR else apprise.NotifyType.INFO
        targets = self._quiet if notification.silent and self._quiet is not None else self._apprise
        async with self._lock:  # one send at a time: one worker thread (module docstring)
            delivered = await targets.async_notify(
                body=notification.text, title=f"OctoBot: {notification.title}", notify_type=kind
            )
        if not delivered:
            raise ConnectionError(f"Apprise could not deliver the {notification.event} notification")


def silent_url(url: str) -> str | None:
    """``url`` with Apprise's ``silent=yes`` option when its service has one (None: it has none)."""
    import apprise

    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None or "silent" not in getattr(type(plugin), "template_args", {}):
        return None
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "silent"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("silent", "yes")])))
