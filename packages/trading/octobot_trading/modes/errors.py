"""Errors of the trading modes."""

from __future__ import annotations

from octobot_trading.errors import OctobotTradingError


class TradingModeError(OctobotTradingError, ValueError):
    """A trading mode is configured or used wrongly: a config that breaks its rules, an evaluation out of
    [-1, 1] or NaN, a plan of orders it cannot execute. The message names the mode and the fix."""
