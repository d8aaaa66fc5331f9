"""What a trading mode decides to do, as data: orders to cancel and orders to create.

Why a plan: a mode that only describes its orders (no side effect) is one definition whatever runs it;
the framework executes the plan (cancels first, then creates, sizing amount texts on the funds the cancels
freed), in live trading, paper trading and backtests alike, and a tool can ask a mode for its plan on any
account state without touching the account. An empty plan means the mode does not act.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from octobot_trading.orders.enums import OrderKind, OrderSide

if TYPE_CHECKING:
    from octobot_trading.orders.order import Order


@dataclass(frozen=True)
class OrderRequest:
    """One order to create.

    ``amount``: base units (Decimal), or an amount text of the amount syntax ("10a%", "50q", "0.2"),
    sized when the plan is executed (after its cancels freed their funds). For a chained order, None
    means what the parent brings: its amount minus the fee charged in the received asset.
    ``parent_share``: for a chained order of amount None, the part (0, 1] of what the parent brings it
    sells (several take-profits split it); None: all of it.
    ``chained``: orders created when this one fills (stop-loss, take-profits), one one-cancels-the-other
    group when ``one_cancels_the_other``.
    """

    side: OrderSide
    kind: OrderKind
    amount: Decimal | str | None
    price: Decimal | None = None
    trigger_price: Decimal | None = None
    trailing_percent: Decimal | None = None
    chained: tuple[OrderRequest, ...] = ()
    one_cancels_the_other: bool = False
    tag: str | None = None
    expires_at: int | None = None
    parent_share: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "side", OrderSide(self.side))  # "buy" and OrderSide.BUY alike
        object.__setattr__(self, "kind", OrderKind(self.kind))
        object.__setattr__(self, "chained", tuple(self.chained))


@dataclass(frozen=True)
class OrderPlan:
    """Orders of ``symbol`` to cancel, then orders to create, in this order."""

    symbol: str
    cancel: tuple[Order, ...] = ()
    create: tuple[OrderRequest, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "cancel", tuple(self.cancel))
        object.__setattr__(self, "create", tuple(self.create))

    def __bool__(self) -> bool:
        return bool(self.cancel or self.create)
