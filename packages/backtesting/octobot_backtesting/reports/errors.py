"""Errors of the reports."""

from __future__ import annotations

from octobot_backtesting.errors import BacktestingError


class ReportError(BacktestingError):
    """A run result cannot be reported (inconsistent input, an asset that cannot be valued)."""
