"""Backtest throughput of the whole bot versus the bare replay of the same candles.

Baseline: the replay pushing the candles into ExchangeManagers with nothing else wired (the cost of the
data path). Measured: `octobot.backtest.run_backtest` of the default profile's tentacles (RSI, double
moving average, simple strategy, DailyTradingMode) on the same file. The ratio is what the evaluation and
trading chain costs on top of the data path.

Run: python benchmarks/bench_chain_overhead.py [--json PATH]
(real data from OCTOBOT_SHARED_DATA, default ../shared/data)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import octobot
import octobot_backtesting as ob
import octobot_channel as oc
import octobot_evaluators as oe
import octobot_trading as ot
from octobot.backtest import run_backtest
from octobot.exchange_factory import create_simulated_exchange

PAIRS = ["ETH/BTC", "LTC/BTC", "XLM/BTC"]
TIME_FRAME = "5m"
REPEATS = 3


def _shared_data() -> Path:
    repo_root = Path(__file__).resolve().parents[3]
    return Path(os.environ.get("OCTOBOT_SHARED_DATA", repo_root.parent / "shared" / "data"))


def _prepare(folder: Path) -> tuple[octobot.Profile, Path]:
    sources = [_shared_data() / "freqtrade" / f"{pair.replace('/', '_')}-{TIME_FRAME}.csv" for pair in PAIRS]
    missing = [str(path) for path in sources if not path.is_file()]
    if missing:
        sys.exit(f"real market data not found: {', '.join(missing)} (set OCTOBOT_SHARED_DATA)")
    data_file = folder / "btc_pairs.sqlite"
    ob.import_files(sources, data_file, exchange="binance")
    home = octobot.UserHome.resolve(folder / "home").ensure()
    profile_dir = octobot.copy_profile("default", "bench", home)
    content = json.loads((profile_dir / "profile.json").read_text())
    content.update(
        pairs=PAIRS,
        time_frames=[TIME_FRAME],
        reference_market="BTC",
        simulator={"enabled": True, "starting_portfolio": {"BTC": 1}, "fees": {"maker_percent": 0.1}},
    )
    (profile_dir / "profile.json").write_text(json.dumps(content))
    return octobot.load_profile("bench", octobot.TentacleRegistry.discover(), home), data_file


async def _bare_replay(profile: octobot.Profile, data_file: Path) -> int:
    with ob.DataFileReader(data_file) as reader:
        first = reader.description.first_timestamp_ms
    clock, sync = ob.SimulatedClock(first), oc.Synchronizer()
    manager = create_simulated_exchange(profile, "binance", clock=clock, synchronizer=sync)
    async with manager:
        feed = ob.ReplayFeed(manager, data_file, profile.pairs, profile.time_frames)
        result = await ob.Replay([feed], clock=clock, synchronizer=sync).run()
    return result.candles_pushed


async def _full_backtest(profile: octobot.Profile, data_file: Path) -> int:
    outcome = await run_backtest(profile, [data_file])
    return outcome.replay.candles_pushed


def _best(run, *args) -> tuple[float, int]:
    best, candles = float("inf"), 0
    for _ in range(REPEATS):
        began = time.perf_counter()
        candles = asyncio.run(run(*args))
        best = min(best, time.perf_counter() - began)
    return best, candles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the figures for tools/bench.py")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the trading mode logs its decisions; keep the timing about the chain
    with tempfile.TemporaryDirectory() as scratch:
        profile, data_file = _prepare(Path(scratch))
        base_s, base_candles = _best(_bare_replay, profile, data_file)
        full_s, full_candles = _best(_full_backtest, profile, data_file)
    builds = ", ".join(
        f"{module.__name__}={'compiled' if module.COMPILED else 'pure'}" for module in (oc, ot, oe, ob)
    )
    print(f"backtest of {', '.join(PAIRS)} {TIME_FRAME}, best of {REPEATS} ({builds})")
    print(f"{'run':<44}{'candles':>9}{'seconds':>10}{'candles/s':>12}")
    for label, candles, seconds in (
        ("baseline: bare replay into ExchangeManager", base_candles, base_s),
        ("octobot: default profile, full chain", full_candles, full_s),
    ):
        print(f"{label:<44}{candles:>9}{seconds:>10.3f}{candles / seconds:>12.0f}")
    print(f"ratio (full / baseline time): {full_s / base_s:.2f}x")
    if args.json:
        row = {
            "case": f"default profile, {len(PAIRS)} pairs {TIME_FRAME}",
            "unit": "candles/s",
            "ours": full_candles / full_s,
            "baselines": {"bare replay": base_candles / base_s},
        }
        compiled = all(module.COMPILED for module in (oc, ot, oe, ob))
        Path(args.json).write_text(json.dumps({"package": "octobot", "compiled": compiled, "rows": [row]}))


if __name__ == "__main__":
    main()
