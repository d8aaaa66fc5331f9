"""Live trading benchmark: stop reaction time through the exchange emulator, and state-store writes.

1. A stop-limit sell rests on the emulator (real ccxt client, websockets); the emulator closes a candle
   whose low crosses the stop; timed from that step until the bot's fill is committed to its state file
   (own-orders stream -> live connector -> account -> recorder -> SQLite). Median and p99 over the trials.
2. State-store writes per second (one transaction per state change: an order record and the portfolio),
   against plain sqlite3 inserts of the same rows in the same WAL mode (the baseline, measured here).

Run: python benchmarks/bench_live.py [--trials N] [--writes N] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sqlite3
import statistics
import tempfile
import time
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import octobot_trading as ot
from octobot_exchange_emulator import ExchangeEmulator, load_candles
from octobot_trading.ccxt_connector import CcxtLiveConnector, Credentials, LiveFeed

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
PAIR = "ETH/BTC"
HISTORY = 200


def _floor(price: Decimal, step: Decimal) -> Decimal:
    return (price / step).to_integral_value(rounding=ROUND_DOWN) * step


async def stop_latencies(trials: int, folder: Path) -> list[float]:
    candles = load_candles(DATA / "freqtrade" / "ETH_BTC-5m.csv")
    balances = {"BTC": Decimal("10"), "ETH": Decimal("1000")}
    latencies: list[float] = []
    async with ExchangeEmulator(
        {PAIR: candles}, balances=balances, history=HISTORY, server_clock="market"
    ) as emu:
        config = emu.ccxt_config()
        config.pop("apiKey")
        config.pop("secret")
        connector = CcxtLiveConnector(
            "binance", credentials=Credentials(emu.api_key, emu.secret), config=config
        )
        await connector.start()
        manager = ot.LiveExchangeManager(
            connector, await connector.markets(), state_path=folder / "bench.sqlite"
        )
        await manager.start()
        feed = LiveFeed(connector, [PAIR], ticker=False, orders=True, on_order=manager.on_exchange_order)
        feed.on_mode_change = manager.on_mode_change
        await feed.start(manager)
        recorded = asyncio.Event()

        def on_saved(change: ot.StateChange, new_trades: int) -> None:
            if new_trades:
                recorded.set()

        assert manager.recorder is not None
        manager.recorder.on_saved = on_saved
        tick = emu.markets[PAIR].tick_size
        index = HISTORY
        try:
            while len(latencies) < trials and index < len(candles) - 1:
                price = emu.last_price(PAIR)
                low = Decimal(repr(float(candles[index, 3])))
                if low >= price - 2 * tick:
                    await emu.advance(1)
                    index += 1
                    continue
                stop = _floor(low, tick) + tick
                order = await manager.trader.create_order(
                    PAIR, "sell", "stop_limit", "0.1", price=stop - 50 * tick, trigger_price=stop
                )
                await manager.order_connector.join()
                recorded.clear()
                started = time.perf_counter()
                await emu.advance(1)
                index += 1
                await asyncio.wait_for(recorded.wait(), 60)
                latencies.append(time.perf_counter() - started)
                if order.is_active:
                    await manager.trader.cancel_order(order)
                    await manager.order_connector.join()
        finally:
            await feed.stop()
            await manager.stop()
            await connector.stop()
    return latencies


def _change(i: int) -> ot.StateChange:
    record = {
        "id": f"bench-{i}",
        "exchange_id": "bench",
        "symbol": PAIR,
        "side": "buy",
        "kind": "limit",
        "status": "open",
        "amount": "0.1",
        "price": str(Decimal("0.08") + Decimal(i) / 10**8),
        "created_at": 1_700_000_000_000 + i,
        "chained": [],
    }
    portfolio = {
        "timestamp": None,
        "balances": {"BTC": {"total": "1", "available": str(Decimal(1) - Decimal(i) / 10**6)}},
    }
    return ot.StateChange(orders=[record], portfolio=portfolio)


async def store_writes(count: int, folder: Path) -> float:
    changes = [_change(i) for i in range(count)]
    async with ot.StateStore(folder / "writes.sqlite") as store:
        started = time.perf_counter()
        for change in changes:
            await store.write(change)
        return count / (time.perf_counter() - started)


def sqlite_writes(count: int, folder: Path) -> float:
    """Baseline: the same rows with plain sqlite3, one transaction per change, same WAL settings."""
    changes = [_change(i) for i in range(count)]
    connection = sqlite3.connect(folder / "plain.sqlite", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE orders (id TEXT PRIMARY KEY, symbol TEXT, open INTEGER, record TEXT)")
    connection.execute("CREATE TABLE portfolio (id INTEGER PRIMARY KEY, snapshot TEXT)")
    started = time.perf_counter()
    for change in changes:
        record = change.orders[0]
        connection.execute("BEGIN")
        connection.execute(
            "INSERT OR REPLACE INTO orders VALUES (?, ?, 1, ?)",
            (record["id"], record["symbol"], json.dumps(record)),
        )
        connection.execute("INSERT OR REPLACE INTO portfolio VALUES (1, ?)", (json.dumps(change.portfolio),))
        connection.execute("COMMIT")
    rate = count / (time.perf_counter() - started)
    connection.close()
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30, help="stop crossings timed")
    parser.add_argument("--writes", type=int, default=3000, help="state changes written")
    parser.add_argument("--json", help="write the figures for tools/bench.py")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # each order action is logged: time the path, not the log
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        latencies = asyncio.run(stop_latencies(args.trials, path))
        ours = asyncio.run(store_writes(args.writes, path))
        plain = sqlite_writes(args.writes, path)
    latencies.sort()
    median_ms = statistics.median(latencies) * 1000
    p99_ms = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(f"octobot-trading {ot.__version__} (compiled: {ot.COMPILED})")
    print(
        f"stop crossing -> fill committed ({len(latencies)} trials): "
        f"median {median_ms:.1f} ms, p99 {p99_ms:.1f} ms"
    )
    print(f"{'':<34}{'writes/s':>10}")
    print(f"{'StateStore.write (1 tx/change)':<34}{ours:>10,.0f}")
    print(f"{'plain sqlite3 (baseline)':<34}{plain:>10,.0f}")
    print(f"ratio ours/baseline: {ours / plain:.2f}")
    rows = [
        {"case": "stop crossing to fill recorded, median", "unit": "ms", "ours": median_ms, "baselines": {}},
        {"case": "stop crossing to fill recorded, p99", "unit": "ms", "ours": p99_ms, "baselines": {}},
        {
            "case": "state store writes",
            "unit": "writes/s",
            "ours": ours,
            "baselines": {"plain sqlite3": plain},
        },
    ]
    if args.json:
        Path(args.json).write_text(json.dumps({"package": "octobot", "compiled": ot.COMPILED, "rows": rows}))
    return 0 if latencies else 1


if __name__ == "__main__":
    raise SystemExit(main())
