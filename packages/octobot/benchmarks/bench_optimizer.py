"""The strategy optimizer: how its executors scale and what a trial costs beyond its backtest.

The default profile on chained real 1m candles (long_series.chained_series), a space of four settings
that every value of keeps valid (so every trial runs a backtest), the random sampler, all in sample.

Cases, each from one run (throughputs: higher is better):
1. many short backtests (``--trials`` x ``--short-candles``): the local pool with 2 workers against
   one worker (serial, in this process); target 1.8x;
2. the same trials on a Dask LocalCluster of 2 worker processes (started and warmed up, with octobot
   imported, before the timing, as a running cluster is) against serial; target 1.6x;
3. per-trial overhead: ``--long-trials`` trials of a ``--long-candles`` backtest run by a serial study
   (settings applied, profile loaded, figures, sampler, store) against the same backtests run directly
   with `run_backtest` on the loaded profile; the ratio is backtest / (backtest + overhead): 0.91 or more
   means an overhead under 10 %.
Checks: the pool, the cluster and serial give the same trials (their digest must match between builds).

Run: python benchmarks/bench_optimizer.py [--trials N] [--short-candles N] [--long-candles N] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from long_series import chained_series
from our_backtest import build_label, builtin_profile, write_data_file, write_profile

import octobot
from octobot.backtest import run_backtest
from octobot.optimizer.space import split_settings

SPACE = {
    "RSIMomentumEvaluator": {"period": {"low": 7, "high": 28}},
    "DoubleMovingAverageTrendEvaluator": {"sensitivity": {"low": 0.005, "high": 0.03, "step": 0.005}},
    "DailyTradingMode": {
        "cancel_open_orders": {"type": "boolean"},
        "limit_offset_percent": {"low": 0.1, "high": 1.0, "step": 0.1},
    },
}


def _setup(scratch: Path, candles: int) -> tuple[octobot.UserHome, Path, Path]:
    home = octobot.UserHome(scratch / "home").ensure()
    profile, tentacles = builtin_profile("default", scratch)
    profile.update(name="bench-optimizer", time_frames=["1m"])
    write_profile(home.profiles / "bench-optimizer", profile, tentacles)
    data = write_data_file(scratch / f"btc-{candles}.data", {"BTC/USDT": chained_series(candles)})
    space = scratch / "space.json"
    space.write_text(json.dumps(SPACE))
    return home, data, space


def _options(data: Path, space: Path, store: Path, trials: int, **extra: Any) -> octobot.StudyOptions:
    return octobot.StudyOptions(
        profile="bench-optimizer",
        data=[data],
        space=space,
        trials=trials,
        sampler="random",
        test_share=0,
        store=store,
        **extra,
    )


def _timed(home: octobot.UserHome, options: octobot.StudyOptions, **extra: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    result = octobot.run_study(options, home=home, **extra)
    seconds = time.perf_counter() - began
    if result.executed != options.trials:
        raise RuntimeError(f"expected {options.trials} backtests, ran {result.executed}")
    return seconds, result


def _digest(result: Any) -> str:
    trials = [(t["settings"], t["objectives"]) for t in result.trials]
    return hashlib.sha256(json.dumps(trials, sort_keys=True).encode()).hexdigest()[:16]


def _scaling_row(case: str, seconds: float, result: Any, serial_s: float, serial: Any, target: float) -> dict:
    trials = len(result.trials)
    return {
        "case": case,
        "unit": "trials/s",
        "ours": trials / seconds,
        "baselines": {"one worker (serial)": trials / serial_s},
        "targets": {"compiled": target, "pure": target},
        "check": {"digest": _digest(result), "same_as_serial": _digest(result) == _digest(serial)},
    }


def scaling(scratch: Path, trials: int, candles: int) -> list[dict[str, Any]]:
    home, data, space = _setup(scratch / "short", candles)
    serial_s, serial = _timed(home, _options(data, space, scratch / "serial.sqlite", trials, workers=1))
    pool_s, pool = _timed(home, _options(data, space, scratch / "pool.sqlite", trials, workers=2))
    rows = []
    case = f"optimizer: {trials} trials x {candles:,} 1m candles"
    print(
        f"{case}\n  serial {serial_s:.2f} s, local pool (2 workers) {pool_s:.2f} s "
        f"-> {serial_s / pool_s:.2f}x"
    )
    rows.append(_scaling_row(f"{case}, local pool 2 workers vs one", pool_s, pool, serial_s, serial, 1.8))
    try:
        import dask
        import distributed
    except ImportError:
        print("  Dask distributed is not installed: no cluster case (pip install distributed)")
        return rows
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(__import__, "octobot.optimizer.worker")  # a running cluster has its imports done
        dask_s, on_cluster = _timed(
            home, _options(data, space, scratch / "dask.sqlite", trials), client=client
        )
    print(f"  Dask LocalCluster (2 workers) {dask_s:.2f} s -> {serial_s / dask_s:.2f}x serial")
    rows.append(
        {
            "case": f"{case}, Dask LocalCluster 2 workers vs serial",
            "unit": "trials/s",
            "ours": trials / dask_s,
            "baselines": {"serial": trials / serial_s},
            "targets": {"compiled": 1.6, "pure": 1.6},
            "check": {
                "digest": _digest(on_cluster),
                "same_as_serial": _digest(on_cluster) == _digest(serial),
            },
        }
    )
    return rows


def overhead(scratch: Path, trials: int, candles: int) -> dict[str, Any]:
    """Each trial's wall time in a serial study (from one finished trial to the next: ask, settings
    applied, profile loaded, backtest, figures, store, tell) against the same backtest run directly; the
    first trial (which also unpacks the job) and the study's setup are reported apart."""
    home, data, space = _setup(scratch / "long", candles)
    finished: list[float] = []
    began = time.perf_counter()
    _, result = _timed(
        home,
        _options(data, space, scratch / "long.sqlite", trials + 1, workers=1),
        progress=lambda progress: finished.append(time.perf_counter()),
    )
    registry = octobot.TentacleRegistry.discover(home.tentacles)
    base = octobot.load_profile("bench-optimizer", registry, home)
    direct: list[float] = []
    for trial in result.trials:
        profile_changes, tentacle_changes = split_settings(trial["settings"], base)
        profile = octobot.load_profile(
            "bench-optimizer",
            registry,
            home,
            profile_changes=profile_changes,
            tentacle_changes=tentacle_changes,
        )
        started = time.perf_counter()
        asyncio.run(run_backtest(profile, [data]))
        direct.append(time.perf_counter() - started)
    in_study = [later - earlier for earlier, later in itertools.pairwise(finished)]
    backtests = sum(direct[1:])
    per_trial = (sum(in_study) - backtests) / trials
    setup = finished[0] - began - direct[0]
    print(
        f"optimizer: {trials} trials of a {candles:,}-candle backtest (after the first): "
        f"{sum(in_study):.2f} s in the study, the same backtests directly {backtests:.2f} s -> overhead "
        f"{per_trial * 1000:.0f} ms per trial ({per_trial / (backtests / trials):.1%} of a backtest); "
        f"study setup and the first trial's unpacking of the job: {setup:.2f} s once"
    )
    return {
        "case": f"optimizer: per-trial overhead, {candles:,}-candle backtests (backtest / trial)",
        "unit": "trials/s",
        "ours": trials / sum(in_study),
        "baselines": {"the backtests alone": trials / backtests},
        "targets": {"compiled": 0.91, "pure": 0.91},
        "check": {"digest": _digest(result)},
        "study_setup_s": setup,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40, help="scaling cases: trials")
    parser.add_argument("--short-candles", type=int, default=1_000, help="scaling cases: 1m candles")
    parser.add_argument("--long-trials", type=int, default=4, help="overhead case: trials")
    parser.add_argument("--long-candles", type=int, default=10_000, help="overhead case: 1m candles")
    parser.add_argument("--json", help="write the figures for tools/bench.py")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # decisions and gap warnings of every trial: time the study
    print(f"octobot optimizer ({build_label()} build), load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="octobot-bench-optimizer-") as scratch:
        rows = scaling(Path(scratch), args.trials, args.short_candles)
        rows.append(overhead(Path(scratch), args.long_trials, args.long_candles))
    failed = [row["case"] for row in rows if row["check"].get("same_as_serial") is False]
    for case in failed:
        print(f"!!! {case}: not the serial results")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"package": "octobot", "compiled": build_label() == "compiled", "rows": rows}, indent=2
            )
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
