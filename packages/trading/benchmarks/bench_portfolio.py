"""Portfolio updates: one fill (unlock the reservation, then an all-or-nothing 3-asset ``apply``) and
valuation through a price chain, versus a baseline of unchecked dict arithmetic (what a portfolio
without the all-or-nothing guarantee would cost).

Run: ``python benchmarks/bench_portfolio.py``.
"""

from __future__ import annotations

import time
from decimal import Decimal

import octobot_trading as ot

N = 20_000
D = Decimal


def fills_ours() -> float:
    portfolio = ot.Portfolio({"USDT": D("1000000000"), "BTC": D("0")})
    cost, amount, fee = D("43210.12"), D("1.00001"), D("0.00100001")
    start = time.perf_counter()
    for _ in range(N):
        portfolio.lock("USDT", cost)
        portfolio.unlock("USDT", cost)
        portfolio.apply({"USDT": -cost, "BTC": amount, "BNB": -fee * 0})
    return (time.perf_counter() - start) / N * 1e6


def fills_baseline() -> float:
    total = {"USDT": D("1000000000"), "BTC": D("0"), "BNB": D(0)}
    available = dict(total)
    cost, amount = D("43210.12"), D("1.00001")
    start = time.perf_counter()
    for _ in range(N):
        available["USDT"] -= cost
        available["USDT"] += cost
        for asset, delta in (("USDT", -cost), ("BTC", amount), ("BNB", D(0))):
            total[asset] += delta
            available[asset] += delta
    return (time.perf_counter() - start) / N * 1e6


def valuation() -> tuple[float, float]:
    prices = ot.PriceGraph({"ETH/BTC": D("0.05"), "BTC/USDT": D("20000"), "XRP/ETH": D("0.0002")})
    totals = {"ETH": D("10"), "BTC": D("1"), "USDT": D("500"), "XRP": D("1000")}
    start = time.perf_counter()
    for _ in range(N):
        prices.value(totals, "USDT")
    ours = (time.perf_counter() - start) / N * 1e6
    # baseline: the same chains written out by hand (no search, no cache)
    start = time.perf_counter()
    for _ in range(N):
        btc = D("20000")
        eth = D("0.05") * btc
        xrp = D("0.0002") * eth
        _ = totals["ETH"] * eth + totals["BTC"] * btc + totals["USDT"] + totals["XRP"] * xrp
    return ours, (time.perf_counter() - start) / N * 1e6


def main() -> None:
    ours, base = fills_ours(), fills_baseline()
    value_ours, value_base = valuation()
    print(f"octobot_trading.COMPILED = {ot.COMPILED}; {N:,} iterations per case")
    print(f"{'case':<46}{'ours (us)':>12}{'baseline (us)':>15}{'ratio':>8}")
    print(f"{'fill: lock, unlock, 3-asset apply':<46}{ours:>12.2f}{base:>15.2f}{base / ours:>7.2f}x")
    print(
        f"{'value 4 assets via chains (up to 3 hops)':<46}{value_ours:>12.2f}{value_base:>15.2f}"
        f"{value_base / value_ours:>7.2f}x"
    )


if __name__ == "__main__":
    main()
