"""Market rules: adjusting amounts and prices and checking limits, versus ccxt's own exchange helpers
(``amount_to_precision`` / ``price_to_precision``, which return strings) on the same market.

Run: ``python benchmarks/bench_markets.py``.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal

import ccxt

import octobot_trading as ot

N = 20_000

RAW_BINANCE_BTCUSDT = {
    "symbol": "BTCUSDT",
    "status": "TRADING",
    "baseAsset": "BTC",
    "baseAssetPrecision": 8,
    "quoteAsset": "USDT",
    "quotePrecision": 8,
    "filters": [
        {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", "tickSize": "0.01"},
        {"filterType": "LOT_SIZE", "minQty": "0.00001", "maxQty": "9000", "stepSize": "0.00001"},
        {"filterType": "NOTIONAL", "minNotional": "5", "maxNotional": "9000000"},
    ],
    "permissions": [],
}


def timed(function, values) -> float:
    start = time.perf_counter()
    for value in values:
        function(value)
    return (time.perf_counter() - start) / len(values) * 1e6


def main() -> None:
    exchange = ccxt.binance()
    exchange.options["crossMarginPairsData"] = []
    exchange.options["isolatedMarginPairsData"] = []
    exchange.set_markets([exchange.parse_market(RAW_BINANCE_BTCUSDT)])
    rules = ot.Markets.from_ccxt_exchange(exchange).rules("BTC/USDT")
    rng = random.Random(7)
    amounts = [Decimal(str(round(rng.uniform(0.0001, 5), 9))) for _ in range(N)]
    prices = [Decimal(str(round(rng.uniform(20000, 70000), 4))) for _ in range(N)]
    rows = [
        (
            "adjust amount (tick size, truncate)",
            timed(rules.adjust_amount, amounts),
            timed(lambda a: exchange.amount_to_precision("BTC/USDT", a), amounts),
        ),
        (
            "adjust price (tick size, round)",
            timed(rules.adjust_price, prices),
            timed(lambda p: exchange.price_to_precision("BTC/USDT", p), prices),
        ),
    ]
    pairs = list(zip(amounts, prices, strict=True))
    check = timed(lambda pair: rules.is_valid_order(*pair), pairs)
    print(f"octobot_trading.COMPILED = {ot.COMPILED}; {N:,} random values per case")
    print(f"{'case':<40}{'ours (us)':>12}{'ccxt (us)':>12}{'ratio':>8}")
    for name, ours, baseline in rows:
        print(f"{name:<40}{ours:>12.2f}{baseline:>12.2f}{baseline / ours:>7.2f}x")
    print(f"{'check limits (amount, cost, price)':<40}{check:>12.2f}{'-':>12}{'-':>8}")


if __name__ == "__main__":
    main()
