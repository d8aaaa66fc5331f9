"""Sorted trigger levels of the open orders of one symbol.

Why: processing a price must not cost one comparison per open order. Orders are kept in two sorted lists
of levels: those that fire when the price rises to their level (sell limits, buy stops, sell take-profits)
and those that fire when it falls to it (buy limits, sell stops, buy take-profits). A price move from
``a`` to ``b`` only looks at the head of one list: O(log n) to insert or remove, O(1) per check.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from math import inf, nextafter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: the compiled build keeps them as objects (see the .pxd)
    from decimal import Decimal

    from octobot_trading.orders.order import Order

UP = 1  # fires when the price rises to >= level
DOWN = -1  # fires when the price falls to <= level


class TriggerIndex:
    """Orders at equal levels fire in the order they were indexed."""

    def __init__(self) -> None:
        # both lists are sorted so that the next level to fire is the LAST item (O(1) pop):
        self._up: list = []  # ascending (-level, -seq): last = lowest rising level, oldest first
        self._down: list = []  # ascending (level, -seq): last = highest falling level, oldest first
        self._orders: dict = {}  # seq -> order
        self._keys: dict = {}  # id(order) -> (direction, key)
        self._seq = 0
        # float guards of the head levels (see `outside_floats`), remade when a head changes
        self._up_head: object = None
        self._down_head: object = None
        self._up_guard = inf
        self._down_guard = -inf

    def __len__(self) -> int:
        return len(self._orders)

    def add(self, order: Order, level: Decimal, direction: object) -> None:  # UP or DOWN
        if id(order) in self._keys:
            self.remove(order)
        self._seq += 1
        seq = self._seq
        if direction == UP:
            key = (-level, -seq)
            insort(self._up, key)
        else:
            key = (level, -seq)
            insort(self._down, key)
        self._orders[seq] = order
        self._keys[id(order)] = (direction, key)

    def remove(self, order: Order) -> bool:
        """Forget ``order``; False when it was not indexed."""
        entry = self._keys.pop(id(order), None)
        if entry is None:
            return False
        direction, key = entry
        levels = self._up if direction == UP else self._down
        position = bisect_left(levels, key)
        del levels[position]
        del self._orders[-key[1]]
        return True

    def __contains__(self, order: object) -> bool:
        return id(order) in self._keys

    def pop_up(self, price: Decimal) -> Order | None:
        """The order with the lowest rising level ``<= price``, removed from the index; else None."""
        if self._up and -self._up[-1][0] <= price:
            key = self._up.pop()
            order = self._orders.pop(-key[1])
            del self._keys[id(order)]
            return order
        return None

    def pop_down(self, price: Decimal) -> Order | None:
        """The order with the highest falling level ``>= price``, removed from the index; else None."""
        if self._down and self._down[-1][0] >= price:
            key = self._down.pop()
            order = self._orders.pop(-key[1])
            del self._keys[id(order)]
            return order
        return None

    def outside(self, low: Decimal, high: Decimal) -> bool:
        """True when no level fires on prices within [low, high]: every rising level is above ``high``
        and every falling level below ``low``."""
        up, down = self._up, self._down
        return (not up or -up[-1][0] > high) and (not down or down[-1][0] < low)

    def outside_floats(self, low: float, high: float) -> bool:
        """True when `outside` is sure to be True for ``Decimal(str(low))`` and ``Decimal(str(high))``,
        decided on the floats (False: not sure, ask `outside`).

        Why: a candle's prices come as floats, and making two Decimals of them on every candle while an
        order is open costs more than the rest of the candle's path. A guard is the float two steps
        inside a head level: a float beyond it has every decimal text that reads as it (so its
        ``str``) strictly beyond the level, so the answer is exact and only prices within two float
        steps of a level are left to the Decimal comparison.
        """
        up, down = self._up, self._down
        if up:
            head = up[-1]
            if head is not self._up_head:
                self._up_head = head
                self._up_guard = nextafter(float(-head[0]), -inf)
            if not high < self._up_guard:
                return False
        if down:
            head = down[-1]
            if head is not self._down_head:
                self._down_head = head
                self._down_guard = nextafter(float(head[0]), inf)
            if not low > self._down_guard:
                return False
        return True

    def orders(self) -> list[Order]:
        return list(self._orders.values())
