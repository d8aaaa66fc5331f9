"""The statistics of a run, as small pure functions over numpy arrays and trades.

Conventions (stated in the report too): returns are simple returns between consecutive points of the
equity curve sampled on a regular grid (the curve's median step unless told otherwise, last known value
at each grid point); Sharpe and Sortino use a zero risk-free rate and a zero target, and are annualised
by sqrt(periods per year) with 365-day years, since crypto markets never close.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from octobot_backtesting.reports.run_result import TradeRecord
from octobot_trading.symbols import parse_symbol

YEAR_MS = 365 * 86_400_000


@dataclass(frozen=True, slots=True)
class Drawdown:
    #: largest fall from a running peak, as a fraction of that peak (0.25 = -25 %)
    fraction: float
    peak_ms: int | None
    trough_ms: int | None


def max_drawdown(times_ms: np.ndarray, values: np.ndarray) -> Drawdown:
    if len(values) < 2:
        return Drawdown(0.0, None, None)
    peaks = np.maximum.accumulate(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        falls = np.where(peaks > 0, (peaks - values) / peaks, 0.0)
    trough = int(np.argmax(falls))
    if falls[trough] <= 0:
        return Drawdown(0.0, None, None)
    peak = int(np.argmax(values[: trough + 1]))
    return Drawdown(float(falls[trough]), int(times_ms[peak]), int(times_ms[trough]))


def median_step_ms(times_ms: np.ndarray) -> int | None:
    steps = np.diff(times_ms)
    steps = steps[steps > 0]
    return int(np.median(steps)) if steps.size else None


def sample_on_grid(times_ms: np.ndarray, values: np.ndarray, period_ms: int) -> np.ndarray:
    """Values at start, start + period, ... (last known value at each grid point)."""
    grid = np.arange(times_ms[0], times_ms[-1] + 1, period_ms)
    return values[np.searchsorted(times_ms, grid, side="right") - 1]


def simple_returns(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        returns = np.diff(values) / values[:-1]
    return returns[np.isfinite(returns)]


def sharpe_ratio(returns: np.ndarray, periods_per_year: float) -> float | None:
    """mean / sample standard deviation (ddof=1), annualised; None when undefined."""
    if returns.size < 2:
        return None
    deviation = float(np.std(returns, ddof=1))
    if deviation == 0:
        return None
    return float(np.mean(returns)) / deviation * math.sqrt(periods_per_year)


def sortino_ratio(returns: np.ndarray, periods_per_year: float) -> float | None:
    """mean / downside deviation sqrt(mean(min(r, 0)^2)) over all periods, annualised; None without a loss."""
    if returns.size < 2:
        return None
    downside = math.sqrt(float(np.mean(np.minimum(returns, 0.0) ** 2)))
    if downside == 0:
        return None
    return float(np.mean(returns)) / downside * math.sqrt(periods_per_year)


def win_rate(trades: Sequence[TradeRecord]) -> tuple[int, int, float | None]:
    """(winners, losers, winners / (winners + losers)); trades that realised nothing do not count."""
    winners = sum(1 for trade in trades if trade.realised_pnl > 0)
    losers = sum(1 for trade in trades if trade.realised_pnl < 0)
    return winners, losers, (winners / (winners + losers) if winners + losers else None)


def base_change(trade: TradeRecord) -> Decimal:
    """How much the trade changes the holding of the symbol's base asset (a fee paid in base included)."""
    fee = trade.fee if trade.fee_currency == parse_symbol(trade.symbol).base else Decimal(0)
    return (trade.amount if trade.side == "buy" else -trade.amount) - fee


def positions(trades: Sequence[TradeRecord]) -> tuple[list[bool], dict[str, list[tuple[int, int | None]]]]:
    """Whether each trade (in the given order) is an exit (brings its position closer to flat), and the
    intervals [from, to) during which each symbol had a position (to=None: still open at the end).

    A position is what the run traded beyond its start portfolio: the net base amount bought (or sold),
    per exchange (an arbitrage's buy on one exchange and sell on another are two entries).
    """
    exits: list[bool] = []
    net: dict[tuple[str | None, str], Decimal] = {}
    opened: dict[tuple[str | None, str], int] = {}
    intervals: dict[str, list[tuple[int, int | None]]] = {}
    for trade in trades:
        key = (trade.exchange, trade.symbol)
        before = net.get(key, Decimal(0))
        after = before + base_change(trade)
        net[key] = after
        exits.append(abs(after) < abs(before))
        if before == 0 and after != 0:
            opened[key] = trade.time_ms
        elif before != 0 and (after == 0 or (after > 0) != (before > 0)):
            intervals.setdefault(trade.symbol, []).append((opened.pop(key), trade.time_ms))
            if after != 0:  # flipped from long to short (or back) in one trade
                opened[key] = trade.time_ms
    for (_, symbol), since in opened.items():
        intervals.setdefault(symbol, []).append((since, None))
    for spans in intervals.values():
        spans.sort(key=lambda span: span[0])
    return exits, intervals


def exposure(intervals: dict[str, list[tuple[int, int | None]]], start_ms: int, end_ms: int) -> float:
    """Share of [start_ms, end_ms] during which at least one symbol had a position."""
    if end_ms <= start_ms:
        return 0.0
    spans = sorted(
        (max(a, start_ms), min(end_ms if b is None else b, end_ms)) for v in intervals.values() for a, b in v
    )
    covered, reach = 0, start_ms
    for begin, finish in spans:
        begin = max(begin, reach)
        if finish > begin:
            covered += finish - begin
            reach = finish
    return covered / (end_ms - start_ms)
