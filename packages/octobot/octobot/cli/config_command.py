"""`octobot config show|path`: the user settings (secrets masked) and where they live."""

from __future__ import annotations

import argparse

from octobot.cli.context import CliContext
from octobot.errors import ExitCode
from octobot.user_config import create_user_config


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("config", help="user settings and secrets (kept apart from profiles)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("show", help="the user config with environment overrides applied, secrets masked")
    actions.add_parser("path", help="the user config file (created empty, owner-only, when missing)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: CliContext) -> int:
    if args.action == "path" and not context.home.user_config.exists():
        create_user_config(context.home.ensure().user_config)
    config = context.user_config
    if args.action == "show":
        context.print_json(config.redacted())
    else:
        context.print(str(config.path))
    return ExitCode.OK
