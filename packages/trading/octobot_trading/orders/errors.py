"""Errors of orders, the trader and the simulator.

They derive from the package root :class:`~octobot_trading.errors.OctobotTradingError`; the market limit
errors (minimum amount / cost) are the markets module's own and are raised as they are.
"""

from __future__ import annotations

from decimal import Decimal

from octobot_trading.errors import OctobotTradingError


class OrderError(OctobotTradingError):
    """Base of the order and trader errors."""


class InvalidOrderTransitionError(OrderError):
    """A status change the order state machine forbids (orders never go back)."""


class InvalidOrderError(OrderError, ValueError):
    """An order request is malformed: missing price, wrong side for its kind, non-positive amount..."""


class OrderNotFoundError(OrderError, KeyError):
    """No open order has this id on this exchange."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownSymbolError(OrderError, ValueError):
    """The symbol is not a market of this exchange."""


class InsufficientFundsError(OrderError):
    """The portfolio has not enough available funds for the order (``required`` and ``available`` are
    None only when an exchange refused the order without saying them)."""

    def __init__(
        self, message: str, *, asset: str, required: Decimal | None, available: Decimal | None
    ) -> None:
        super().__init__(message)
        self.asset = asset
        self.required = required
        self.available = available


class NoPriceError(OrderError):
    """A market order (or a sizing) needs a current price and no market data has been received yet."""
