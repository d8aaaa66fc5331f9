"""One order: what was asked, what the market did with it, and its status.

Why the amounts live here and not in the simulator: the same object describes an order on a real exchange
and in the simulator; only the connector that moves it through its states differs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from octobot_trading.exact import EXACT
from octobot_trading.orders.enums import OrderKind, OrderSide, OrderStatus
from octobot_trading.orders.state_machine import check_transition

if TYPE_CHECKING:
    from octobot_trading.orders.groups import OneCancelsTheOther

logger = logging.getLogger(__name__)

ZERO = Decimal(0)


@dataclass(eq=False)
class Order:
    """An order of one account on one symbol.

    ``price`` is the limit price (limit kinds), ``trigger_price`` the level of stops, take-profits and
    trailing stops (for a trailing stop it moves with the market), ``trailing_percent`` the distance of a
    trailing stop from the best price seen since it opened, in percent.
    """

    order_id: str
    exchange_id: str
    symbol: str
    side: OrderSide
    kind: OrderKind
    amount: Decimal
    created_at: int
    price: Decimal | None = None
    trigger_price: Decimal | None = None
    trailing_percent: Decimal | None = None
    status: OrderStatus = OrderStatus.PENDING
    filled: Decimal = ZERO
    filled_cost: Decimal = ZERO
    fees: dict[str, Decimal] = field(default_factory=dict)
    updated_at: int = 0
    #: time from which the exchange considers the order (creation + simulated latency)
    active_from: int = 0
    #: True once a stop/take-profit/trailing order has been triggered
    triggered: bool = False
    #: True when the order takes liquidity (market kinds, marketable limits)
    taker: bool = False
    #: funds reserved for this order in the portfolio: asset and amount still locked
    locked_asset: str | None = None
    locked_amount: Decimal = ZERO
    #: what the order needs locked on its own; legs of a one-cancels-the-other group share one lock,
    #: so a leg may hold less (down to 0) while another leg holds the group's reservation
    required_lock: Decimal = ZERO
    #: fee expected when the order fills, in the asset it is charged in
    forecast_fee: Decimal = ZERO
    forecast_fee_asset: str | None = None
    #: one-cancels-the-other group, if any
    group: OneCancelsTheOther | None = None
    #: orders created (pending) when this one fills: its stop-loss and take-profits
    chained: list[Order] = field(default_factory=list)
    parent_id: str | None = None
    #: a chained order sized when its parent fills: what the parent brought (filled minus the fee
    #: charged in the received asset), on the market's precision
    sized_by_parent: bool = False
    #: the part (0, 1] of what the parent brought such an order sells (several take-profits split it);
    #: None: all of it
    parent_share: Decimal | None = None
    #: best price seen since a trailing stop opened (highest for a sell, lowest for a buy)
    trailing_extreme: Decimal | None = None
    tag: str | None = None
    #: time (ms) from which the order is no longer matched: it expires (good-till-date); None: never
    expires_at: int | None = None
    #: True when its owner acts on its fill (a trading mode's ``plan_on_fill``: a grid's mirror): a
    #: backtest's simulator then pauses the candle's walk after the fill, so that what the owner creates
    #: meets the rest of that candle, as it would live (see the simulator's module doc)
    fill_watched: bool = False

    # --- derived values -------------------------------------------------------------------------
    @property
    def remaining(self) -> Decimal:
        return EXACT.subtract(self.amount, self.filled)

    @property
    def average_price(self) -> Decimal | None:
        return self.filled_cost / self.filled if self.filled else None

    @property
    def is_closed(self) -> bool:
        return self.status.is_closed

    @property
    def is_active(self) -> bool:
        return self.status.is_active

    @property
    def is_buy(self) -> bool:
        return self.side is OrderSide.BUY

    @property
    def rests_as_limit(self) -> bool:
        """True when the order waits at ``price`` as a limit order (plain limit or triggered stop-limit)."""
        return self.kind is OrderKind.LIMIT or (self.kind.becomes_limit and self.triggered)

    def reference_price(self) -> Decimal | None:
        """The price the order is expected to fill at: its limit, else its trigger."""
        if self.kind is OrderKind.LIMIT or self.kind.becomes_limit:
            return self.price
        return self.trigger_price

    # --- state changes --------------------------------------------------------------------------
    def set_status(self, status: OrderStatus, time: int) -> None:
        """Move to ``status``; the state machine refuses any way back."""
        check_transition(self.order_id, self.status, status)
        if logger.isEnabledFor(logging.DEBUG):  # the values are read only for a log written
            logger.debug("order %s: %s -> %s", self.order_id, self.status.value, status.value)
        self.status = status
        self.updated_at = time

    def record_fill(self, amount: Decimal, price: Decimal, fee_asset: str, fee: Decimal, time: int) -> None:
        """Add one fill and move to partially filled or filled."""
        self.filled = EXACT.add(self.filled, amount)
        self.filled_cost = EXACT.add(self.filled_cost, EXACT.multiply(amount, price))
        if fee:
            self.fees[fee_asset] = self.fees.get(fee_asset, ZERO) + fee
        status = OrderStatus.FILLED if self.filled >= self.amount else OrderStatus.PARTIALLY_FILLED
        self.set_status(status, time)

    def record_fill_after_cancel(
        self, amount: Decimal, price: Decimal, fee_asset: str, fee: Decimal, time: int
    ) -> None:
        """A fill the exchange made before the bot's cancel reached it: the order, closed here as
        cancelled, takes the exchange's word (filled once whole; a partial fill stays cancelled)."""
        if self.status is not OrderStatus.CANCELLED:
            raise ValueError(f"order {self.order_id}: only a cancelled order gets a fill after its cancel")
        self.filled = EXACT.add(self.filled, amount)
        self.filled_cost = EXACT.add(self.filled_cost, EXACT.multiply(amount, price))
        if fee:
            self.fees[fee_asset] = self.fees.get(fee_asset, ZERO) + fee
        if self.filled >= self.amount:
            logger.debug("order %s: cancelled -> filled (the exchange filled it first)", self.order_id)
            self.status = OrderStatus.FILLED
        self.updated_at = time

    def to_dict(self) -> dict:
        """A plain view of the order, the one carried by the Orders channel."""
        return {
            "id": self.order_id,
            "exchange": self.exchange_id,
            "symbol": self.symbol,
            "side": self.side.value,
            "kind": self.kind.value,
            "amount": self.amount,
            "price": self.price,
            "trigger_price": self.trigger_price,
            "filled": self.filled,
            "average_price": self.average_price,
            "fees": dict(self.fees),
            "status": self.status.value,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "parent_id": self.parent_id,
            "tag": self.tag,
        }

    def __repr__(self) -> str:
        level = self.price if self.price is not None else self.trigger_price
        return (
            f"Order({self.order_id} {self.symbol} {self.side.value} {self.kind.value} {self.amount}"
            f"@{level} {self.status.value} filled={self.filled})"
        )
