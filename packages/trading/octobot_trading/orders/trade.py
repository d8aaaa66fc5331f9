"""A trade: one fill of one order, with its fee and the PnL it realised."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from octobot_trading.orders.enums import OrderKind, OrderSide


@dataclass(frozen=True, slots=True)
class Trade:
    """One fill. ``realised_pnl`` is in quote currency, measured against the average entry price of the
    position the account held before this fill (zero for fills that grow the position).

    Slotted: a backtest keeps every trade until its report (thousands per pair and year), so each one
    holds no per-instance dict."""

    trade_id: str
    order_id: str
    exchange_id: str
    symbol: str
    side: OrderSide
    kind: OrderKind
    amount: Decimal
    price: Decimal
    cost: Decimal
    fee_asset: str
    fee: Decimal
    taker: bool
    time: int
    realised_pnl: Decimal

    def to_dict(self) -> dict:
        return {
            "id": self.trade_id,
            "order_id": self.order_id,
            "exchange": self.exchange_id,
            "symbol": self.symbol,
            "side": self.side.value,
            "kind": self.kind.value,
            "amount": self.amount,
            "price": self.price,
            "cost": self.cost,
            "fee": {"currency": self.fee_asset, "cost": self.fee},
            "taker": self.taker,
            "time": self.time,
            "realised_pnl": self.realised_pnl,
        }
