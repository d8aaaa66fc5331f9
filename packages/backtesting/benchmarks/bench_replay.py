"""Candles replayed per second through the exchange channels, one consumer per (symbol, time frame).

Run: ``python benchmarks/bench_replay.py [--json PATH]``.

The ten 20-day freqtrade BTC pairs at 5m (about 57,500 real candles, from ``OCTOBOT_SHARED_DATA``, default
``<repo>/../shared/data``), with 15m and 1h resampled from them, are imported into one data file and
replayed in synchronized mode into a simulated ExchangeManager on which one OHLCV consumer per (symbol,
time frame) counts what it receives. ``ours``: the whole replay (SQLite reads, clock, push_candle,
channel delivery, drain). Baselines in the same run on the same candles: the SQLite read alone, and a
bare loop handing each candle straight to its counter (no clock, no channel): the floor of any replay.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

import octobot_backtesting as ob
import octobot_channel as oc
import octobot_trading as ot

REPO_ROOT = Path(__file__).resolve().parents[3]
PAIRS = ("ETH", "LTC", "NXT", "XLM", "DASH", "XMR", "ZEC", "ETC", "TRX", "ADA")
TIME_FRAMES = ("5m", "15m", "1h")
REPEATS = 3


def _import(folder: Path) -> tuple[Path, list[str]]:
    data = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
    sources = [data / "freqtrade" / f"{pair}_BTC-5m.csv" for pair in PAIRS]
    missing = [str(path) for path in sources if not path.is_file()]
    if missing:
        raise SystemExit(f"real market data not found: {', '.join(missing)} (set OCTOBOT_SHARED_DATA)")
    destination = folder / "btc_pairs.sqlite"
    ob.import_files(sources, destination, exchange="binance", resample_to=TIME_FRAMES[1:])
    return destination, [f"{pair}/BTC" for pair in PAIRS]


async def _replay(path: Path, symbols: list[str]) -> int:
    with ob.DataFileReader(path) as reader:
        first = reader.description.first_timestamp_ms
    clock, sync = ob.SimulatedClock(first), oc.Synchronizer()
    markets = ot.Markets(
        {symbol: ot.MarketRules.default(symbol) for symbol in symbols}, exchange_id="binance"
    )
    manager = ot.ExchangeManager("binance", markets, portfolio={"BTC": 1}, clock=clock, synchronizer=sync)
    received = 0

    async def count(message: dict) -> None:
        nonlocal received
        received += 1

    async with manager:
        channel = manager.get_channel("OHLCVChannel")
        for symbol in symbols:
            for time_frame in TIME_FRAMES:
                await channel.new_consumer(count, filters={"symbol": symbol, "time_frame": time_frame})
        feed = ob.ReplayFeed(manager, path, symbols, list(TIME_FRAMES))
        result = await ob.Replay([feed], clock=clock, synchronizer=sync, validate=False).run()
    assert received == result.candles_pushed, (received, result.candles_pushed)
    return result.candles_pushed


def _read_all(path: Path, symbols: list[str]) -> list:
    with ob.DataFileReader(path) as reader:
        return [reader.read_ohlcv(symbol, tf) for symbol in symbols for tf in TIME_FRAMES]


def _bare_loop(series: list) -> int:
    counts = [0] * len(series)
    for index, candles in enumerate(series):
        for _ in candles.tolist():
            counts[index] += 1
    return sum(counts)


def _best(run, *args) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(REPEATS):
        began = time.perf_counter()
        count = run(*args)
        best = min(best, time.perf_counter() - began)
    return best, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the figures for tools/bench.py")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path, symbols = _import(Path(scratch))
        replay_s, candles = _best(lambda: asyncio.run(_replay(path, symbols)))
        read_s, _ = _best(_read_all, path, symbols)
        series = _read_all(path, symbols)
        bare_s, stored = _best(_bare_loop, series)
    compiled = ob.COMPILED and oc.COMPILED and ot.COMPILED
    # the replay window is the common part of the series: a few candles less than stored
    rates = {
        "replay through the channels": candles / replay_s,
        "SQLite read alone": stored / read_s,
        "bare loop": stored / bare_s,
    }
    shape = f"{len(symbols)} symbols x {len(TIME_FRAMES)} time frames"
    print(f"{candles:,} candles replayed ({stored:,} stored), {shape} (compiled={compiled})")
    for label, rate in rates.items():
        print(f"  {label:<30} {rate:>12,.0f} candles/s")
    if args.json:
        ours = rates.pop("replay through the channels")
        row = {"case": f"replay, {shape}", "unit": "candles/s", "ours": ours, "baselines": rates}
        result = {"package": "octobot-backtesting", "compiled": compiled, "rows": [row]}
        Path(args.json).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
