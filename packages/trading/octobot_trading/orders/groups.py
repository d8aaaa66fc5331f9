"""Order groups: one-cancels-the-other.

Why a group object rather than links between orders: a group may hold more than two legs (a stop-loss
and several take-profits share the position they protect) and the rule is stated once.
"""

from __future__ import annotations

import itertools

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

    def __repr__(self) -> str:
        return f"OneCancelsTheOther({self.name}, {len(self.orders)} legs)"
