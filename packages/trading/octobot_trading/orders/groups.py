"""Order groups: one-cancels-the-other.

Why a group object rather than links between orders: a group may hold more than two legs (a stop-loss
and several take-profits share the position they protect) and the rule is stated once.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from octobot_trading.exact import EXACT
from octobot_trading.orders.order import Order

_group_ids = itertools.count(1)


class OneCancelsTheOther:
    """When one leg fills (even partially), every other open leg of the group is cancelled."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name or f"oco-{next(_group_ids)}"
        self.orders: list[Order] = []

    def add(self, order: Order) -> Order:
        order.group = self
        self.orders.append(order)
        return order

    def others(self, order: Order) -> list[Order]:
        """The legs to cancel once ``order`` fills."""
        return [other for other in self.orders if other is not order and not other.is_closed]

    def shared_lock(self, order: Order, asset: str) -> Decimal:
        """What the other open legs already hold of ``asset``: the legs of a group share one lock,
        since at most one of them can fill."""
        held = Decimal(0)
        for other in self.others(order):
            if other.locked_asset == asset and other.is_active:
                held = EXACT.add(held, other.locked_amount)
        return held

    def pool_lock_into(self, order: Order) -> None:
        """Move the other legs' reservation of the same asset to ``order`` (it is about to fill)."""
        for other in self.others(order):
            if other.locked_asset == order.locked_asset and other.locked_amount:
                order.locked_amount = EXACT.add(order.locked_amount, other.locked_amount)
                other.locked_amount = Decimal(0)

    def hand_over_lock(self, order: Order) -> Decimal:
        """``order`` leaves the group without filling: give its reservation to the other open legs
        that need it; returns what is left to release."""
        left = order.locked_amount
        for other in self.others(order):
            if not left or other.locked_asset != order.locked_asset or not other.is_active:
                continue
            missing = EXACT.subtract(other.required_lock, other.locked_amount)
            if missing > 0:
                moved = min(missing, left)
                other.locked_amount = EXACT.add(other.locked_amount, moved)
                left = EXACT.subtract(left, moved)
        order.locked_amount = left
        return left

    def __repr__(self) -> str:
        return f"OneCancelsTheOther({self.name}, {len(self.orders)} legs)"
