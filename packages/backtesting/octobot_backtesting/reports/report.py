"""The figures of a run, computed once from a ``RunResult``, then rendered as dict/JSON, text or HTML."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from octobot_backtesting.reports import metrics
from octobot_backtesting.reports.errors import ReportError
from octobot_backtesting.reports.run_result import RunResult, TradeRecord
from octobot_backtesting.reports.secrets import mask_secrets
from octobot_trading.symbols import parse_symbol
from octobot_trading.timestamps import ms_to_iso

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class RunReport:
    """A finished run's figures. Percentages are in percent; money is Decimal in ``reference_market``."""

    result: RunResult
    start_value: Decimal
    end_value: Decimal
    hold_value: Decimal
    profitability_pct: Decimal
    hold_profitability_pct: Decimal
    market_average_pct: Decimal | None
    symbol_changes_pct: dict[str, Decimal]
    winners: int
    losers: int
    win_rate_pct: float | None
    total_fees: dict[str, Decimal]
    realised_pnl: dict[str, Decimal]
    #: the run's trades in time order, and whether each one is an exit (brings its position toward flat)
    trades: list[TradeRecord] = field(repr=False)
    trade_exits: list[bool] = field(repr=False)
    max_drawdown: metrics.Drawdown
    ratio_period_ms: int | None
    periods_per_year: float | None
    sharpe: float | None
    sortino: float | None
    exposure_pct: float
    position_intervals: dict[str, list[tuple[int, int | None]]] = field(repr=False)

    @property
    def vs_market_pct(self) -> Decimal | None:
        """Percentage points gained over holding an equal split of the traded symbols."""
        return None if self.market_average_pct is None else self.profitability_pct - self.market_average_pct

    @property
    def vs_hold_pct(self) -> Decimal:
        """Percentage points gained over holding the start portfolio untouched."""
        return self.profitability_pct - self.hold_profitability_pct

    @property
    def candles_per_second(self) -> float | None:
        duration = self.result.run_duration_s
        return self.result.candles_processed / duration if duration > 0 else None

    # --- renderings ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Every figure, JSON-ready except that money stays ``Decimal`` (``to_json`` writes it as text)."""
        r = self.result
        return {
            "start_ms": r.start_ms,
            "end_ms": r.end_ms,
            "start": ms_to_iso(r.start_ms),
            "end": ms_to_iso(r.end_ms),
            "reference_market": r.reference_market,
            "symbols": sorted(r.candles),
            "profitability": {
                "start_value": self.start_value,
                "end_value": self.end_value,
                "profitability_pct": self.profitability_pct,
                "market_average_pct": self.market_average_pct,
                "vs_market_pct": self.vs_market_pct,
                "hold_value": self.hold_value,
                "hold_profitability_pct": self.hold_profitability_pct,
                "vs_hold_pct": self.vs_hold_pct,
            },
            "symbol_changes_pct": dict(self.symbol_changes_pct),
            "start_portfolio": dict(r.start_portfolio),
            "end_portfolio": dict(r.end_portfolio),
            "trades": [
                {
                    "time_ms": t.time_ms,
                    "time": ms_to_iso(t.time_ms),
                    "exchange": t.exchange,
                    "symbol": t.symbol,
                    "side": t.side,
                    "kind": t.kind,
                    "price": t.price,
                    "amount": t.amount,
                    "fee": t.fee,
                    "fee_currency": t.fee_currency,
                    "realised_pnl": t.realised_pnl,
                    "exit": is_exit,
                }
                for t, is_exit in zip(self.trades, self.trade_exits, strict=True)
            ],
            "trade_count": len(r.trades),
            "total_fees": dict(self.total_fees),
            "realised_pnl": dict(self.realised_pnl),
            "win_rate": {"winners": self.winners, "losers": self.losers, "win_rate_pct": self.win_rate_pct},
            "max_drawdown": {
                "pct": self.max_drawdown.fraction * 100,
                "peak_ms": self.max_drawdown.peak_ms,
                "trough_ms": self.max_drawdown.trough_ms,
            },
            "ratios": {
                "sharpe": self.sharpe,
                "sortino": self.sortino,
                "period_ms": self.ratio_period_ms,
                "periods_per_year": self.periods_per_year,
                "convention": "simple returns of the equity curve per period, risk-free rate 0, Sortino "
                "target 0, annualised by sqrt(periods per year) with 365-day years",
            },
            "exposure_pct": self.exposure_pct,
            "orders_by_kind": dict(r.orders_by_kind),
            "open_orders": [
                {
                    "symbol": o.symbol,
                    "side": o.side,
                    "kind": o.kind,
                    "price": o.price,
                    "amount": o.amount,
                    "created_ms": o.created_ms,
                }
                for o in r.open_orders
            ],
            "run": {
                "duration_s": r.run_duration_s,
                "candles_processed": r.candles_processed,
                "candles_per_second": self.candles_per_second,
                "interrupted_at": None if r.interrupted_at_ms is None else ms_to_iso(r.interrupted_at_ms),
            },
            "metadata": mask_secrets(r.metadata),
            "data_warnings": list(r.data_warnings),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, default=_json_default)

    def to_text(self) -> str:
        from octobot_backtesting.reports.text import render_text

        return render_text(self)

    def to_html(self, title: str = "Backtesting report", max_candles_per_chart: int = 5000) -> str:
        from octobot_backtesting.reports.html import render_html

        return render_html(self, title=title, max_candles_per_chart=max_candles_per_chart)

    def write_html(self, path: str | os.PathLike, **options: Any) -> Path:
        """One self-contained HTML file (plotly.js embedded): opens offline, can be mailed as is."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.to_html(**options), encoding="utf-8")
        return target


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, np.integer | np.floating):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


# --- computation ---------------------------------------------------------------------------------


def build_report(result: RunResult, *, ratio_period_ms: int | None = None) -> RunReport:
    """Computes every figure of ``result``; ``ratio_period_ms`` sets the Sharpe/Sortino period (default:
    the median step of the equity curve)."""
    start_prices = {asset: _price(result, asset, at_start=True) for asset in result.start_portfolio}
    end_assets = set(result.end_portfolio) | set(result.start_portfolio)
    end_prices = {asset: _price(result, asset, at_start=False) for asset in end_assets}
    start_value = sum((a * start_prices[k] for k, a in result.start_portfolio.items()), Decimal(0))
    end_value = sum((a * end_prices[k] for k, a in result.end_portfolio.items()), Decimal(0))
    hold_value = sum((a * end_prices[k] for k, a in result.start_portfolio.items()), Decimal(0))
    if start_value <= 0:
        raise ReportError(
            f"the start portfolio is worth {start_value} {result.reference_market}: nothing to measure"
        )

    changes = {symbol: _symbol_change(candles) for symbol, candles in result.candles.items() if len(candles)}
    market_average = sum(changes.values(), Decimal(0)) / len(changes) if changes else None

    trades = sorted(result.trades, key=lambda t: t.time_ms)
    winners, losers, rate = metrics.win_rate(trades)
    fees: dict[str, Decimal] = {}
    pnl: dict[str, Decimal] = {}
    for trade in trades:
        fees[trade.fee_currency] = fees.get(trade.fee_currency, Decimal(0)) + trade.fee
        quote = parse_symbol(trade.symbol).quote
        pnl[quote] = pnl.get(quote, Decimal(0)) + trade.realised_pnl
    exits, intervals = metrics.positions(trades)

    times = np.asarray(result.equity_times_ms, dtype=np.int64)
    values = np.asarray(result.equity_values, dtype=np.float64)
    order = np.argsort(times, kind="stable")
    times, values = times[order], values[order]
    period = ratio_period_ms or metrics.median_step_ms(times)
    sharpe = sortino = periods_per_year = None
    if period is not None and len(values) >= 3:
        periods_per_year = metrics.YEAR_MS / period
        returns = metrics.simple_returns(metrics.sample_on_grid(times, values, period))
        sharpe = metrics.sharpe_ratio(returns, periods_per_year)
        sortino = metrics.sortino_ratio(returns, periods_per_year)

    return RunReport(
        result=result,
        start_value=start_value,
        end_value=end_value,
        hold_value=hold_value,
        profitability_pct=(end_value / start_value - 1) * _HUNDRED,
        hold_profitability_pct=(hold_value / start_value - 1) * _HUNDRED,
        market_average_pct=market_average,
        symbol_changes_pct=changes,
        winners=winners,
        losers=losers,
        win_rate_pct=None if rate is None else rate * 100,
        total_fees=fees,
        realised_pnl=pnl,
        trades=trades,
        trade_exits=exits,
        max_drawdown=metrics.max_drawdown(times, values),
        ratio_period_ms=period,
        periods_per_year=periods_per_year,
        sharpe=sharpe,
        sortino=sortino,
        exposure_pct=metrics.exposure(intervals, result.start_ms, result.end_ms) * 100,
        position_intervals=intervals,
    )


def _symbol_change(candles: np.ndarray) -> Decimal:
    """Percent change from the first open to the last close (through str: the floats as printed)."""
    first, last = Decimal(str(float(candles[0, 1]))), Decimal(str(float(candles[-1, 4])))
    return (last / first - 1) * _HUNDRED


def _price(result: RunResult, asset: str, *, at_start: bool) -> Decimal:
    reference = result.reference_market
    if asset == reference:
        return Decimal(1)
    given: Mapping[str, Decimal] = result.start_prices if at_start else result.end_prices
    if asset in given:
        return given[asset]
    direct = result.candles.get(f"{asset}/{reference}")
    if direct is not None and len(direct):
        return Decimal(str(float(direct[0, 1] if at_start else direct[-1, 4])))
    inverse = result.candles.get(f"{reference}/{asset}")
    if inverse is not None and len(inverse):
        return 1 / Decimal(str(float(inverse[0, 1] if at_start else inverse[-1, 4])))
    which = "start_prices" if at_start else "end_prices"
    raise ReportError(
        f"cannot value {asset} in {reference}: no {asset}/{reference} candles in the run",
        fix_key="prices",
        fix=f"give its price in RunResult.{which}",
    )
