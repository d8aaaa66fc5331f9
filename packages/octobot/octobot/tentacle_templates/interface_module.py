"""TemplateTentacle: an interface (created by `octobot tentacles new --kind interface`).

Change `status` and the routes, and their tests in tests/test_template_tentacle.py. An interface shows
the bot and lets the user act on it: it gets the running bot (its exchange managers, matrix, trading
modes), starts after the chain is wired and stops before it is torn down. It runs on the bot's event loop
(aiohttp here), never on a thread of its own, and listens on the loopback unless configured otherwise.
Activate it in a profile with ``"interfaces": ["TemplateTentacle"]``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from aiohttp import web

from octobot.interface_base import AbstractInterface


class TemplateTentacle(AbstractInterface):
    """A small HTTP API: ``GET /status`` answers the bot's profile, portfolios and open orders as JSON."""

    TENTACLE_KIND: ClassVar[str] = "interface"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "TemplateTentacle"
    ABSTRACT: ClassVar[bool] = False
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"host": "127.0.0.1", "port": 0}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "host": {"type": "string", "title": "Address to listen on"},
            "port": {"type": "integer", "minimum": 0, "maximum": 65535, "title": "Port (0: any free port)"},
        },
        "required": ["host", "port"],
        "additionalProperties": False,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # the port it listens on, once started

    def status(self) -> dict[str, Any]:
        """What ``GET /status`` answers (read from the bot, never changed)."""
        return {
            "profile": self.bot.profile.name,
            "exchanges": {
                name: {
                    "portfolio": {asset: str(amount) for asset, amount in manager.portfolio.totals().items()},
                    "open_orders": len(manager.trader.open_orders()),
                }
                for name, manager in self.bot.exchange_managers.items()
            },
        }

    async def _get_status(self, request: web.Request) -> web.Response:
        return web.json_response(self.status())

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/status", self._get_status)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.config["host"], self.config["port"]).start()
        self.port = self._runner.addresses[0][1]
        self.logger.info("%s listening on http://%s:%s", self.get_name(), self.config["host"], self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await super().stop()
