"""An equity curve computed at once from holdings changes and price series.

Why not value the portfolio on every candle: in a backtest the holdings change only on fills, while the
prices move every candle. Valuing the whole portfolio in Decimal on each candle cost about a fifth of the
per-candle time of the chain; here the holdings are recorded when they change and the curve is valued in
one numpy pass over the price series afterwards. The curve is a statistic (drawdowns, charts), so it is in
float64; balances, fees and profitability stay Decimal.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np

from octobot_trading.portfolio.valuation import PriceGraph
from octobot_trading.symbols import parse_symbol

#: (close times in ms, closes) of one pair, oldest first: when each price became the pair's last price.
PriceSeries = tuple[np.ndarray, np.ndarray]


def equity_curve(
    times: np.ndarray,
    holdings: Sequence[tuple[int, Mapping[str, Decimal]]],
    prices: Mapping[str, PriceSeries],
    reference: str,
) -> tuple[np.ndarray, np.ndarray]:
    """The portfolio value in ``reference`` at each of ``times`` (ms, increasing): (times kept, values).

    ``holdings``: (time, total of each asset) at the start and after each change, oldest first; the
    holdings at ``t`` are the last ones recorded at or before ``t``. ``prices``: each pair's price series;
    the price at ``t`` is the last close at or before ``t``. A time at which some held asset has no chain
    of known prices to ``reference`` yet is left out, as `PortfolioManager.record_value` skips it.
    """
    times = np.asarray(times, dtype=np.int64)
    if len(times) == 0 or not holdings:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    holding_times = np.array([time for time, _ in holdings], dtype=np.int64)
    snapshot = np.searchsorted(holding_times, times, side="right") - 1
    assets = sorted({asset for _, totals in holdings for asset, amount in totals.items() if amount})
    graph = _topology(prices)
    values = np.zeros(len(times), dtype=np.float64)
    for asset in assets:
        amounts = np.array([float(totals.get(asset, 0)) for _, totals in holdings], dtype=np.float64)
        held = np.where(snapshot >= 0, amounts[np.maximum(snapshot, 0)], 0.0)
        if asset == reference:
            values += held
            continue
        rate = _rate(graph, prices, asset, reference, times)
        values += np.where(held == 0.0, 0.0, held * rate)  # no price needed for what is not held
    kept = (snapshot >= 0) & np.isfinite(values)
    return times[kept], values[kept]


def _topology(prices: Mapping[str, PriceSeries]) -> PriceGraph:
    """A graph of the pairs with a price (1 each: only its paths are used)."""
    return PriceGraph({symbol: Decimal(1) for symbol, (closes_at, _) in prices.items() if len(closes_at)})


def _rate(
    graph: PriceGraph, prices: Mapping[str, PriceSeries], asset: str, reference: str, times: np.ndarray
) -> np.ndarray:
    path = graph.path(asset, reference)
    if path is None:
        return np.full(len(times), np.nan)
    rate = np.ones(len(times), dtype=np.float64)
    for step_from, step_to in itertools.pairwise(path):
        direct = _series_symbol(prices, step_from, step_to)
        if direct is not None:
            rate *= _price_at(prices[direct], times)
        else:
            inverse = _series_symbol(prices, step_to, step_from)
            assert inverse is not None  # the graph found the hop through one of the two
            rate /= _price_at(prices[inverse], times)
    return rate


def _series_symbol(prices: Mapping[str, PriceSeries], base: str, quote: str) -> str | None:
    for symbol in prices:
        parsed = parse_symbol(symbol)
        if parsed.base == base and parsed.quote == quote:
            return symbol
    return None


def _price_at(series: PriceSeries, times: np.ndarray) -> np.ndarray:
    closes_at, closes = series
    index = np.searchsorted(np.asarray(closes_at, dtype=np.int64), times, side="right") - 1
    return np.where(index >= 0, np.asarray(closes, dtype=np.float64)[np.maximum(index, 0)], np.nan)
