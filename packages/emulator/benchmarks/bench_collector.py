"""Candles collected per second from a loopback Binance-like server, against a hand-written ccxt loop.

Run: ``python benchmarks/bench_collector.py [--json PATH] [--quick]``.

Both sides use ccxt's binance client pointed at the same loopback server (octobot_trading's
``BinanceLikeServer``) serving real freqtrade 5m candles (``OCTOBOT_SHARED_DATA``), with the rate limiter on
and ``rateLimit`` lowered to 1 ms (a real exchange would make both wait the same), 1,000 candles per
request, and end with the same data file written by ``DataFileWriter``.

``ours``: ``collect_ohlcv`` (symbol/time-frame checks, every page committed to the staging file for resume,
gap report, then the data file). Baseline: a plain loop of ``exchange.fetch_ohlcv(since, limit)`` keeping
pages in memory, then the data file; no resume, no retry. The ratio is the price of resumability.
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

import numpy as np

try:
    import octobot_backtesting as ob
except ImportError:  # running from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "backtesting"))
    import octobot_backtesting as ob
import ccxt.async_support as ccxt_async

from octobot_exchange_emulator import BinanceLikeServer
from octobot_trading.ccxt_connector import CcxtMarketData

REPO_ROOT = Path(__file__).resolve().parents[3]
PAIRS = ("ETH_BTC", "LTC_BTC", "XLM_BTC", "NXT_BTC", "DASH_BTC", "XMR_BTC", "ZEC_BTC", "ETC_BTC")
LIMIT = 1000
CONFIG = {"rateLimit": 1}


def shared_data() -> Path:
    return Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def load(pairs: tuple[str, ...]) -> dict[tuple[str, str], np.ndarray]:
    folder = shared_data() / "freqtrade"
    return {(pair.replace("_", "/"), "5m"): ob.read_csv_candles(folder / f"{pair}-5m.csv") for pair in pairs}


async def ours(server: BinanceLikeServer, symbols: list[str], start: int, end: int, path: Path) -> int:
    async with CcxtMarketData("binance", config={**server.ccxt_config(), **CONFIG}) as connector:
        result = await ob.collect_ohlcv(
            path,
            exchange="binance",
            symbols=symbols,
            time_frames=["5m"],
            start_ms=start,
            end_ms=end,
            connector=connector,
            page_limit=LIMIT,
            progress=False,
        )
    return sum(series.candles for series in result.series)


async def baseline(server: BinanceLikeServer, symbols: list[str], start: int, end: int, path: Path) -> int:
    exchange = ccxt_async.binance({**server.ccxt_config(), **CONFIG, "enableRateLimit": True})
    pages: dict[str, list[list]] = {}
    try:
        for symbol in symbols:
            since = start
            while since < end:
                rows = await exchange.fetch_ohlcv(symbol, "5m", since, LIMIT)
                rows = [row for row in rows if row[0] < end]
                if not rows:
                    break
                pages.setdefault(symbol, []).extend(rows)
                since = rows[-1][0] + 300_000
    finally:
        await exchange.close()
    with ob.DataFileWriter(path, exchange="binance", origin="baseline") as writer:
        return sum(writer.write_ohlcv(s, "5m", np.array(rows, dtype=np.float64)) for s, rows in pages.items())


async def measure(pairs: tuple[str, ...], repeats: int) -> dict:
    candles = load(pairs)
    symbols = [symbol for symbol, _ in candles]
    start = int(min(c[0, 0] for c in candles.values()))
    end = int(max(c[-1, 0] for c in candles.values())) + 1
    best = {"ours": float("inf"), "baseline": float("inf")}
    counts = {}
    async with BinanceLikeServer(candles) as server:
        with tempfile.TemporaryDirectory() as folder:
            for repeat in range(repeats):
                for name, run in (("ours", ours), ("baseline", baseline)):
                    path = Path(folder) / f"{name}-{repeat}.data"
                    began = time.perf_counter()
                    counts[name] = await run(server, symbols, start, end, path)
                    best[name] = min(best[name], time.perf_counter() - began)
    assert counts["ours"] == counts["baseline"], counts
    return {
        "case": f"{len(pairs)} pairs x 5m ({counts['ours']:,} candles)",
        "ours": counts["ours"] / best["ours"],
        "baseline": counts["baseline"] / best["baseline"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--quick", action="store_true", help="one pair, one repetition")
    args = parser.parse_args()
    logging.getLogger("octobot_backtesting").setLevel(logging.ERROR)  # the DASH/XMR/ZEC gaps are expected
    if not (shared_data() / "freqtrade").is_dir():
        print(f"real data not found at {shared_data()}: set OCTOBOT_SHARED_DATA")
        return
    cases = [(PAIRS[:1], 1)] if args.quick else [(PAIRS[:1], 3), (PAIRS, 2)]
    rows = [asyncio.run(measure(pairs, repeats)) for pairs, repeats in cases]
    header = f"{'case':<36} {'ours (candles/s)':>17} {'plain ccxt loop':>16} {'ratio':>6}"
    print(f"octobot-backtesting collector, compiled={ob.COMPILED}")
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = row["ours"] / row["baseline"]
        print(f"{row['case']:<36} {row['ours']:>17,.0f} {row['baseline']:>16,.0f} {ratio:>6.2f}")
    if args.json:
        args.json.write_text(
            json.dumps({"package": "octobot-backtesting", "compiled": ob.COMPILED, "rows": rows})
        )


if __name__ == "__main__":
    main()
