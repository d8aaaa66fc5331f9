"""The report as one self-contained HTML file: figures, trades, and interactive plotly charts.

Why plotly with its JavaScript embedded: the file opens offline, from a mail or a CI artifact, with zoomable
candle charts; nothing is fetched from the network. The chart is stored as JSON in a
``<script type="application/json" id="report-figure">`` element (and the report's figures in
``id="report-data"``), so programs can read both back from the file.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from octobot_backtesting.reports.text import format_number

if TYPE_CHECKING:
    from octobot_backtesting.reports.report import RunReport

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
td, th { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: right; }
th { background: #f4f4f4; } td:first-child, th:first-child { text-align: left; }
.scroll { max-height: 24rem; overflow: auto; display: inline-block; }
"""


def downsample(candles: np.ndarray, max_candles: int) -> np.ndarray:
    """Merges consecutive candles (first open, max high, min low, last close, summed volume) so that at most
    ``max_candles`` remain: a chart of a year of 1m candles stays light enough for a browser."""
    if max_candles < 1 or len(candles) <= max_candles:
        return candles
    group = -(-len(candles) // max_candles)
    starts = np.arange(0, len(candles), group)
    ends = np.minimum(starts + group, len(candles)) - 1
    return np.column_stack(
        (
            candles[starts, 0],
            candles[starts, 1],
            np.maximum.reduceat(candles[:, 2], starts),
            np.minimum.reduceat(candles[:, 3], starts),
            candles[ends, 4],
            np.add.reduceat(candles[:, 5], starts),
        )
    )


def _times(ms: np.ndarray | Sequence[int]) -> np.ndarray:
    return np.asarray(ms, dtype=np.int64).astype("datetime64[ms]")


def build_figure(report: RunReport, max_candles_per_chart: int = 5000) -> go.Figure:
    """One candle chart per symbol with entries, exits and open orders, then the equity curve."""
    result = report.result
    symbols = sorted(result.candles)
    rows = len(symbols) + 1
    figure = make_subplots(
        rows=rows,
        cols=1,
        subplot_titles=[*symbols, f"Equity ({result.reference_market})"],
        vertical_spacing=min(0.08, 0.3 / rows),
    )
    for row, symbol in enumerate(symbols, start=1):
        candles = downsample(np.asarray(result.candles[symbol], dtype=np.float64), max_candles_per_chart)
        figure.add_trace(
            go.Candlestick(
                x=_times(candles[:, 0]),
                open=candles[:, 1],
                high=candles[:, 2],
                low=candles[:, 3],
                close=candles[:, 4],
                name=symbol,
                showlegend=False,
            ),
            row=row,
            col=1,
        )
        trades = [
            (t, e) for t, e in zip(report.trades, report.trade_exits, strict=True) if t.symbol == symbol
        ]
        for is_exit, label, symbol_shape, color in (
            (False, "entries", "triangle-up", "#1f77b4"),
            (True, "exits", "triangle-down", "#ff7f0e"),
        ):
            chosen = [t for t, e in trades if e == is_exit]
            if chosen:
                figure.add_trace(
                    go.Scatter(
                        x=_times([t.time_ms for t in chosen]),
                        y=[float(t.price) for t in chosen],
                        mode="markers",
                        marker={"symbol": symbol_shape, "size": 11, "color": color},
                        name=f"{symbol} {label}",
                        text=[
                            f"{t.exchange + ': ' if t.exchange else ''}{t.side} {t.amount} @ {t.price} "
                            f"({t.kind}), pnl {t.realised_pnl}"
                            for t in chosen
                        ],
                        hoverinfo="text+x",
                    ),
                    row=row,
                    col=1,
                )
        orders = [o for o in result.open_orders if o.symbol == symbol]
        if orders:
            xs: list[object] = []
            ys: list[float | None] = []
            for order in orders:  # a dashed segment from creation to the end of the run, per order
                xs += [_times([order.created_ms])[0], _times([result.end_ms])[0], None]
                ys += [float(order.price), float(order.price), None]
            figure.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"dash": "dash", "color": "#9467bd"},
                    name=f"{symbol} open orders",
                    hoverinfo="y",
                ),
                row=row,
                col=1,
            )
        figure.update_xaxes(rangeslider_visible=False, row=row, col=1)
    figure.add_trace(
        go.Scatter(
            x=_times(result.equity_times_ms),
            y=np.asarray(result.equity_values, dtype=np.float64),
            mode="lines",
            name="equity",
        ),
        row=rows,
        col=1,
    )
    figure.update_layout(height=380 * rows, margin={"t": 40, "l": 50, "r": 20, "b": 30}, hovermode="closest")
    return figure


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, Decimal):  # exact in the JSON; 8 decimals, as the text report, for reading
        return format_number(value)
    return "n/a" if value is None else str(value)


def _table(rows: Sequence[tuple[object, ...]], header: tuple[str, ...] | None = None) -> str:
    head = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>" if header else ""
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table>{head}{body}</table>"


def _script_json(payload: str) -> str:
    # "</" would end the script element early; "<\/" is the same JSON string
    return payload.replace("</", "<\\/")


def _warnings(warnings: list[str]) -> str:
    if not warnings:
        return ""
    items = "".join(f"<li>{html.escape(warning)}</li>" for warning in warnings)
    return f"\n<h2>Data warnings ({len(warnings)})</h2><ul>{items}</ul>"


def render_html(report: RunReport, *, title: str, max_candles_per_chart: int) -> str:
    data = report.to_dict()
    profit = data["profitability"]
    ref = data["reference_market"]
    interrupted = data["run"]["interrupted_at"]
    figures = [
        *([("interrupted at (partial run)", interrupted)] if interrupted else []),
        ("period", f"{data['start']} → {data['end']}"),
        (f"start value ({ref})", profit["start_value"]),
        (f"end value ({ref})", profit["end_value"]),
        ("profitability %", profit["profitability_pct"]),
        ("market average % (equal split held)", profit["market_average_pct"]),
        ("vs market (points)", profit["vs_market_pct"]),
        ("holding the start portfolio %", profit["hold_profitability_pct"]),
        ("vs holding (points)", profit["vs_hold_pct"]),
        ("max drawdown %", data["max_drawdown"]["pct"]),
        ("Sharpe", data["ratios"]["sharpe"]),
        ("Sortino", data["ratios"]["sortino"]),
        ("ratio convention", f"{data['ratios']['convention']}; period {data['ratios']['period_ms']} ms"),
        ("win rate %", data["win_rate"]["win_rate_pct"]),
        ("exposure time %", data["exposure_pct"]),
        ("candles processed", data["run"]["candles_processed"]),
        ("run duration (s)", data["run"]["duration_s"]),
        ("candles per second", data["run"]["candles_per_second"]),
    ]
    assets = sorted(set(data["start_portfolio"]) | set(data["end_portfolio"]))
    portfolio = [(a, data["start_portfolio"].get(a), data["end_portfolio"].get(a)) for a in assets]
    trades = [
        (
            t["time"],
            t["symbol"],
            t["side"],
            "exit" if t["exit"] else "entry",
            t["kind"],
            t["amount"],
            t["price"],
            f"{_cell(t['fee'])} {t['fee_currency']}",
            t["realised_pnl"],
        )
        for t in data["trades"]
    ]
    figure_json = build_figure(report, max_candles_per_chart).to_json()
    report_json = report.to_json(indent=None)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{_STYLE}</style>
<script type="text/javascript">{get_plotlyjs()}</script></head>
<body>
<h1>{html.escape(title)}{" (interrupted: partial run)" if interrupted else ""}</h1>
<h2>Figures</h2>{_table(figures)}{_warnings(data["data_warnings"])}
<h2>Market change per symbol</h2>{_table(sorted(data["symbol_changes_pct"].items()), ("symbol", "change %"))}
<h2>Portfolio</h2>{_table(portfolio, ("asset", "start", "end"))}
<h2>Orders by kind</h2>{_table(sorted(data["orders_by_kind"].items()), ("kind", "orders"))}
<h2>Trades ({len(trades)})</h2><div class="scroll">{
        _table(trades, ("time", "symbol", "side", "role", "kind", "amount", "price", "fee", "realised PnL"))
    }</div>
<h2>Charts</h2><div id="report-chart"></div>
<script type="application/json" id="report-figure">{_script_json(figure_json)}</script>
<script type="application/json" id="report-data">{_script_json(report_json)}</script>
<script type="text/javascript">
var figure = JSON.parse(document.getElementById("report-figure").textContent);
Plotly.newPlot("report-chart", figure.data, figure.layout, {{responsive: true}});
</script>
</body></html>
"""
