"""The aiohttp application of the interface and the server that runs it on the current event loop.

Why the server refuses a public address without a password: anyone reaching the port could trade the
account; on loopback only this machine's users can, and they can read the user folder anyway.
"""

from __future__ import annotations

import asyncio
import logging
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from octobot.errors import WebError
from octobot.home import UserHome
from octobot.tentacle_registry import TentacleRegistry
from octobot.user_config import load_user_config
from octobot.web import DEFAULT_HOST, DEFAULT_PORT, api_routes, pages
from octobot.web.auth import WebAuth
from octobot.web.backtests import BacktestJobs, BacktestRun
from octobot.web.collects import CollectJobs, CollectRun
from octobot.web.context import CONTEXT_KEY, WebContext
from octobot.web.hub import EventHub, HubLogHandler
from octobot.web.launch import check_exposure
from octobot.web.optimizations import OptimizationRun, OptimizerJobs
from octobot.web.password import load_password_hash
from octobot.web.responses import api_errors
from octobot.web.security import security_middleware

if TYPE_CHECKING:
    from octobot.bot import OctoBot

logger = logging.getLogger(__name__)

#: largest request body (an uploaded candle file)
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def static_folder() -> Path:
    return Path(str(resources.files("octobot.web") / "static"))


def create_context(
    home: UserHome, registry: TentacleRegistry, bot: OctoBot | None = None, control: Any = None
) -> WebContext:
    # the user config's secrets (exchange keys, service tokens) are registered for masking before anything
    # is served: a log line or an error quoting one is masked on every page and event from the start
    load_user_config(home, create=False)
    hub = EventHub()

    def backtest_progress(run: BacktestRun) -> None:
        hub.publish(
            "backtest_progress",
            {"id": run.id, "status": run.status, "progress": run.progress, "error": run.error},
        )

    def collect_progress(run: CollectRun) -> None:
        hub.publish("collect_progress", run.to_dict())

    def optimizer_progress(run: OptimizationRun) -> None:
        hub.publish("optimizer_progress", run.event())

    return WebContext(
        home=home,
        registry=registry,
        auth=WebAuth(load_password_hash(home)),
        hub=hub,
        backtests=BacktestJobs(home, registry, backtest_progress),
        collects=CollectJobs(collect_progress),
        optimizations=OptimizerJobs(home, registry, optimizer_progress),
        bot=bot,
        control=control,
    )


def create_app(context: WebContext) -> web.Application:
    app = web.Application(
        middlewares=[security_middleware, api_errors, pages.not_found_page], client_max_size=MAX_UPLOAD_BYTES
    )
    app[CONTEXT_KEY] = context
    app.add_routes(api_routes.routes)
    app.add_routes(pages.routes)
    app.router.add_static("/static/", static_folder(), name="static")
    return app


class WebServer:
    """Serves the interface on the running event loop until `stop` (no thread of its own)."""

    def __init__(self, context: WebContext, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        check_exposure(host, context.auth.password_required)
        self.context = context
        self.host = host
        self.port = port
        self.app = create_app(context)
        self._runner: web.AppRunner | None = None
        self._log_handler: HubLogHandler | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> WebServer:
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            raise WebError(
                f"web: cannot listen on {self.host}:{self.port}: {error.strerror}; choose another --port"
            ) from None
        self._runner = runner
        if self.port == 0 and runner.addresses:  # an ephemeral port (tests): the one the system chose
            self.port = int(runner.addresses[0][1])
        self._log_handler = HubLogHandler(self.context.hub, asyncio.get_running_loop())
        logging.getLogger().addHandler(self._log_handler)
        logger.info("web interface on %s", self.url)
        return self

    async def stop(self) -> None:
        if self._log_handler is not None:
            logging.getLogger().removeHandler(self._log_handler)
            self._log_handler = None
        await self.context.backtests.close()
        await self.context.collects.close()
        await self.context.optimizations.close()
        await self.context.hub.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
