"""`octobot tentacles list|show|config|new`."""

from __future__ import annotations

import argparse

from octobot.cli.context import CliContext
from octobot.cli.tentacle_check_command import add_check_parser, run_check
from octobot.errors import ExitCode
from octobot.tentacle_kind import TentacleKind, parse_kind
from octobot.tentacle_template import TEMPLATE_KINDS, TEMPLATES, create_tentacle


def _kind(text: str) -> TentacleKind:
    try:
        return parse_kind(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tentacles", help="list, inspect and create tentacles")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="installed and user tentacles")
    listing.add_argument(
        "--kind", type=_kind, help=f"only this kind, one of: {', '.join(k.value for k in TentacleKind)}"
    )
    show = actions.add_parser("show", help="a tentacle's kind, version, origin and requirements")
    show.add_argument("name")
    config = actions.add_parser("config", help="a tentacle's default config and its JSON Schema")
    config.add_argument("name")
    new = actions.add_parser(
        "new",
        help="create a working, tested tentacle skeleton in your tentacles folder",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="kinds:\n" + "\n".join(f"  {kind.value:<13} {text}" for kind, text in TEMPLATES.items()),
    )
    new.add_argument(
        "--kind", type=_kind, required=True, help=f"one of: {', '.join(k.value for k in TEMPLATE_KINDS)}"
    )
    new.add_argument("name", help="class name of the new tentacle, e.g. MyRSIEvaluator")
    new.add_argument("--force", action="store_true", help="overwrite existing files")
    add_check_parser(actions)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: CliContext) -> int:
    if args.action == "check":
        return run_check(args, context)
    if args.action == "new":
        files = create_tentacle(args.name, args.kind, context.home.tentacles, force=args.force)
        for path in files:
            context.print(f"created {path}")
        context.print(f"run its test: python -m pytest {files[-1]}")
        return ExitCode.OK
    registry = context.registry
    if args.action == "list":
        rows = [[info.name, info.kind.value, info.version, info.source] for info in registry.list(args.kind)]
        context.table(rows, ["NAME", "KIND", "VERSION", "SOURCE"])
    elif args.action == "show":
        summary = registry.get(args.name).summary()
        for key in ("default_config", "config_schema"):
            summary.pop(key)
        context.print_json(summary)
    elif args.action == "config":
        info = registry.get(args.name)
        context.print_json({"default_config": info.default_config, "config_schema": info.config_schema})
    return ExitCode.OK
