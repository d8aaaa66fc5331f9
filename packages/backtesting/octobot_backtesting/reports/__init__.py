"""Run reports: figures of a finished run as dict/JSON, terminal text and a self-contained HTML file."""

from octobot_backtesting.reports.errors import ReportError
from octobot_backtesting.reports.html import build_figure
from octobot_backtesting.reports.metrics import Drawdown
from octobot_backtesting.reports.report import RunReport, build_report
from octobot_backtesting.reports.run_result import OpenOrderRecord, RunResult, TradeRecord
from octobot_backtesting.reports.secrets import mask_secrets

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
