"""`octobot run`: paper trading of a profile on live market data until Ctrl+C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging

from octobot.bot import OctoBot
from octobot.cli.context import CliContext
from octobot.errors import BotError, ExitCode
from octobot.live_exchange import LiveMarketLink
from octobot.profile import Profile, load_profile
from octobot.profile_store import DEFAULT_PROFILE
from octobot.runner import run_until_signalled
from octobot.user_config import UserConfig

logger = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="paper trading: simulated orders on the exchange's live market data (Ctrl+C stops it)"
    )
    parser.add_argument("--profile", default=DEFAULT_PROFILE, help="profile id or folder (default: default)")
    parser.set_defaults(handler=run)


async def _run(profile: Profile, user_config: UserConfig) -> None:
    link = LiveMarketLink(profile, user_config)
    try:
        bot = OctoBot(profile, exchange_factory=link.paper_exchange, history_loader=link.load_history)
        await run_until_signalled(bot)
    finally:
        await link.close()


def run(args: argparse.Namespace, context: CliContext) -> int:
    user_config = context.user_config
    profile = load_profile(args.profile, context.registry, context.home)
    if not profile.simulated:
        raise BotError(
            f"profile '{profile.name}' disables the simulator, but trading with real orders needs a live "
            'exchange connector that octobot-trading does not offer yet; set "simulator": {"enabled": true}'
        )
    asyncio.run(_run(profile, user_config))
    return ExitCode.OK
