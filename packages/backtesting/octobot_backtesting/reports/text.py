"""The report as text for the terminal."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from octobot_trading.timestamps import ms_to_iso

if TYPE_CHECKING:
    from octobot_backtesting.reports.report import RunReport

#: at most this many trades are listed (the JSON and HTML reports have them all)
MAX_TRADES_LISTED = 50


def _pct(value: Decimal | float | None) -> str:
    return "n/a" if value is None else f"{float(value):+.2f} %"


def _period(period_ms: int | None) -> str:
    return "no period" if period_ms is None else f"returns per {_num(period_ms / 60_000, 2)} min"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} %"


def format_number(value: Decimal | float | None, places: int = 8) -> str:
    """A money figure for reading: at most ``places`` decimals, no trailing zeros (JSON keeps it exact)."""
    if value is None:
        return "n/a"
    text = f"{Decimal(value):.{places}f}" if isinstance(value, Decimal) else f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_num = format_number


def render_text(report: RunReport) -> str:
    r = report.result
    ref = r.reference_market
    lines = [
        *(
            [f"INTERRUPTED at {ms_to_iso(r.interrupted_at_ms)}: a partial run, its figures stop there", ""]
            if r.interrupted_at_ms is not None
            else []
        ),
        f"Run {ms_to_iso(r.start_ms)} -> {ms_to_iso(r.end_ms)}  (reference market {ref})",
        "",
        f"  start value           {_num(report.start_value)} {ref}",
        f"  end value             {_num(report.end_value)} {ref}",
        f"  profitability         {_pct(report.profitability_pct)}",
        f"  market average        {_pct(report.market_average_pct)}   (equal split held over the symbols)",
        f"  vs market             {_pct(report.vs_market_pct)} points",
        f"  holding start         {_pct(report.hold_profitability_pct)}   ({_num(report.hold_value)} {ref})",
        f"  vs holding            {_pct(report.vs_hold_pct)} points",
        f"  max drawdown          {_pct(-report.max_drawdown.fraction * 100 or 0.0)}",
        f"  Sharpe / Sortino      {_num(report.sharpe, 3)} / {_num(report.sortino, 3)}"
        f"   ({_period(report.ratio_period_ms)}, annualised over 365 days, risk-free 0)",
        f"  win rate              {_share(report.win_rate_pct)}"
        f"   ({report.winners} won, {report.losers} lost)",
        f"  exposure time         {report.exposure_pct:.2f} %",
        f"  candles               {r.candles_processed} in {r.run_duration_s:.3f} s"
        f" ({_num(report.candles_per_second, 0)} candles/s)",
        "",
        "Market change per symbol",
        *(f"  {symbol:<18} {_pct(change)}" for symbol, change in sorted(report.symbol_changes_pct.items())),
        "",
        "Portfolio                start -> end",
        *(
            f"  {asset:<10} {_num(r.start_portfolio.get(asset, Decimal(0))):>18} -> "
            f"{_num(r.end_portfolio.get(asset, Decimal(0)))}"
            for asset in sorted(set(r.start_portfolio) | set(r.end_portfolio))
        ),
        "",
        "Orders by kind: " + (", ".join(f"{k} {n}" for k, n in sorted(r.orders_by_kind.items())) or "none"),
        "Fees: " + (", ".join(f"{_num(v)} {c}" for c, v in sorted(report.total_fees.items())) or "none"),
        "Realised PnL: "
        + (", ".join(f"{_num(v)} {c}" for c, v in sorted(report.realised_pnl.items())) or "none"),
        "",
        f"Trades ({len(report.trades)})",
    ]
    for trade, is_exit in list(zip(report.trades, report.trade_exits, strict=True))[:MAX_TRADES_LISTED]:
        role = "exit " if is_exit else "entry"
        where = f"{trade.exchange} " if trade.exchange else ""
        lines.append(
            f"  {ms_to_iso(trade.time_ms)}  {where}{trade.symbol:<12} {trade.side:<4} {role} "
            f"{trade.kind:<12} {_num(trade.amount)} @ {_num(trade.price)}  fee {_num(trade.fee)} "
            f"{trade.fee_currency}  pnl {_num(trade.realised_pnl)}"
        )
    if len(report.trades) > MAX_TRADES_LISTED:
        lines.append(f"  ... {len(report.trades) - MAX_TRADES_LISTED} more in the JSON and HTML reports")
    if r.open_orders:
        lines += ["", f"Open orders at the end ({len(r.open_orders)})"]
        lines += [
            f"  {o.symbol:<12} {o.side:<4} {o.kind:<12} {_num(o.amount)} @ {_num(o.price)}"
            for o in r.open_orders
        ]
    if r.data_warnings:
        lines += ["", f"Data warnings ({len(r.data_warnings)})"]
        lines += [f"  {warning}" for warning in r.data_warnings]
    return "\n".join(lines) + "\n"
