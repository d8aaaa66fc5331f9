"""Errors of the collectors."""

from __future__ import annotations

from octobot_backtesting.errors import BacktestingError


class CollectorError(BacktestingError):
    """A collection cannot start or could not finish; the message says how to resume or fix it."""
