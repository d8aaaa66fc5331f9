"""The figures of one backtest that objectives read: plain floats, so they travel and store as JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import octobot_backtesting as ob

_DAY_MS = 86_400_000

#: every figure a run gives an objective (percentages in percent, drawdown as a positive percent)
FIGURE_NAMES = (
    "profitability_pct",
    "market_average_pct",
    "vs_market_pct",
    "max_drawdown_pct",
    "sharpe",
    "sortino",
    "calmar",
    "trades",
    "win_rate_pct",
    "days",
)

Figures = dict[str, float | None]


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def run_figures(report: ob.RunReport) -> Figures:
    """The objective-ready figures of ``report``.

    Calmar: the profitability per year (simple, 365-day years) over the max drawdown; None without a
    drawdown (no loss at any time: the ratio has no meaning then).
    """
    result = report.result
    days = max(result.end_ms - result.start_ms, 1) / _DAY_MS
    profitability = float(report.profitability_pct)
    drawdown = report.max_drawdown.fraction * 100
    return {
        "profitability_pct": profitability,
        "market_average_pct": _float(report.market_average_pct),
        "vs_market_pct": _float(report.vs_market_pct),
        "max_drawdown_pct": drawdown,
        "sharpe": _float(report.sharpe),
        "sortino": _float(report.sortino),
        "calmar": profitability * 365 / days / drawdown if drawdown > 0 else None,
        "trades": float(len(result.trades)),
        "win_rate_pct": _float(report.win_rate_pct),
        "days": days,
    }


def mean_figures(windows: Sequence[Mapping[str, float | None]]) -> Figures:
    """Each figure averaged over windows (None when a window lacks it); trades are summed."""
    merged: Figures = {}
    for name in FIGURE_NAMES:
        values = [window.get(name) for window in windows]
        if not values or any(value is None for value in values):
            merged[name] = None
        elif name in ("trades", "days"):
            merged[name] = float(sum(values))  # type: ignore[arg-type]
        else:
            merged[name] = sum(values) / len(values)  # type: ignore[arg-type]
    return merged
