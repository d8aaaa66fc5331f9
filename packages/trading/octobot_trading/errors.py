"""Exception hierarchy of octobot-trading.

Why one root: a user (or the orchestrator) can catch every trading error with ``OctobotTradingError``
while code that can recover from one case catches the precise subclass. Each message names the
problem and what to do about it. Errors caused by bad input also derive from ``ValueError`` so that
generic input validation code keeps working.
"""

from __future__ import annotations

from decimal import Decimal


class OctobotTradingError(Exception):
    """Base of every error raised by octobot-trading."""


# --- vocabulary -----------------------------------------------------------------------------------


class InvalidSymbolError(OctobotTradingError, ValueError):
    """A symbol is not in ccxt's unified form (``BASE/QUOTE`` or ``BASE/QUOTE:SETTLE``)."""


class UnknownTimeFrameError(OctobotTradingError, ValueError):
    """A time frame is not one of the supported ones."""


class InvalidTimestampError(OctobotTradingError, ValueError):
    """A timestamp cannot be read or is not int milliseconds UTC."""


class InvalidCandleError(OctobotTradingError, ValueError):
    """A candle has a NaN / infinite value or the wrong shape."""


class CandleOrderError(InvalidCandleError):
    """A candle is older than (or as old as) the last candle already stored."""


# --- markets --------------------------------------------------------------------------------------


class MarketError(OctobotTradingError):
    """Base of the errors about market rules (precision and limits)."""


class InvalidMarketError(MarketError, ValueError):
    """A ccxt market structure cannot be read."""


class OrderLimitError(MarketError, ValueError):
    """An order breaks one of the market's limits."""

    def __init__(
        self,
        message: str,
        *,
        symbol: str,
        limit: str,
        value: Decimal,
        bound: Decimal,
    ) -> None:
        super().__init__(message)
        #: the market's symbol
        self.symbol = symbol
        #: which limit: "amount", "cost" or "price"
        self.limit = limit
        #: the order's value for that limit
        self.value = value
        #: the minimum or maximum it broke
        self.bound = bound


class OrderBelowMinimumError(OrderLimitError):
    """An order's amount or cost is below the market's minimum."""

    @property
    def minimum(self) -> Decimal:
        return self.bound

    @property
    def shortfall(self) -> Decimal:
        """How much is missing to reach the minimum."""
        return self.bound - self.value


class OrderAboveMaximumError(OrderLimitError):
    """An order's amount or cost is above the market's maximum."""

    @property
    def maximum(self) -> Decimal:
        return self.bound

    @property
    def excess(self) -> Decimal:
        return self.value - self.bound


class PriceOutOfRangeError(OrderLimitError):
    """An order's price is outside the market's [min, max] price range."""


# --- portfolio ------------------------------------------------------------------------------------


class PortfolioError(OctobotTradingError):
    """Base of the portfolio errors."""


class NegativeBalanceError(PortfolioError, ValueError):
    """An update would make a balance negative; the portfolio was left unchanged."""

    def __init__(self, message: str, *, asset: str, field: str, current: Decimal, requested: Decimal) -> None:
        super().__init__(message)
        self.asset = asset
        #: "total" or "available"
        self.field = field
        self.current = current
        #: the signed change that was asked for
        self.requested = requested


class InvalidAmountError(PortfolioError, ValueError):
    """An amount is not a finite Decimal (or is negative where it must not be)."""


class ValuationError(PortfolioError):
    """An asset cannot be valued in the reference market: no chain of known prices reaches it."""
