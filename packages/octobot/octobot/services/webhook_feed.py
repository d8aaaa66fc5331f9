"""WebhookFeed: an HTTP endpoint on the bot's event loop receiving TradingView-style alerts.

``POST /webhook/<token>`` with the alert as its body (TradingView sends the alert's message as plain
text, e.g. ``SYMBOL=BTCUSDT;SIGNAL=buy``; a JSON object works too). Each accepted call becomes one
`Signal` whose payload holds the body as ``text`` (and a JSON object's keys): the TradingView signals
mode (which declares ``REQUIRED_FEEDS = ("WebhookFeed",)``) acts on it, social evaluators listening to
``WebhookFeed`` evaluate it.

Why the token in the path: TradingView cannot set headers; a secret URL is what it supports. A wrong
token gets the same 404 as any unknown path (nothing tells a guesser it found the endpoint); a caller
outside ``allowed_ips`` gets 403; a body over ``max_body_bytes`` gets 413. No access log is written (it
would hold the token); the token comes from the user config (``services.webhook.token``) or
``$OCTOBOT_SERVICE_WEBHOOK_TOKEN``.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import time
from typing import Any, ClassVar

from aiohttp import web

import octobot_evaluators as oe
from octobot.errors import ServiceConfigError
from octobot.services.service_feed import ServiceFeed

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_allowed(entries: list[str], feed: str) -> list[_Network]:
    """The networks of ``allowed_ips`` ("1.2.3.4", "10.0.0.0/8"); ServiceConfigError naming a bad entry."""
    networks = []
    for index, entry in enumerate(entries):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ServiceConfigError(
                f"{feed}: allowed_ips[{index}] {entry!r} is not an IP address or network "
                "(expected e.g. '52.89.214.238' or '10.0.0.0/8')"
            ) from None
    return networks


def alert_signal(body: bytes, source: str, now_ms: int) -> oe.Signal:
    """A call's body -> Signal: ``text`` is the body; a JSON object's keys join the payload (its
    ``symbol``, when a pair like "BTC/USDT", becomes the signal's symbol). ValueError when empty or not
    text."""
    text = body.decode("utf-8").strip()  # UnicodeDecodeError is a ValueError
    if not text:
        raise ValueError("the body is empty: send the alert text, e.g. SYMBOL=BTCUSDT;SIGNAL=buy")
    payload: dict[str, Any] = {"text": text}
    symbol = None
    if text.startswith("{"):
        try:
            content = json.loads(text)
        except json.JSONDecodeError:
            content = None
        if isinstance(content, dict):
            payload = {**content, "text": str(content.get("text", text))}
            candidate = content.get("symbol")
            symbol = candidate if isinstance(candidate, str) and "/" in candidate else None
    return oe.Signal(source=source, payload=payload, time=now_ms, symbol=symbol)


class WebhookFeed(ServiceFeed):
    """TradingView-style alerts posted to a secret URL, on the bot's event loop."""

    NAME: ClassVar[str | None] = "WebhookFeed"
    SERVICE: ClassVar[str | None] = "webhook"
    REQUIRED_SECRETS: ClassVar[tuple[str, ...]] = ("token",)
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "host": "127.0.0.1",
        "port": 9001,
        "path": "/webhook",
        "allowed_ips": [],
        "max_body_bytes": 16384,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "host": {"type": "string", "minLength": 1, "description": "address to listen on (0.0.0.0: all)"},
            "port": {
                "type": "integer",
                "minimum": 0,
                "maximum": 65535,
                "description": "port (0: any free one)",
            },
            "path": {
                "type": "string",
                "pattern": "^/[A-Za-z0-9_./-]*[A-Za-z0-9_-]$",
                "description": "URL path before the token: POST <path>/<token>",
            },
            "allowed_ips": {
                "type": "array",
                "items": {"type": "string"},
                "description": "callers allowed (addresses or networks); empty: anyone with the token",
            },
            "max_body_bytes": {
                "type": "integer",
                "minimum": 64,
                "maximum": 1048576,
                "description": "largest body accepted (413 above)",
            },
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._allowed = parse_allowed(self.config["allowed_ips"], self.name)
        self._token = self.service.secret("token")
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # the port it listens on, once started

    def _allows(self, remote: str | None) -> bool:
        if not self._allowed:
            return True
        try:
            address = ipaddress.ip_address(remote or "")
        except ValueError:
            return False
        return any(address in network for network in self._allowed)

    def read_call(self, body: bytes, remote: str, now_ms: int) -> oe.Signal:
        """The signal an accepted call's body becomes (`alert_signal`); ValueError: a 400 saying why."""
        return alert_signal(body, remote, now_ms)

    async def _on_post(self, request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.match_info["token"].encode(), self._token.encode()):
            raise web.HTTPNotFound()  # exactly what an unknown path gets
        if not self._allows(request.remote):
            self.logger.warning(
                "%s (service %s): call from %s refused (not in allowed_ips)",
                self.name,
                self.service.name,
                request.remote,
            )
            return web.json_response({"error": "this address is not allowed"}, status=403)
        body = await request.read()  # aiohttp answers 413 past client_max_size
        try:
            signal = self.read_call(body, request.remote or "webhook", int(time.time() * 1000))
        except ValueError as error:
            return web.json_response({"error": str(error)}, status=400)
        await self.publish(signal)
        self.health.received(1, signal.time)
        return web.json_response({"accepted": True})

    async def start(self) -> None:
        await super().start()
        app = web.Application(client_max_size=self.config["max_body_bytes"])
        app.router.add_post(self.config["path"].rstrip("/") + "/{token}", self._on_post)
        self._runner = web.AppRunner(app, access_log=None)  # an access log would hold the token
        await self._runner.setup()
        await web.TCPSite(self._runner, self.config["host"], self.config["port"]).start()
        self.port = self._runner.addresses[0][1]
        self.logger.info(
            "%s listening on http://%s:%s%s/<token>",
            self.name,
            self.config["host"],
            self.port,
            self.config["path"],
        )

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await super().stop()
