"""`octobot optimize`: many backtests of a profile over a search space of its settings, then the best.

Interrupted (Ctrl-C, or the process killed), the same command resumes the study where it stopped.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tqdm import tqdm

from octobot.cli.context import CliContext
from octobot.cli.data_command import data_path, iso_ms
from octobot.data_discovery import as_data_file, find_backtest_data
from octobot.errors import ExitCode, UsageError
from octobot.optimizer.objectives import available_objectives
from octobot.optimizer.report import write_study_html
from octobot.optimizer.samplers import DEFAULT_SAMPLER, SAMPLERS
from octobot.optimizer.save_best import save_settings_as_profile
from octobot.optimizer.study import DEFAULT_PENDING, StudyOptions, StudyProgress, StudyResult, run_study
from octobot.optimizer.summary import best_trials_table, state_counts
from octobot.optimizer.worker import best_run_report
from octobot.profile import load_profile
from octobot.profile_store import DEFAULT_PROFILE


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "optimize", help="search a profile's settings over many backtests (resumable study)"
    )
    parser.add_argument("--profile", default=DEFAULT_PROFILE, help="profile id or folder (default: default)")
    parser.add_argument(
        "--data", action="append", help="data file: a path or a name in the data folder (repeatable)"
    )
    parser.add_argument(
        "--data-dir", action="append", type=Path, default=[], help="without --data: search this folder too"
    )
    parser.add_argument(
        "--space",
        type=Path,
        help="search space JSON file (default: every numeric and boolean setting of the active tentacles)",
    )
    parser.add_argument("--trials", type=int, default=20, help="trials of the study (default 20)")
    parser.add_argument("--sampler", choices=SAMPLERS, default=DEFAULT_SAMPLER, help="default: tpe")
    parser.add_argument(
        "--seed", type=int, default=0, help="sampler seed: same seed, same trials (default 0)"
    )
    parser.add_argument(
        "--objective",
        action="append",
        default=[],
        metavar="NAME",
        help=f"repeatable (several: a Pareto front); one of {', '.join(available_objectives())} "
        "(default profitability)",
    )
    parser.add_argument(
        "--min-trades", type=int, default=0, help="trials with fewer trades in sample are filtered out"
    )
    parser.add_argument("--folds", type=int, default=1, help="walk-forward folds (default 1)")
    parser.add_argument(
        "--test-share",
        type=float,
        default=0.25,
        help="share of each fold kept out of sample (default 0.25; 0: all in sample)",
    )
    parser.add_argument("--start", help="first instant of the studied period, ISO date (UTC)")
    parser.add_argument("--end", help="last instant of the studied period, ISO date (UTC)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="local worker processes (default: one per core)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument(
        "--pending",
        type=int,
        help=f"trials proposed before earlier results are known (default {DEFAULT_PENDING}, or the "
        "workers when more); results are identical across executors for the same seed and pending",
    )
    parser.add_argument(
        "--store", type=Path, help="study SQLite file (default: HOME/optimizer/studies.sqlite)"
    )
    parser.add_argument("--study", help="study name (default: derived from its options, so a rerun resumes)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the trials and the best as JSON")
    parser.add_argument("--html", type=Path, metavar="OUT", help="write the HTML report of the study")
    parser.add_argument("--save-best", metavar="PROFILE", help="save the best settings as a new user profile")
    parser.add_argument("--force", action="store_true", help="with --save-best: replace that profile")
    parser.add_argument("--top", type=int, default=10, help="rows of the best trials table (default 10)")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar with its ETA on stderr (default: when stderr is a terminal)",
    )
    parser.set_defaults(handler=run)


def _data_files(args: argparse.Namespace, context: CliContext) -> list[Path]:
    profile = load_profile(args.profile, context.registry, context.home)
    if args.data:
        exchange = profile.exchanges[0]
        return [as_data_file(data_path(name, context), context.home, exchange) for name in args.data]
    found = find_backtest_data(profile, [context.home.data, *args.data_dir], context.home)
    context.print(f"data: {found}")
    return [found]


def run(args: argparse.Namespace, context: CliContext) -> int:
    start_ms = None if args.start is None else iso_ms(args.start, "--start")
    end_ms = None if args.end is None else iso_ms(args.end, "--end")
    if args.space is not None and not args.space.is_file():
        from octobot.errors import NotFoundError

        raise NotFoundError(f"--space {args.space}: file not found")
    options = StudyOptions(
        profile=args.profile,
        data=_data_files(args, context),
        space=args.space,
        trials=args.trials,
        sampler=args.sampler,
        seed=args.seed,
        objectives=args.objective,
        min_trades=args.min_trades,
        folds=args.folds,
        test_share=args.test_share,
        start_ms=start_ms,
        end_ms=end_ms,
        workers=args.workers,
        scheduler=args.scheduler,
        pending=args.pending,
        store=args.store,
        study=args.study,
    )
    if args.save_best is not None and args.save_best == args.profile:
        raise UsageError(f"--save-best {args.save_best}: name a new profile, not the studied one")
    show = context.err.isatty() if args.progress is None else args.progress
    with tqdm(total=args.trials, unit="trial", desc="optimize", disable=not show, file=context.err) as bar:

        def advance(progress: StudyProgress) -> None:
            bar.update(progress.done - bar.n)
            if progress.best is not None:
                first = next(iter(progress.best["objectives"].items()))
                bar.set_postfix_str(f"best {first[0]} {first[1]:.4g} (trial {progress.best['number']})")

        result = run_study(options, registry=context.registry, home=context.home, progress=advance)
    _print_summary(result, args, context)
    best = result.best
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
        context.print(f"trials written to {args.json}")
    if args.html is not None:
        report = None
        if best is not None:
            first, last = result.folds[0], result.folds[-1]
            whole = type(first.train)(first.train.start_ms, (last.test or last.train).end_ms)
            report = best_run_report(result.job, best["settings"], whole)
        context.print(f"report written to {write_study_html(result, report, args.html)}")
    if args.save_best is not None:
        if best is None:
            raise UsageError("--save-best: no complete trial to save (see the states above)")
        saved = save_settings_as_profile(
            result.profile, best["settings"], args.save_best, context.registry, context.home, args.force
        )
        context.print(f"best settings (trial {best['number']}) saved as profile {args.save_best} at {saved}")
    return ExitCode.OK


def _print_summary(result: StudyResult, args: argparse.Namespace, context: CliContext) -> None:
    counts = ", ".join(f"{count} {state}" for state, count in state_counts(result).items())
    resumed = f", {result.resumed} resumed from the store" if result.resumed else ""
    context.print(
        f"study {result.name} ({result.store}): {len(result.trials)} trials ({counts}){resumed}; "
        f"{result.executed} backtest run(s) in {result.duration_s:.1f} s"
    )
    headers, rows = best_trials_table(result, args.top)
    if rows:
        context.print("best trials" + (" (* Pareto front)" if len(result.objectives) > 1 else ""))
        context.table(rows, headers)
    else:
        context.print("no complete trial (see --json for each trial's message)")
