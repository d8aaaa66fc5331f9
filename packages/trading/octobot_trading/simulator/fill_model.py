"""Fill model: the price path a candle is assumed to follow, and how much of an order may fill.

Why an explicit path: a candle only tells open, high, low and close. When two orders of a group are both
inside its range (a stop-loss below and a take-profit above), which one fills first must not depend on
the order they were created in. We assume the market went

    open -> the extreme nearer to the open -> the farther extreme -> close

(when both extremes are equally far from the open, the low comes first: the pessimistic choice for the
long positions a spot bot holds). Orders are met in that order along the path.
"""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal(0)


class FillModel:
    """Deterministic intra-candle path and optional volume cap on fills.

    ``volume_cap`` is the largest share of a candle's volume one order may take on that candle
    (``None``: no cap, an order fills entirely when reached). With a cap, the rest stays open and fills
    on the next candles: partial fills.
    """

    def __init__(self, volume_cap: Decimal | None = None) -> None:
        if volume_cap is not None and not ZERO < volume_cap <= 1:
            raise ValueError(f"volume_cap must be in (0, 1], got {volume_cap}: use e.g. Decimal('0.1')")
        self.volume_cap = volume_cap

    def candle_path(self, open_: Decimal, high: Decimal, low: Decimal, close: Decimal) -> list[Decimal]:
        """The prices the market is assumed to have visited, in order."""
        if high - open_ < open_ - low:
            return [open_, high, low, close]
        return [open_, low, high, close]

    def fillable(self, remaining: Decimal, volume: Decimal | None) -> Decimal:
        """How much of ``remaining`` may fill against a candle of ``volume`` (None: unknown, no cap)."""
        if self.volume_cap is None or volume is None:
            return remaining
        return min(remaining, volume * self.volume_cap)
