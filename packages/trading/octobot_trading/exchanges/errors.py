"""Errors of the exchange manager (the object that wires a connector, an account and a trader together)."""

from __future__ import annotations

from octobot_trading.errors import OctobotTradingError


class ExchangeManagerError(OctobotTradingError):
    """The exchange manager is misconfigured or used out of order (not started, stopped...)."""
