"""Errors of the state store."""

from __future__ import annotations

from octobot_trading.errors import OctobotTradingError


class PersistenceError(OctobotTradingError):
    """Base of the state store's errors."""


class StateFileError(PersistenceError):
    """The state file cannot be opened or read (wrong file, newer format, corrupted row)."""


class StateClosedError(PersistenceError):
    """A write or read on a store that is not open."""
