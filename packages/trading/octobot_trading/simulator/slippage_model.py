"""Slippage model: how much worse than the reference price a taker fill executes.

Off by default (0 bps) so that results are comparable with other frameworks; limit (maker) fills never
slip: they execute at their price.
"""

from __future__ import annotations

from decimal import Decimal

BPS = Decimal(10_000)


class SlippageModel:
    def __init__(self, bps: Decimal = Decimal(0)) -> None:
        if bps < 0:
            raise ValueError(f"slippage must be >= 0 bps, got {bps}")
        self.bps = Decimal(bps)

    def apply(self, price: Decimal, is_buy: bool) -> Decimal:
        """Buys pay more, sells receive less."""
        if not self.bps:
            return price
        factor = self.bps / BPS
        return price * (1 + factor) if is_buy else price * (1 - factor)
