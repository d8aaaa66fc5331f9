"""Exchange simulator throughput.

Run: ``python benchmarks/bench_simulator.py [--json PATH] [--quick]`` (pure or compiled build, whichever
is importable; the table says which).

Cases:
- orders created + filled per second: through the whole stack (trader validation and precision, locks,
  simulator, fills, trades, portfolio, channels): 100 limit buys created, then one candle that fills
  them all; and one order per candle;
- price events per second with 10 and with 1,000 open orders on one symbol (orders rest away from the
  price, so each event only checks the heads of the sorted trigger lists): the ratio 1,000 / 10 shows
  the processing is not linear in the number of open orders.

Baselines, measured in the same run: a naive simulator that scans every open order on each price event
(the usual loop of simple backtesters; same Decimal prices, same order counts), and for orders created +
filled backtrader's broker (``pip install backtrader``, the ``bench`` extra; skipped when absent): limit
buys submitted on each bar and filled by the next one, with a commission, through its whole engine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from decimal import Decimal
from pathlib import Path

import ccxt

import octobot_trading as ot

SYMBOL = "BTC/USDT"
BACKTRADER = "backtrader broker (limit orders)"
H1 = 3_600_000
T0 = 1_700_000_000_000 - 1_700_000_000_000 % H1


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def now_ms(self) -> int:
        return self.now


def markets() -> ot.Markets:
    exchange = ccxt.binance()
    exchange.options["crossMarginPairsData"] = []
    exchange.options["isolatedMarginPairsData"] = []
    raw = {
        "symbol": "BTCUSDT",
        "status": "TRADING",
        "baseAsset": "BTC",
        "baseAssetPrecision": 8,
        "quoteAsset": "USDT",
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", "tickSize": "0.01"},
            {"filterType": "LOT_SIZE", "minQty": "0.00001", "maxQty": "9000", "stepSize": "0.00001"},
            {
                "filterType": "NOTIONAL",
                "minNotional": "5",
                "applyMinToMarket": True,
                "maxNotional": "9000000",
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
        ],
    }
    market = exchange.parse_market(raw)
    return ot.Markets.from_ccxt_markets({SYMBOL: market}, exchange.precisionMode, "binance")


async def new_manager(clock: Clock) -> ot.ExchangeManager:
    em = ot.ExchangeManager(
        "binance", markets(), portfolio={"USDT": Decimal(10) ** 12, "BTC": Decimal(10) ** 6}, clock=clock
    )
    await em.start()
    await em.push_candle(SYMBOL, "1h", [T0, 100.0, 101.0, 99.0, 100.0, 1000.0])
    clock.now = T0 + H1
    return em


async def orders_filled(total: int, per_candle: int) -> float:
    """Orders created + filled per second."""
    clock = Clock()
    em = await new_manager(clock)
    start = time.perf_counter()
    created = 0
    while created < total:
        for _ in range(per_candle):
            await em.trader.create_order(SYMBOL, "buy", "limit", "0.1", price="99")
        created += per_candle
        await em.push_candle(SYMBOL, "1h", [clock.now, 100.0, 100.5, 98.5, 100.0, 1000.0])
        clock.now += H1
    elapsed = time.perf_counter() - start
    assert len(em.trader.trades()) == total and not em.trader.open_orders()
    await em.stop()
    return total / elapsed


async def price_events(open_orders: int, events: int) -> float:
    """Price events per second with ``open_orders`` resting away from the price."""
    clock = Clock()
    em = await new_manager(clock)
    for i in range(open_orders):
        side, price = ("buy", 90 - i * 0.01) if i % 2 == 0 else ("sell", 110 + i * 0.01)
        await em.trader.create_order(SYMBOL, side, "limit", "0.1", price=f"{price:.2f}")
    prices = [Decimal("100.5"), Decimal("99.5")]
    start = time.perf_counter()
    for i in range(events):
        await em.push_price(SYMBOL, prices[i % 2], clock.now)
    elapsed = time.perf_counter() - start
    assert len(em.trader.open_orders()) == open_orders and not em.trader.trades()
    await em.stop()
    return events / elapsed


class NaiveSimulator:
    """Baseline: checks every open order against every price move."""

    def __init__(self) -> None:
        self.orders: list[tuple[bool, Decimal]] = []
        self.last: Decimal | None = None
        self.filled = 0

    def process_price(self, price: Decimal) -> None:
        low, high = (price, self.last) if self.last is not None and self.last > price else (self.last, price)
        keep = []
        for is_buy, level in self.orders:
            if (is_buy and low is not None and low <= level) or (not is_buy and high >= level):
                self.filled += 1
            else:
                keep.append((is_buy, level))
        self.orders = keep
        self.last = price


def naive_price_events(open_orders: int, events: int) -> float:
    sim = NaiveSimulator()
    sim.process_price(Decimal(100))
    for i in range(open_orders):
        level = Decimal(f"{90 - i * 0.01:.2f}") if i % 2 == 0 else Decimal(f"{110 + i * 0.01:.2f}")
        sim.orders.append((i % 2 == 0, level))
    prices = [Decimal("100.5"), Decimal("99.5")]
    start = time.perf_counter()
    for i in range(events):
        sim.process_price(prices[i % 2])
    elapsed = time.perf_counter() - start
    assert sim.filled == 0
    return events / elapsed


def naive_orders_filled(total: int, per_candle: int) -> float:
    sim = NaiveSimulator()
    sim.process_price(Decimal(100))
    path = [Decimal(100), Decimal("98.5"), Decimal("100.5"), Decimal(100)]
    start = time.perf_counter()
    created = 0
    while created < total:
        for _ in range(per_candle):
            sim.orders.append((True, Decimal(99)))
        created += per_candle
        for price in path:
            sim.process_price(price)
    elapsed = time.perf_counter() - start
    assert sim.filled == total
    return total / elapsed


def backtrader_orders_filled(total: int, per_candle: int) -> float | None:
    """backtrader's broker: limit buys submitted on each bar, filled by the next bar (None: not installed)."""
    try:
        import backtrader as bt
    except ImportError:
        return None
    from datetime import datetime, timedelta

    bars = total // per_candle + 1

    class Feed(bt.feed.DataBase):
        def start(self) -> None:
            super().start()
            self._index = 0

        def _load(self) -> bool:
            if self._index >= bars:
                return False
            self.lines.datetime[0] = bt.date2num(datetime(2024, 1, 1) + timedelta(hours=self._index))
            self.lines.open[0], self.lines.high[0], self.lines.low[0] = 100.0, 100.5, 98.5
            self.lines.close[0], self.lines.volume[0], self.lines.openinterest[0] = 100.0, 1e9, 0.0
            self._index += 1
            return True

    class Strategy(bt.Strategy):
        def __init__(self) -> None:
            self.filled = 0
            self.created = 0

        def next(self) -> None:
            if self.created < total:
                for _ in range(per_candle):
                    self.buy(exectype=bt.Order.Limit, price=99.0, size=0.1)
                self.created += per_candle

        def notify_order(self, order) -> None:
            if order.status == order.Completed:
                self.filled += 1

    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(Feed())
    cerebro.addstrategy(Strategy)
    cerebro.broker.setcash(1e12)
    cerebro.broker.setcommission(commission=0.001)
    start = time.perf_counter()
    (strategy,) = cerebro.run()
    elapsed = time.perf_counter() - start
    assert strategy.filled == total, strategy.filled
    return total / elapsed


async def best_of(repeat: int, make) -> float:
    """Best rate of ``repeat`` runs: the machine's other load only ever slows a run down."""
    best = 0.0
    for _ in range(repeat):
        result = make()
        if asyncio.iscoroutine(result):
            result = await result
        if result is None:
            return None
        best = max(best, result)
    return best


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--quick", action="store_true", help="fewer iterations (a smoke run)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    args = parser.parse_args()
    r = 1 if args.quick else args.repeat
    scale = 10 if args.quick else 1
    n_orders, n_events = 20_000 // scale, 20_000 // scale
    naive = "naive linear-scan simulator"
    rows = []

    def row(case: str, unit: str, ours: float, baselines: dict[str, float]) -> None:
        rows.append({"case": case, "unit": unit, "ours": ours, "baselines": baselines})

    row(
        "orders created + filled (100 per candle)",
        "orders/s",
        await best_of(r, lambda: orders_filled(n_orders, 100)),
        {
            naive: await best_of(r, lambda: naive_orders_filled(n_orders, 100)),
            BACKTRADER: await best_of(r, lambda: backtrader_orders_filled(n_orders, 100)),
        },
    )
    row(
        "orders created + filled (1 per candle)",
        "orders/s",
        await best_of(r, lambda: orders_filled(n_orders // 10, 1)),
        {
            naive: await best_of(r, lambda: naive_orders_filled(n_orders // 10, 1)),
            BACKTRADER: await best_of(r, lambda: backtrader_orders_filled(n_orders // 10, 1)),
        },
    )
    with_10 = await best_of(r, lambda: price_events(10, n_events))
    row(
        "price events, 10 open orders",
        "events/s",
        with_10,
        {naive: await best_of(r, lambda: naive_price_events(10, n_events))},
    )
    row(
        "price events, 1,000 open orders",
        "events/s",
        await best_of(r, lambda: price_events(1000, n_events)),
        {
            naive: await best_of(r, lambda: naive_price_events(1000, n_events)),
            "ours with 10 open orders": with_10,
        },
    )

    print(f"octobot-trading simulator benchmark (compiled={ot.COMPILED})")
    header = f"{'case':<42} {'unit':<9} {'ours':>12} {'baseline':>12} {'ratio':>8}  baseline name"
    print(header)
    print("-" * len(header))
    for row in rows:
        row["baselines"] = {name: value for name, value in row["baselines"].items() if value is not None}
        for name, value in row["baselines"].items():
            print(
                f"{row['case']:<42} {row['unit']:<9} {row['ours']:>12,.0f} {value:>12,.0f} "
                f"{row['ours'] / value:>7.2f}x  {name}"
            )
    if args.json:
        args.json.write_text(
            json.dumps({"package": "octobot-trading", "compiled": ot.COMPILED, "rows": rows}, indent=2)
        )


if __name__ == "__main__":
    asyncio.run(main())
