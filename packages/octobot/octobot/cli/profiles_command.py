"""`octobot profiles list|show|validate|copy|export|import`."""

from __future__ import annotations

import argparse
from pathlib import Path

from octobot.cli.context import CliContext
from octobot.errors import ExitCode
from octobot.json_files import read_json
from octobot.profile import load_profile
from octobot.profile_schema import PROFILE_FILE
from octobot.profile_store import (
    builtin_profiles_dir,
    copy_profile,
    export_profile,
    find_profile,
    import_profile,
    list_profiles,
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("profiles", help="list, show, validate, copy, export and import profiles")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="user and built-in profiles")
    show = actions.add_parser("show", help="a profile's files")
    show.add_argument("profile", help="profile id or folder")
    validate = actions.add_parser("validate", help="load a profile with every check the bot runs at start")
    validate.add_argument("profile", help="profile id or folder")
    copy = actions.add_parser("copy", help="copy a profile into your user profiles, to edit it")
    copy.add_argument("source", help="profile id or folder")
    copy.add_argument("target", help="id of the new profile")
    copy.add_argument(
        "--force",
        action="store_true",
        help="replace an existing profile of that id, or hide the built-in profile of that id",
    )
    export = actions.add_parser("export", help="write a profile into a zip file")
    export.add_argument("profile", help="profile id or folder")
    export.add_argument("archive", type=Path, help="zip file to write")
    imported = actions.add_parser("import", help="add a profile from a zip file made by `export`")
    imported.add_argument("archive", type=Path, help="zip file to read")
    imported.add_argument("--name", help="id of the imported profile (default: the folder in the zip)")
    imported.add_argument(
        "--force",
        action="store_true",
        help="replace an existing profile of that id, or hide the built-in profile of that id",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: CliContext) -> int:
    home = context.home
    if args.action == "list":
        rows = [
            [summary.id, "built-in" if summary.builtin else "user", summary.description[:70]]
            for summary in list_profiles(home)
        ]
        context.table(rows, ["PROFILE", "ORIGIN", "DESCRIPTION"])
    elif args.action == "show":
        folder = find_profile(args.profile, home)
        context.print(f"# {folder}")
        for path in sorted(folder.glob("*.json"), key=lambda p: (p.name != PROFILE_FILE, p.name)):
            context.print(f"## {path.name}")
            read_json(path)  # a malformed file is reported as such, not printed
            context.print(path.read_text(encoding="utf-8").rstrip())
    elif args.action == "validate":
        profile = load_profile(args.profile, context.registry, home)
        markets = " ".join([*profile.exchanges, *profile.pairs, *profile.time_frames])
        tentacles = ", ".join([profile.trading_mode, *profile.strategies, *profile.evaluators])
        context.print(f"profile '{profile.name}' ({profile.path}) is valid: {markets}; {tentacles}")
    elif args.action == "copy":
        context.print(f"copied to {copy_profile(args.source, args.target, home, force=args.force)}")
        if (builtin_profiles_dir() / args.target / PROFILE_FILE).is_file():
            context.print(
                f"the built-in profile '{args.target}' is hidden by this copy; delete it to see it again"
            )
    elif args.action == "export":
        context.print(f"exported to {export_profile(args.profile, args.archive, home)}")
    elif args.action == "import":
        context.print(f"imported to {import_profile(args.archive, home, new_id=args.name, force=args.force)}")
    return ExitCode.OK
