"""OrderSignalsNotifier: the bot emits an order signal (`octobot_trading.OrderSignal`) per order event.

Why a notifier: it observes and never trades, like every notifier, and a profile turns it on with
``"interfaces": ["OrderSignalsNotifier"]``. Each order the bot's accounts create (or cancel) becomes one
JSON document, appended as a line to ``path``, which a follower's `RemoteSignalsTradingMode.on_signal`
replays. With ``url`` (a following bot's `RemoteSignalsFeed` endpoint), each signal is also POSTed there
the moment it is made, to ``<url>/<token>`` (the ``signals`` service's token, the secret both bots
share): the follower's feed hands it to its mode. A call that fails (the follower down, a wrong token,
a refused document) is logged with the signal's id and the reason, never with the token, and stops
nothing; the file keeps every signal.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, ClassVar

import aiohttp

import octobot_trading as ot
from octobot.errors import ConfigError
from octobot.home import UserHome
from octobot.interface_base import AbstractNotifier
from octobot.notifications import Notification
from octobot.services.service import Service

#: the service whose token the emitter and the receiving bot's RemoteSignalsFeed share
SERVICE = "signals"
#: seconds a POST to the follower may take before it is given up (logged)
POST_TIMEOUT_S = 10


class OrderSignalsNotifier(AbstractNotifier):
    """Appends one order signal per order event of every exchange of the bot to a JSON-lines file."""

    NAME: ClassVar[str | None] = "OrderSignalsNotifier"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    ABSTRACT: ClassVar[bool] = False
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"path": "", "emitter": "", "tags": [], "url": ""}
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
            "url": {
                "type": "string",
                "pattern": "^(https?://[^/\\s]+(/[^\\s]*)?)?$",
                "title": "a following bot's RemoteSignalsFeed endpoint, e.g. http://127.0.0.1:9002/signals: "
                "each signal is POSTed to <url>/<token> (token: services.signals.token, or "
                "OCTOBOT_SERVICE_SIGNALS_TOKEN); empty: the file only",
            },
        },
        "additionalProperties": False,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.emitters: list[ot.OrderSignalEmitter] = []
        self._session: aiohttp.ClientSession | None = None
        self._service: Service | None = None
        #: signals the follower accepted / that could not be delivered (logged)
        self.delivered = 0
        self.undelivered = 0

    @property
    def path(self) -> Path:
        return (
            Path(self.config["path"])
            if self.config["path"]
            else UserHome.resolve().logs / "order_signals.jsonl"
        )

    async def start(self) -> None:
        if self.config["url"]:
            services = getattr(self.bot, "services", None)
            if services is None:
                raise ConfigError(
                    f"{self.get_name()}: posting to a url needs a bot with services (its token)"
                )
            self._service = services.get(SERVICE)
            self._service.secret("token")  # ServiceConfigError naming where to set it, before any order
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=POST_TIMEOUT_S))
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
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        await super().stop()

    async def send(self, notification: Notification) -> None:
        """Unused: the signals are this notifier's notifications (the base's events are not subscribed:
        `start` does not call it)."""

    async def _write(self, signal: ot.OrderSignal) -> None:
        document = signal.to_json()
        await asyncio.to_thread(self._append, document + "\n")  # file I/O off the event loop
        if self._session is not None:
            await self._post(signal, document)

    async def _post(self, signal: ot.OrderSignal, document: str) -> None:
        """One POST of ``document`` to the follower; a failure is logged (without the token) and counted."""
        assert self._session is not None and self._service is not None  # set together in start
        url = f"{self.config['url'].rstrip('/')}/{self._service.secret('token')}"
        try:
            async with self._session.post(
                url, data=document, headers={"Content-Type": "application/json"}
            ) as response:
                if response.status == 200:
                    self.delivered += 1
                    return
                reason = f"HTTP {response.status} {(await response.text())[:200]}"
        except (aiohttp.ClientError, TimeoutError) as error:
            reason = f"{type(error).__name__}: {error}"
        self.undelivered += 1
        self.logger.warning(
            "%s: signal %s %s not delivered to %s: %s",
            self.get_name(),
            signal.action,
            signal.id,
            self.config["url"],
            self._service.redact(reason),
        )

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(line)
