"""Order vocabulary: sides, kinds and statuses, named once for the whole package."""

from __future__ import annotations

from enum import Enum


class OrderSide(str, Enum):
    BUY = "buy"
    SELL = "sell"

    @property
    def opposite(self) -> OrderSide:
        return OrderSide.SELL if self is OrderSide.BUY else OrderSide.BUY


class OrderKind(str, Enum):
    """What an order does when the market reaches it.

    Stops, take-profits and trailing stops exist as a market flavour (fills at the trigger, taker) and a
    limit flavour (becomes a limit order at ``price`` once triggered).
    """

    MARKET = "market"
    LIMIT = "limit"
    STOP_LOSS = "stop_loss"
    STOP_LIMIT = "stop_limit"
    TAKE_PROFIT = "take_profit"
    TAKE_PROFIT_LIMIT = "take_profit_limit"
    TRAILING_STOP = "trailing_stop"
    TRAILING_STOP_LIMIT = "trailing_stop_limit"

    @property
    def has_trigger(self) -> bool:
        return self not in (OrderKind.MARKET, OrderKind.LIMIT)

    @property
    def is_trailing(self) -> bool:
        return self in (OrderKind.TRAILING_STOP, OrderKind.TRAILING_STOP_LIMIT)

    @property
    def becomes_limit(self) -> bool:
        """True for the kinds that rest as a limit order at ``price`` once triggered."""
        return self in (OrderKind.STOP_LIMIT, OrderKind.TAKE_PROFIT_LIMIT, OrderKind.TRAILING_STOP_LIMIT)

    @property
    def is_stop(self) -> bool:
        """Stops protect a position: they trigger when the price moves against the order's side."""
        return self in (OrderKind.STOP_LOSS, OrderKind.STOP_LIMIT)


class OrderStatus(str, Enum):
    PENDING = "pending"  # known locally, not (yet) on the exchange: chained orders waiting for a parent
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def is_closed(self) -> bool:
        return self in _CLOSED

    @property
    def is_active(self) -> bool:
        """True when the order rests on the book and may fill."""
        return self in (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)


_CLOSED = frozenset({OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.EXPIRED})
