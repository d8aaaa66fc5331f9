"""`octobot backtest`: a profile replayed on recorded data files, with its report."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from tqdm import tqdm

from octobot.backtest import run_backtest
from octobot.cli.context import CliContext
from octobot.cli.data_command import data_path, iso_ms
from octobot.data_discovery import as_data_file, find_backtest_data
from octobot.errors import ExitCode, UsageError
from octobot.profile import load_profile
from octobot.profile_store import DEFAULT_PROFILE


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("backtest", help="replay a profile on recorded data and report the run")
    parser.add_argument("--profile", default=DEFAULT_PROFILE, help="profile id or folder (default: default)")
    parser.add_argument(
        "--data",
        action="append",
        help="data file: a path or a name in the data folder (repeatable); an OctoBot .data, CSV or JSON "
        "candle file is imported once into the data folder",
    )
    parser.add_argument(
        "--data-dir",
        action="append",
        type=Path,
        default=[],
        help="without --data: also search this folder for candles of the profile's pairs and time frames "
        "(after the data folder; OctoBot, CSV and JSON files are imported once)",
    )
    parser.add_argument(
        "--window",
        choices=("common", "union"),
        default="common",
        help="with several data files: replay the period they all cover (common, default) or all of "
        "their periods (union)",
    )
    parser.add_argument("--start", help="first instant of the run, ISO date (UTC)")
    parser.add_argument("--end", help="last instant of the run, ISO date (UTC)")
    parser.add_argument(
        "--report",
        choices=("text", "json", "html"),
        default="text",
        help="what to print: the text report (default), its figures as JSON, or the path of the HTML "
        "report (written to --html, default reports/backtest.html)",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )
    parser.add_argument("--html", type=Path, help="also write the report as a self-contained HTML file")
    parser.add_argument("--json", type=Path, help="also write the report's figures as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: CliContext) -> int:
    profile = load_profile(args.profile, context.registry, context.home)
    start_ms = None if args.start is None else iso_ms(args.start, "--start")
    end_ms = None if args.end is None else iso_ms(args.end, "--end")
    if start_ms is not None and end_ms is not None and start_ms >= end_ms:
        raise UsageError(f"--start {args.start} is not before --end {args.end}; give --start first")
    if args.data:
        exchange = profile.exchanges[0]
        files = [as_data_file(data_path(name, context), context.home, exchange) for name in args.data]
    else:
        files = [find_backtest_data(profile, [context.home.data, *args.data_dir], context.home)]
        context.print(f"data: {files[0]}")
    show_progress = context.err.isatty() if args.progress is None else args.progress
    with tqdm(total=100, unit="%", desc="backtest", disable=not show_progress, file=context.err) as bar:

        def advance(share: float) -> None:
            bar.update(round(share * 100) - bar.n)

        outcome = asyncio.run(
            run_backtest(
                profile,
                files,
                start_ms=start_ms,
                end_ms=end_ms,
                progress=advance,
                window=args.window,
            )
        )
    if args.report == "text":
        context.print(outcome.report.to_text())
    elif args.report == "json":
        context.print(outcome.report.to_json())
    elif args.html is None:
        args.html = Path("reports") / "backtest.html"
    if args.html is not None:
        context.print(f"report written to {outcome.report.write_html(args.html)}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(outcome.report.to_json(), encoding="utf-8")
        context.print(f"figures written to {args.json}")
    if outcome.interrupted:
        context.err.write("octobot: interrupted: the report above covers the run up to the interruption\n")
        return ExitCode.INTERRUPTED
    return ExitCode.OK
