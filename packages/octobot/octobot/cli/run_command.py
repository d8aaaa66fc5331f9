"""`octobot run`: a profile trading live (real orders) or on paper (simulated orders on live market data),
until Ctrl+C or SIGTERM; the account is kept in a state file, so a restart continues where it stopped."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from octobot.cli.context import CliContext
from octobot.errors import ExitCode
from octobot.profile import load_profile
from octobot.profile_store import selected_profile
from octobot.web.launch import WEB_INTERFACE, with_web_interface

logger = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="trade a profile: live (real orders, when the profile disables the simulator) or on paper "
        "(--paper, or a simulated profile); Ctrl+C stops it",
    )
    parser.add_argument(
        "--profile",
        help="profile id or folder (default: the one selected in the web interface, else default)",
    )
    parser.add_argument(
        "--paper",
        action="store_true",
        help="simulated orders on live market data, even if the profile trades live",
    )
    parser.add_argument(
        "--exchange-url",
        metavar="URL",
        help="send every exchange request to URL (e.g. the emulator: http://127.0.0.1:8000)",
    )
    parser.add_argument(
        "--state-folder",
        metavar="FOLDER",
        help="where the account's state file is kept (default: <home>/data/state)",
    )
    parser.add_argument("--web", action="store_true", help="also serve the web interface (see `octobot web`)")
    parser.add_argument(
        "--web-host", default=None, help="with --web: address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--web-port", type=int, default=None, help="with --web: port (default 5001)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: CliContext) -> int:
    # imported here: they import ccxt (seconds of CPU), which the other commands do not need
    from octobot.live import run_live
    from octobot.paper import run_paper

    user_config = context.user_config
    profile = load_profile(args.profile or selected_profile(context.home), context.registry, context.home)
    if args.web or WEB_INTERFACE in profile.interfaces:
        with_web_interface(profile, context.registry, context.home, args.web_host, args.web_port)
    state_folder = Path(args.state_folder) if args.state_folder else None
    if args.paper or profile.simulated:
        coroutine = run_paper(
            profile,
            user_config,
            context.home,
            context.out,
            exchange_url=args.exchange_url,
            state_folder=state_folder,
        )
    else:
        coroutine = run_live(
            profile,
            user_config,
            context.home,
            context.out,
            exchange_url=args.exchange_url,
            state_folder=state_folder,
        )
    asyncio.run(coroutine)
    return ExitCode.OK
