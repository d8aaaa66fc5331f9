"""The default profile (limit orders) on 1 pair and on 10 pairs, against backtrader on equivalent rules.

The default profile as `octobot profiles copy default` gives it (RSIMomentumEvaluator and
DoubleMovingAverageTrendEvaluator averaged by SimpleStrategyEvaluator, DailyTradingMode with limit orders
0.5 % away, 10 % of the available quote per buy, 0.1 % fees), on 1m candles instead of 1h so that a series
of real candles is long. backtrader runs the same rules from the same tentacle configs
(baselines/backtrader_rules.py: `run_default_profile_rules`, whose docstring lists the approximations).

Cases (each engine's fastest of --repeat rounds):
1. 1 pair, ``--candles`` chained real 1m candles: candles/s, ours and backtrader;
2. 10 pairs (each its own chained series of the real candles, long_series.pair_series): the candles/s of
   all pairs together against backtrader's rate on one pair of the same length, and the peak memory
   (VmHWM, else ru_maxrss) of a process that runs only that backtest. The default size is reduced
   (``--pair-candles``, 20,000 per pair); ``--ten-pairs`` (or OCTOBOT_BENCH_TEN_PAIRS=1) runs a year of 1m
   on each pair (5.3 million candles; the data file is written once to a cache folder under the temp dir).
Checks, outside the timing: the trade counts of ours and backtrader agree within 2 % (case 1: the pair;
case 2: the first pair, whose series is case 1's).

Each engine runs --repeat times (3), rounds interleaved, and keeps its fastest run (engine_run.best_of).

Run: python benchmarks/bench_default_profile.py [--candles N] [--pair-candles N | --ten-pairs] [--repeat N]
[--json PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from baselines import backtrader_rules
from engine_run import DEFAULT_REPEAT, EngineRun, best_of, check_trade_counts, json_row, print_runs
from long_series import YEAR_OF_MINUTES, chained_series, pair_series
from our_backtest import (
    build_label,
    builtin_profile,
    run_profile,
    run_profile_isolated,
    write_data_file,
    write_profile,
)

TIME_FRAME = "1m"
PAIRS = [f"{base}/USDT" for base in ("BTC", "ETH", "LTC", "XRP", "ADA", "XLM", "DASH", "XMR", "ZEC", "ETC")]
TOLERANCE = 0.02
#: bump when the way the cached data files are built changes
CACHE_VERSION = 1


def cache_folder() -> Path:
    """Where the large data files are kept between runs (both builds read the same file)."""
    folder = Path(tempfile.gettempdir()) / "octobot-benchmarks" / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_profile_setup(
    scratch: Path, pairs: list[str]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], Path]:
    """The default profile on ``pairs`` and 1m: (profile.json, tentacle configs, the profile folder)."""
    profile, tentacles = builtin_profile("default", scratch)
    profile.update(name=f"bench-default-{len(pairs)}", pairs=pairs, time_frames=[TIME_FRAME])
    folder = write_profile(scratch / f"default-{len(pairs)}", profile, tentacles)
    return profile, tentacles, folder


def fee_and_cash(profile: dict[str, Any]) -> tuple[float, float]:
    simulator = profile["simulator"]
    fees = simulator["fees"]
    if fees["maker_percent"] != fees["taker_percent"]:
        raise ValueError("the backtrader baseline charges one fee rate: give maker and taker the same")
    return fees["maker_percent"] / 100.0, float(simulator["starting_portfolio"][profile["reference_market"]])


def one_pair(count: int, scratch: Path, repeat: int) -> tuple[EngineRun, EngineRun | None]:
    profile, tentacles, folder = default_profile_setup(scratch, PAIRS[:1])
    candles = chained_series(count)
    data = write_data_file(scratch / "default-1.data", {PAIRS[0]: candles})
    fee, cash = fee_and_cash(profile)
    runs = best_of(
        repeat,
        {
            "octobot": lambda: run_profile(folder, data),
            "backtrader": lambda: backtrader_rules.run_default_profile_rules(candles, fee, cash, tentacles),
        },
    )
    ours = runs["octobot"]
    assert ours is not None
    return ours, runs["backtrader"]


def ten_pairs(pair_candles: int, scratch: Path, repeat: int) -> tuple[EngineRun, float, EngineRun | None]:
    profile, tentacles, folder = default_profile_setup(scratch, PAIRS)
    data = cache_folder() / f"ten-pairs-{pair_candles}-v{CACHE_VERSION}.data"
    if not data.exists():
        print(f"writing {len(PAIRS)} x {pair_candles:,} candles to {data} (once)", flush=True)
        # written aside, then renamed: another run (another build, another worktree) never reads half
        partial = data.with_name(f"{data.name}.{os.getpid()}.partial")
        write_data_file(partial, pair_series(PAIRS, pair_candles))
        os.replace(partial, data)
    fee, cash = fee_and_cash(profile)
    first_pair = chained_series(pair_candles)  # the first pair's series (pair_series' variant 0)
    imports: list[float] = []

    def isolated() -> EngineRun:
        run, imports_mb = run_profile_isolated(folder, data)
        imports.append(imports_mb)
        return run

    runs = best_of(
        repeat,
        {
            "octobot": isolated,
            "backtrader": lambda: backtrader_rules.run_default_profile_rules(
                first_pair, fee, cash, tentacles
            ),
        },
    )
    ours = runs["octobot"]
    assert ours is not None
    return ours, max(imports), runs["backtrader"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candles", type=int, default=50_000, help="1-pair case: series length")
    parser.add_argument("--pair-candles", type=int, default=20_000, help="10-pair case: candles per pair")
    parser.add_argument(
        "--ten-pairs", action="store_true", help="10-pair case on a year of 1m per pair (long)"
    )
    parser.add_argument("--json", help="write the figures for tools/bench.py")
    parser.add_argument(
        "--repeat", type=int, default=DEFAULT_REPEAT, help="rounds per engine (interleaved; the fastest kept)"
    )
    args = parser.parse_args()
    if args.ten_pairs or os.environ.get("OCTOBOT_BENCH_TEN_PAIRS") == "1":
        args.pair_candles = YEAR_OF_MINUTES
    logging.disable(logging.INFO)  # the trading mode logs each decision: time the chain, not the log

    failures: list[str] = []
    rows = []
    with tempfile.TemporaryDirectory(prefix="octobot-bench-") as scratch:
        ours, theirs = one_pair(args.candles, Path(scratch) / "one", args.repeat)
        print(f"octobot ({build_label()} build), backtrader {backtrader_rules.backtrader_version()}")
        baselines = [theirs] if theirs else []
        print_runs(f"default profile, 1 pair, {args.candles:,} chained real 1m candles", [ours, *baselines])
        rows.append(
            json_row(
                f"default profile, 1 pair, {args.candles:,} 1m", ours, baselines, targets={"compiled": 10}
            )
        )
        if theirs and (problem := check_trade_counts(ours, theirs, TOLERANCE)):
            failures.append(f"default profile, 1 pair: {problem}")

        many, imports_mb, reference = ten_pairs(args.pair_candles, Path(scratch) / "ten", args.repeat)
    title = f"default profile, {len(PAIRS)} pairs x {args.pair_candles:,} 1m candles"
    print(f"\n{title} (all pairs together, in a process running only this backtest)")
    print(
        f"  ours: {many.candles:,} candles in {many.seconds:.2f} s = {many.candles_per_s:,.0f} candles/s; "
        f"{many.trades} trades; final equity {many.final_equity:,.2f}"
    )
    print(
        f"  peak memory (VmHWM) {many.peak_memory_mb:,.0f} MB, of which {imports_mb:,.0f} MB before "
        "the backtest (interpreter and imports)"
    )
    if reference:
        print(
            f"  backtrader on the first pair alone: {reference.candles_per_s:,.0f} candles/s "
            f"-> ours, all pairs together: {many.candles_per_s / reference.candles_per_s:.2f}x"
        )
        pair_trades = many.extra["trades_by_symbol"].get(PAIRS[0], 0)
        first = EngineRun("octobot", many.seconds, reference.candles, pair_trades, many.final_equity)
        print(f"  trades on {PAIRS[0]}: ours {pair_trades}, backtrader {reference.trades}")
        if problem := check_trade_counts(first, reference, TOLERANCE):
            failures.append(f"{title}, {PAIRS[0]}: {problem}")
    rows.append(
        json_row(
            title,
            many,
            [EngineRun("backtrader 1 pair", reference.seconds, reference.candles, reference.trades, 0.0)]
            if reference
            else [],
            targets={"compiled": 5},
            memory_mb=many.peak_memory_mb,
            memory_limit_mb=1024,
        )
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"package": "octobot", "compiled": build_label() == "compiled", "rows": rows})
        )
    for problem in failures:
        print(f"CHECK FAILED: {problem}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
