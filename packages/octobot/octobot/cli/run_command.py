"""`octobot run`: a profile trading live (real orders) or on paper (simulated orders on live market data),
until Ctrl+C or SIGTERM; the account is kept in a state file, so a restart continues where it stopped."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from octobot.cli.context import CliContext
from octobot.errors import ExitCode, WebError
from octobot.live import run_live
from octobot.paper import run_paper
from octobot.profile import Profile, load_profile
from octobot.profile_store import selected_profile
from octobot.web import DEFAULT_HOST
from octobot.web.password import load_password_hash
from octobot.web.security import is_loopback

WEB_INTERFACE = "WebInterface"

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


def with_web_interface(profile: Profile, context: CliContext, host: str | None, port: int | None) -> None:
    """Add the web interface to the interfaces the bot starts (as if the profile listed it), serving
    this command's user folder; the refusal of an exposed address without a password comes first."""
    info = context.registry.get(WEB_INTERFACE)
    config = {**profile.tentacle_config(info.name), "home": str(context.home.root)}
    if host is not None:
        config["host"] = host
    if port is not None:
        config["port"] = port
    if not is_loopback(str(config.get("host", DEFAULT_HOST))) and load_password_hash(context.home) is None:
        raise WebError(
            f"web: refusing to listen on {config['host']} without a password (anyone reaching it could "
            "trade); set one with `octobot web --set-password`, or listen on 127.0.0.1"
        )
    if info.name not in profile.interfaces:
        profile.interfaces.append(info.name)
    profile.tentacles[info.name] = info
    profile.tentacle_configs[info.name] = config


def run(args: argparse.Namespace, context: CliContext) -> int:
    user_config = context.user_config
    profile = load_profile(args.profile or selected_profile(context.home), context.registry, context.home)
    if args.web or WEB_INTERFACE in profile.interfaces:
        with_web_interface(profile, context, args.web_host, args.web_port)
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
