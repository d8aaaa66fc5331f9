"""Run reports: figures of a finished run as dict/JSON, terminal text and a self-contained HTML file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from octobot_backtesting.reports.errors import ReportError
from octobot_backtesting.reports.metrics import Drawdown
from octobot_backtesting.reports.report import RunReport, build_report
from octobot_backtesting.reports.run_result import OpenOrderRecord, RunResult, TradeRecord
from octobot_backtesting.reports.secrets import mask_secrets

if TYPE_CHECKING:
    import plotly.graph_objects as go


def build_figure(report: RunReport, max_candles_per_chart: int = 5000) -> go.Figure:
    """The report's plotly figure (candles with entries, exits and open orders, then equity), to embed
    elsewhere (the web interface); plotly is imported on first use."""
    from octobot_backtesting.reports.html import build_figure as _build

    return _build(report, max_candles_per_chart)


__all__ = [
    "Drawdown",
    "OpenOrderRecord",
    "ReportError",
    "RunReport",
    "RunResult",
    "TradeRecord",
    "build_figure",
    "build_report",
    "mask_secrets",
]
