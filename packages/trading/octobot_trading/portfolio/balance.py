"""One asset's balance and one change to it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Balance:
    """``total`` held and the ``available`` part (not locked by open orders)."""

    total: Decimal = ZERO
    available: Decimal = ZERO

    @property
    def locked(self) -> Decimal:
        return self.total - self.available


@dataclass(frozen=True, slots=True)
class BalanceDelta:
    """A signed change of one asset's total and available amounts.

    A fill that spends locked funds changes ``total`` only (the funds were already unavailable); a
    deposit changes both. ``Portfolio.apply`` also accepts a bare Decimal, meaning both by that amount.
    """

    total: Decimal = ZERO
    available: Decimal = ZERO

    @classmethod
    def both(cls, amount: Decimal) -> BalanceDelta:
        return cls(amount, amount)
