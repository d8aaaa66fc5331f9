"""What every handler of the interface reads: the user folder, the registry, the hub, the auth, the jobs
and, under `octobot run`, the live bot and its control API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from octobot.home import UserHome
from octobot.tentacle_registry import TentacleRegistry
from octobot.web.auth import WebAuth
from octobot.web.backtests import BacktestJobs
from octobot.web.collects import CollectJobs
from octobot.web.hub import EventHub
from octobot.web.optimizations import OptimizerJobs

if TYPE_CHECKING:
    from octobot.bot import OctoBot


@dataclass
class WebContext:
    home: UserHome
    registry: TentacleRegistry
    auth: WebAuth
    hub: EventHub
    backtests: BacktestJobs
    collects: CollectJobs
    optimizations: OptimizerJobs
    #: the running bot (None under `octobot web`, which serves the user folder only)
    bot: OctoBot | None = None
    #: the bot's control API (status, profit, commands), None without a bot
    control: Any | None = None


CONTEXT_KEY: web.AppKey[WebContext] = web.AppKey("octobot_web_context", WebContext)


def context_of(request: web.Request) -> WebContext:
    return request.app[CONTEXT_KEY]
