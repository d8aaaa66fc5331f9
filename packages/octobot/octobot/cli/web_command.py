"""`octobot web`: the web interface over the user data folder (profiles, tentacles, data files,
backtests) without a running bot, until Ctrl+C; `octobot web --set-password` sets its password."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import signal
import sys

from octobot.cli.context import CliContext
from octobot.errors import ExitCode, UsageError
from octobot.web import DEFAULT_HOST, DEFAULT_PORT
from octobot.web.password import clear_password, set_password


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "web", help="the web interface over the user data folder, without a running bot (Ctrl+C stops it)"
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}; any other needs a password)",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    password = parser.add_mutually_exclusive_group()
    password.add_argument(
        "--set-password",
        action="store_true",
        help="set the interface's password (asked on the terminal, or read from stdin) and exit",
    )
    password.add_argument("--clear-password", action="store_true", help="remove the password and exit")
    parser.set_defaults(handler=run)


def _read_password(context: CliContext) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("new web password: ")
        if getpass.getpass("again: ") != first:
            raise UsageError("--set-password: the two passwords differ; try again")
        return first
    return sys.stdin.readline().rstrip("\n")


def run(args: argparse.Namespace, context: CliContext) -> int:
    if args.set_password:
        path = set_password(context.home, _read_password(context))
        context.print(f"web password set (its argon2 hash is in {path})")
        return ExitCode.OK
    if args.clear_password:
        context.print("web password removed" if clear_password(context.home) else "no web password was set")
        return ExitCode.OK
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port: {args.port} is not a port (0..65535)")
    asyncio.run(_serve(context, args.host, args.port))
    return ExitCode.OK


async def _serve(context: CliContext, host: str, port: int) -> None:
    from octobot.web.app import WebServer, create_context  # the server's modules: only when serving

    web_context = create_context(context.home.ensure(), context.registry)
    server = WebServer(web_context, host, port)
    await server.start()
    context.print(f"web interface on {server.url} (Ctrl+C to stop)")
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    try:
        await stopping.wait()
    finally:
        await server.stop()
