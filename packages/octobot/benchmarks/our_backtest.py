"""Our side of each benchmark case: its data file and profile written to a folder, then one backtest.

Why through files and the public API (`octobot.load_profile`, `octobot.backtest.run_backtest`): that is
what `octobot backtest` runs, so the figures are a user's. Writing the data file and loading the profile
are outside the timing; the timing covers `run_backtest` (replay, every candle through the channels,
orders, and the report).
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
from engine_run import EngineRun, results_digest

import octobot
import octobot_backtesting as ob
import octobot_channel as oc
import octobot_evaluators as oe
import octobot_trading as ot
from octobot.backtest import run_backtest

EXCHANGE = "binance"


def chain_compiled() -> bool:
    return all(package.COMPILED for package in (oc, ot, oe, ob))


def build_label() -> str:
    return "compiled" if chain_compiled() else "pure"


def write_data_file(path: Path, series: dict[str, np.ndarray], time_frame: str = "1m") -> Path:
    """One data file holding ``series`` (pair -> candles); written to a .part file, then renamed."""
    with ob.DataFileWriter(path, exchange=EXCHANGE, origin="benchmark: chained real 1m candles") as writer:
        for pair, candles in series.items():
            writer.write_ohlcv(pair, time_frame, candles)
    return path


def write_profile(folder: Path, profile: dict[str, Any], tentacles: dict[str, dict[str, Any]]) -> Path:
    """A profile folder: profile.json and one file per configured tentacle."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profile.json").write_text(json.dumps(profile))
    for name, config in tentacles.items():
        (folder / f"{name}.json").write_text(json.dumps(config))
    return folder


def builtin_profile(name: str, scratch: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A built-in profile's profile.json and tentacle configs, as `octobot profiles copy` gives them."""
    home = octobot.UserHome.resolve(scratch / "home").ensure()
    folder = octobot.copy_profile(name, f"bench-{name}", home)
    profile = json.loads((folder / "profile.json").read_text())
    tentacles = {
        path.stem: json.loads(path.read_text())
        for path in sorted(folder.glob("*.json"))
        if path.name != "profile.json"
    }
    return profile, tentacles


def run_profile(
    profile_folder: Path, data_file: Path, user_tentacles: Path | None = None, engine: str = "octobot"
) -> EngineRun:
    """One backtest of the profile in ``profile_folder`` on ``data_file``; tentacles of the user folder
    ``user_tentacles`` are loaded as `octobot` loads them (the user tentacle loader)."""
    registry = octobot.TentacleRegistry.discover(user_tentacles)
    if registry.errors:
        raise RuntimeError(f"tentacles failed to load: {registry.errors}")
    profile = octobot.load_profile(profile_folder, registry=registry)
    began = time.perf_counter()
    outcome = asyncio.run(run_backtest(profile, [data_file]))
    elapsed = time.perf_counter() - began
    report = outcome.report.to_dict()
    return EngineRun(
        engine,
        elapsed,
        outcome.replay.candles_pushed,
        len(report["trades"]),
        float(report["profitability"]["end_value"]),
        digest=results_digest(report["trades"], report["end_portfolio"]),
        peak_memory_mb=peak_rss_mb(),
        extra={"trades_by_symbol": _trades_by_symbol(report["trades"])},
    )


def run_profile_isolated(profile_folder: Path, data_file: Path) -> tuple[EngineRun, float]:
    """`run_profile` in a fresh process that runs only that backtest, so that its peak memory is the
    backtest's; returns the run and the memory the process held before the backtest (interpreter,
    imports)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_isolated, str(profile_folder), str(data_file)).result()


def _isolated(profile_folder: str, data_file: str) -> tuple[EngineRun, float]:
    logging.disable(logging.INFO)
    before = peak_rss_mb()
    return run_profile(Path(profile_folder), Path(data_file)), before


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB.

    VmHWM where /proc has it: Linux keeps ru_maxrss across exec, so a spawned process would report its
    parent's peak when that was higher; ru_maxrss (KiB on Linux) elsewhere.
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _trades_by_symbol(trades: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for trade in trades:
        counts[trade["symbol"]] = counts.get(trade["symbol"], 0) + 1
    return counts
