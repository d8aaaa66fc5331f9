"""`octobot tentacles check NAME`: does the tentacle behave the same in a backtest as live?

Exit codes: 0 equivalent; ExitCode.NOT_EQUIVALENT (20) when a run differs or the contract is broken (the
report lines say where); the usual codes for a bad name, profile or data file.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from octobot.cli.context import CliContext
from octobot.cli.data_command import data_path
from octobot.errors import ExitCode
from octobot.profile import load_profile
from octobot.profile_store import DEFAULT_PROFILE
from octobot.tentacle_check import check_tentacle_async

#: candles of the smallest time frame checked by default (after the warm-up); 0: the whole file
DEFAULT_CANDLES = 1000


def add_check_parser(actions: argparse._SubParsersAction) -> None:
    check = actions.add_parser(
        "check",
        help="run a tentacle as a backtest (twice) and as live on recorded candles and compare",
    )
    check.add_argument("name", help="tentacle name (see `octobot tentacles list`)")
    check.add_argument(
        "--data", help="candle file: a path or a name in the data folder (OctoBot/CSV/JSON imported once)"
    )
    check.add_argument(
        "--data-dir",
        action="append",
        type=Path,
        default=[],
        help="without --data: also search this folder (after the data folder) for candles of the pairs "
        "and time frames checked",
    )
    check.add_argument(
        "--symbol", action="append", help="pair to check on (repeatable; default: the profile's)"
    )
    check.add_argument(
        "--time-frame",
        action="append",
        help="time frame (repeatable; default: the profile's or the strategy's)",
    )
    check.add_argument(
        "--profile", default=DEFAULT_PROFILE, help="profile the tentacle is checked in (default: default)"
    )
    check.add_argument(
        "--candles",
        type=int,
        default=DEFAULT_CANDLES,
        help="candles of the smallest time frame to run after the warm-up "
        f"(default {DEFAULT_CANDLES}; 0: all)",
    )
    check.add_argument(
        "--tolerance",
        type=float,
        default=0.0,
        help="largest absolute difference accepted between two evaluations (default 0: exactly equal)",
    )
    check.add_argument("--limit", type=int, default=20, help="differences shown per list (default 20)")


def run_check(args: argparse.Namespace, context: CliContext) -> int:
    registry = context.registry
    profile = load_profile(args.profile, registry, context.home)
    report = asyncio.run(
        check_tentacle_async(
            args.name,
            None if args.data is None else data_path(args.data, context),
            data_dirs=args.data_dir,
            registry=registry,
            profile=profile,
            pairs=args.symbol,
            time_frames=args.time_frame,
            candles=args.candles or None,
            tolerance=args.tolerance,
            home=context.home,
        )
    )
    for line in report.lines(limit=args.limit):
        context.print(line)
    if report.ok:
        return ExitCode.OK
    context.err.write(
        f"octobot: error: {report.subject} is not equivalent: {len(report.differences)} backtest/live "
        f"difference(s), {len(report.determinism)} between two backtests, {len(report.contract)} contract "
        "problem(s) (listed above)\n"
    )
    return ExitCode.NOT_EQUIVALENT
