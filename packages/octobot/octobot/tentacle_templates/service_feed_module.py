"""TemplateTentacle: a service feed (created by `octobot tentacles new --kind service_feed`).

Change `to_signal` and the server, and their tests in tests/test_template_tentacle.py. A service feed
receives what the outside world says (here: webhook calls, as TradingView alerts send them) and pushes each
item as a `Signal` into the bot's social feed channel; social evaluators whose feed is its ``feed`` name
("webhook" by default, as in the social evaluator template) evaluate it. It only transports: it never
evaluates and never trades. It runs on the bot's event loop (aiohttp), listens on the loopback unless
configured otherwise, and refuses calls without the configured token: keep the token with the user's
secrets (``octobot.load_user_config().service("webhook")``, or $OCTOBOT_SERVICE_WEBHOOK_TOKEN) and give it
as ``config["token"]``; it is never logged.
"""

from __future__ import annotations

import hmac
import logging
import time
from typing import Any, ClassVar

from aiohttp import web

from octobot_evaluators import Signal, SocialFeed

logger = logging.getLogger(__name__)


class BadSignalError(ValueError):
    """A webhook call that is not a signal (the caller gets a 400 naming the problem)."""


def to_signal(body: Any, source: str, now_ms: int) -> Signal:
    """A call's JSON body -> Signal: ``{"symbol": "BTC/USDT", "side": "buy"}`` (any other keys are kept in
    the payload); the symbol is optional (then the signal is about every watched symbol)."""
    if not isinstance(body, dict):
        raise BadSignalError('the body must be a JSON object, e.g. {"symbol": "BTC/USDT", "side": "buy"}')
    symbol = body.get("symbol")
    if symbol is not None and (not isinstance(symbol, str) or "/" not in symbol):
        raise BadSignalError(f"'symbol' must be a pair like 'BTC/USDT', got {symbol!r}")
    payload = {key: value for key, value in body.items() if key != "symbol"}
    return Signal(source=source, payload=payload, time=now_ms, symbol=symbol)


class TemplateTentacle(SocialFeed):
    """Webhook server: ``POST /signal`` with a JSON body publishes one signal."""

    TENTACLE_KIND: ClassVar[str] = "service_feed"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "TemplateTentacle"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "feed": "webhook",
        "host": "127.0.0.1",
        "port": 0,
        "token": "",
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "feed": {"type": "string", "minLength": 1, "title": "Feed name social evaluators listen to"},
            "host": {"type": "string", "title": "Address to listen on"},
            "port": {"type": "integer", "minimum": 0, "maximum": 65535, "title": "Port (0: any free port)"},
            "token": {"type": "string", "title": "Secret callers send as X-Token (empty: no check)"},
        },
        "required": ["feed", "host", "port"],
        "additionalProperties": False,
    }

    def __init__(self, scope: str, config: dict[str, Any] | None = None) -> None:
        self.config: dict[str, Any] = {**self.DEFAULT_CONFIG, **(config or {})}
        super().__init__(scope, name=self.config["feed"])
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # the port it listens on, once started

    async def _on_post(self, request: web.Request) -> web.Response:
        token = self.config.get("token") or ""
        if token and not hmac.compare_digest(request.headers.get("X-Token", ""), token):
            return web.json_response({"error": "missing or wrong X-Token"}, status=401)
        try:
            signal = to_signal(await request.json(), request.remote or "webhook", int(time.time() * 1000))
        except ValueError as error:  # bad JSON or not a signal
            return web.json_response({"error": str(error)}, status=400)
        await self.publish(signal)
        return web.json_response({"published": True})

    async def start(self) -> None:
        await super().start()  # the producer into the matrix's social feed channel
        app = web.Application()
        app.router.add_post("/signal", self._on_post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.config["host"], self.config["port"]).start()
        self.port = self._runner.addresses[0][1]
        logger.info("%s listening on http://%s:%s/signal", self.name, self.config["host"], self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await super().stop()
