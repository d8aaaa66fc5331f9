"""Every built-in profile (one per trading mode), each on a long series of real candles at its price level.

Why: the catalogue must be fast, not only the default profile. Each profile runs as a user gets it
(`octobot profiles copy NAME`) through `run_backtest`. Its data: the real file `octobot backtest
--data-dir` picks for it in the shared data gives the price level of each pair; the candles are the
chained real 1m series of long_series.py (a different variant per pair), rescaled to that level, stamped
on the profile's smallest time frame and resampled to its other time frames (so a grid laid around the
real price trades, and every candle's shape is real). Shared data files are too short to time (500
candles: start-up would dominate).
Baseline, measured in the same run: backtrader running the RSI rules of bench_backtest.py on the candles
of the first pair at the smallest time frame, the cost of a plain single-indicator backtest on them.
Ours counts every candle the replay pushes (all pairs, all time frames). A profile that cannot run on
candles alone (it needs order books or a signal source) is listed with the reason `octobot backtest`
gives.

Run: python benchmarks/bench_profiles.py [--candles N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path

import numpy as np
from baselines import backtrader_rules
from engine_run import EngineRun, json_row, print_runs
from long_series import START_MS, chained_series, shared_data_folder
from our_backtest import build_label, builtin_profile, run_profile, write_profile

import octobot
import octobot_backtesting as ob
import octobot_trading as ot
from octobot.data_discovery import find_backtest_data
from octobot.errors import OctoBotError

FEE = 0.001
STARTING_QUOTE = 10_000.0


def write_long_data(profile: octobot.Profile, real: Path, count: int, path: Path) -> np.ndarray:
    """The data file of the module docstring at ``path``; the first pair's smallest-time-frame candles."""
    frames = ot.sort_time_frames(profile.time_frames)
    smallest = frames[0]
    first: np.ndarray | None = None
    with (
        ob.DataFileReader(real) as reader,
        ob.DataFileWriter(
            path, exchange=profile.exchanges[0], origin="benchmark: chained real candles"
        ) as writer,
    ):
        for variant, pair in enumerate(profile.pairs):
            level = float(reader.read_ohlcv(pair, str(smallest))[0, 1])
            candles = chained_series(count, variant=variant)
            candles[:, 1:5] *= level / candles[0, 1]
            candles[:, 0] = START_MS + smallest.ms * np.arange(len(candles), dtype=np.float64)
            writer.write_ohlcv(pair, str(smallest), candles)
            for larger in frames[1:]:
                writer.write_ohlcv(
                    pair, str(larger), ob.resample_candles(candles, str(smallest), str(larger)).candles
                )
            first = candles if first is None else first
    assert first is not None
    return first


def bench_profile(name: str, scratch: Path, count: int) -> tuple[EngineRun, EngineRun | None] | str:
    """(ours, backtrader) for the built-in profile ``name``, or why it cannot run on candles."""
    profile, tentacles = builtin_profile(name, scratch)
    folder = write_profile(scratch / name, profile, tentacles)
    home = octobot.UserHome.resolve(scratch / "home").ensure()
    loaded = octobot.load_profile(folder, registry=octobot.TentacleRegistry.discover())
    try:
        real = find_backtest_data(loaded, [shared_data_folder()], home)
        first = write_long_data(loaded, real, count, scratch / f"{name}.data")
        ours = run_profile(folder, scratch / f"{name}.data")
    except OctoBotError as error:
        return str(error).splitlines()[0]
    return ours, backtrader_rules.run_rsi_rules(first, FEE, STARTING_QUOTE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--candles", type=int, default=20_000, help="candles per pair at the smallest time frame"
    )
    parser.add_argument("--json", help="write the figures for tools/bench.py")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # modes log each decision: time the chain, not the log

    rows = []
    print(f"octobot ({build_label()} build), backtrader {backtrader_rules.backtrader_version()}")
    with tempfile.TemporaryDirectory(prefix="octobot-bench-profiles-") as scratch:
        for name in sorted(p.name for p in octobot.builtin_profiles_dir().iterdir() if p.is_dir()):
            outcome = bench_profile(name, Path(scratch), args.candles)
            if isinstance(outcome, str):
                print(f"\nprofile {name}: not backtestable on candles: {outcome}")
                continue
            ours, theirs = outcome
            baselines = [theirs] if theirs else []
            print_runs(
                f"profile {name}: {ours.trades} trades, every candle the replay pushes", [ours, *baselines]
            )
            rows.append(json_row(f"profile {name}, {args.candles:,} candles per pair", ours, baselines))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"package": "octobot", "compiled": build_label() == "compiled", "rows": rows})
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
