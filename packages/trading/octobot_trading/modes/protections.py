"""The stop-loss and take-profit that protect an entry, as chained order requests.

Why a shared helper: every mode that enters a position (daily, DCA, dip analyser, TradingView signals)
protects it the same way; the legs sell what the entry brings (amount None: sized when it fills) and form
one one-cancels-the-other group when both exist.
"""

from __future__ import annotations

from decimal import Decimal

from octobot_trading.modes.order_plan import OrderRequest
from octobot_trading.orders.enums import OrderKind, OrderSide

HUNDRED = Decimal(100)


def protections(
    entry: Decimal,
    stop_loss_percent: float | Decimal | None,
    take_profit_percent: float | Decimal | None,
    tag: str | None = None,
) -> tuple[OrderRequest, ...]:
    """A stop-loss ``stop_loss_percent`` below ``entry`` and a limit take-profit ``take_profit_percent``
    above it (each only when given), selling what a buy at ``entry`` brings."""
    legs = []
    if stop_loss_percent is not None:
        level = entry * (1 - Decimal(str(stop_loss_percent)) / HUNDRED)
        legs.append(OrderRequest(OrderSide.SELL, OrderKind.STOP_LOSS, None, trigger_price=level, tag=tag))
    if take_profit_percent is not None:
        level = entry * (1 + Decimal(str(take_profit_percent)) / HUNDRED)
        legs.append(OrderRequest(OrderSide.SELL, OrderKind.LIMIT, None, price=level, tag=tag))
    return tuple(legs)
