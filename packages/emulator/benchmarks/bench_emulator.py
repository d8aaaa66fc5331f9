"""Exchange emulator throughput: replay steps per second with resting orders, and signed order round
trips per second through ccxt's real binance client.

Baselines measured in the same run: steps with no order (the replay alone), and unsigned ping round trips
through the same ccxt client (HTTP + ccxt overhead without signing, matching or JSON order bodies).

    python benchmarks/bench_emulator.py
"""

from __future__ import annotations

import asyncio
import os
import time
from decimal import Decimal
from pathlib import Path

import ccxt.async_support as ccxt_async

from octobot_exchange_emulator import ExchangeEmulator, load_candles

DATA = Path(
    os.environ.get("OCTOBOT_SHARED_DATA", Path(__file__).resolve().parents[3].parent / "shared" / "data")
)
CANDLES = DATA / "freqtrade" / "ETH_BTC-5m.csv"
STEPS = 2000
ORDERS = 100
ROUND_TRIPS = 300


async def steps_per_second(resting_orders: int) -> float:
    async with ExchangeEmulator(
        {"ETH/BTC": load_candles(CANDLES)}, balances={"BTC": Decimal(10**6)}, history=100
    ) as emu:
        spec = emu.markets["ETH/BTC"]
        price = emu.last_price("ETH/BTC")
        for i in range(resting_orders):  # far below the market: checked on every move, never filled
            level = ((price / 4) / spec.tick_size).to_integral_value() * spec.tick_size - i * spec.tick_size
            emu.account.place(
                {
                    "symbol": "ETHBTC",
                    "side": "BUY",
                    "type": "LIMIT",
                    "timeInForce": "GTC",
                    "quantity": "1",
                    "price": str(level),
                },
                price,
                emu.now_ms,
            )
        start = time.perf_counter()
        await emu.advance(STEPS)
        return STEPS / (time.perf_counter() - start)


async def round_trips_per_second() -> tuple[float, float]:
    async with ExchangeEmulator(
        {"ETH/BTC": load_candles(CANDLES)}, balances={"BTC": Decimal(10**6)}, history=100
    ) as emu:
        exchange = ccxt_async.binance({**emu.ccxt_config(), "enableRateLimit": False})
        try:
            await exchange.load_markets()
            start = time.perf_counter()
            for _ in range(ROUND_TRIPS):
                await exchange.public_get_ping()
            pings = ROUND_TRIPS / (time.perf_counter() - start)
            low = float(emu.last_price("ETH/BTC") / 2)
            start = time.perf_counter()
            for _ in range(ROUND_TRIPS // 2):
                order = await exchange.create_order("ETH/BTC", "limit", "buy", 1, low)
                await exchange.cancel_order(order["id"], "ETH/BTC")
            orders = ROUND_TRIPS / (time.perf_counter() - start)
            return pings, orders
        finally:
            await exchange.close()


async def main() -> None:
    if not CANDLES.is_file():
        raise SystemExit(f"market data not found at {CANDLES}: set OCTOBOT_SHARED_DATA")
    bare = await steps_per_second(0)
    loaded = await steps_per_second(ORDERS)
    pings, orders = await round_trips_per_second()
    rows = [
        (
            f"advance() steps/s, {ORDERS} resting orders",
            loaded,
            f"steps/s, no order: {bare:,.0f}",
            loaded / bare,
        ),
        (
            "signed order requests/s (create+cancel)",
            orders,
            f"ping round trips/s: {pings:,.0f}",
            orders / pings,
        ),
    ]
    print(f"{'measure':45} {'value':>10}  {'baseline':32} {'ratio':>6}")
    for name, value, baseline, ratio in rows:
        print(f"{name:45} {value:>10,.0f}  {baseline:32} {ratio:>6.2f}")


if __name__ == "__main__":
    asyncio.run(main())
