"""This project's types for what an exchange reports (orders, trades, balances, books), built from ccxt's
structures, with every amount, price and fee as ``Decimal``.

Why here: raw ccxt dicts (floats, exchange-specific ``info``, string statuses) must not leak past the
connector; the live trader and reconciliation compare these typed snapshots with their own orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from octobot_trading.markets import to_decimal
from octobot_trading.orders.enums import OrderKind, OrderSide, OrderStatus
from octobot_trading.orders.trade import Trade
from octobot_trading.portfolio import Balance

ZERO = Decimal(0)

#: ccxt's unified order types (and Binance's raw ones ccxt passes through) -> our kinds
_KINDS = {
    "market": OrderKind.MARKET,
    "limit": OrderKind.LIMIT,
    "limit_maker": OrderKind.LIMIT,
    "stop": OrderKind.STOP_LOSS,
    "stop_market": OrderKind.STOP_LOSS,
    "stop_loss": OrderKind.STOP_LOSS,
    "stop_limit": OrderKind.STOP_LIMIT,
    "stop_loss_limit": OrderKind.STOP_LIMIT,
    "take_profit": OrderKind.TAKE_PROFIT,
    "take_profit_market": OrderKind.TAKE_PROFIT,
    "take_profit_limit": OrderKind.TAKE_PROFIT_LIMIT,
    "trailing_stop": OrderKind.TRAILING_STOP,
    "trailing_stop_market": OrderKind.TRAILING_STOP,
}


def dec(value: object, what: str = "value") -> Decimal | None:
    """``value`` as Decimal (floats through their shortest repr), None stays None."""
    if value is None or value == "":
        return None
    return to_decimal(value, what)


def _dec0(value: object, what: str) -> Decimal:
    result = dec(value, what)
    return ZERO if result is None else result


@dataclass(frozen=True)
class ExchangeOrder:
    """An order as the exchange reports it now (a snapshot; the trader's ``ot.Order`` is the bot's)."""

    exchange_order_id: str
    client_order_id: str | None
    symbol: str
    side: OrderSide
    kind: OrderKind
    amount: Decimal
    price: Decimal | None
    trigger_price: Decimal | None
    status: OrderStatus
    filled: Decimal
    average_price: Decimal | None
    cost: Decimal
    fees: dict[str, Decimal] = field(default_factory=dict)
    created_at: int = 0
    updated_at: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.filled

    @property
    def is_closed(self) -> bool:
        return self.status.is_closed

    @classmethod
    def from_ccxt(cls, order: dict[str, Any]) -> ExchangeOrder:
        """From ccxt's unified order structure."""
        filled = _dec0(order.get("filled"), "filled")
        amount = dec(order.get("amount"), "amount")
        if amount is None:  # some exchanges omit it on closed orders
            amount = filled + _dec0(order.get("remaining"), "remaining")
        status = _status(order.get("status"), filled, amount)
        # ccxt reduces Binance's STOP_LOSS_LIMIT & co. to "limit" / "market": the raw type says more
        raw_info = order.get("info")
        info: dict = raw_info if isinstance(raw_info, dict) else {}
        raw_type = str(info.get("type") or info.get("o") or "").lower()
        if raw_type not in _KINDS:
            raw_type = str(order.get("type") or "").lower()
        price = dec(order.get("price"), "price")
        trigger = dec(order.get("triggerPrice") or order.get("stopPrice"), "trigger_price")
        kind = _KINDS.get(raw_type)
        if kind is None:
            kind = OrderKind.LIMIT if price else OrderKind.MARKET
        average = dec(order.get("average"), "average")
        cost = dec(order.get("cost"), "cost")
        if cost is None:
            cost = filled * average if average is not None else ZERO
        if average is None and filled:
            average = cost / filled
        fees: dict[str, Decimal] = {}
        for fee in order.get("fees") or ([order["fee"]] if order.get("fee") else []):
            if fee and fee.get("currency") and fee.get("cost") is not None:
                fees[fee["currency"]] = fees.get(fee["currency"], ZERO) + _dec0(fee["cost"], "fee")
        created = int(order.get("timestamp") or 0)
        updated = int(order.get("lastUpdateTimestamp") or order.get("lastTradeTimestamp") or created)
        return cls(
            exchange_order_id=str(order.get("id")),
            # Binance answers a cancel with the cancel request's own id in clientOrderId
            client_order_id=info.get("origClientOrderId") or order.get("clientOrderId") or None,
            symbol=str(order.get("symbol")),
            side=OrderSide(str(order.get("side")).lower()),
            kind=kind,
            amount=amount,
            price=price if kind is not OrderKind.MARKET else None,
            trigger_price=trigger,
            status=status,
            filled=filled,
            average_price=average,
            cost=cost,
            fees=fees,
            created_at=created,
            updated_at=updated,
        )


@dataclass(frozen=True)
class ExchangeOrderList:
    """A one-cancels-the-other order list as the exchange reports it: its legs share one reservation;
    once a leg triggers or fills, the exchange expires the others (``is_open`` is then False)."""

    list_id: str
    list_client_order_id: str | None
    symbol: str
    is_open: bool
    orders: tuple[ExchangeOrder, ...]

    def leg(self, client_order_id: str) -> ExchangeOrder | None:
        return next((o for o in self.orders if o.client_order_id == client_order_id), None)


def _status(raw: object, filled: Decimal, amount: Decimal) -> OrderStatus:
    if raw == "closed":
        return OrderStatus.FILLED
    if raw in ("canceled", "cancelled"):
        return OrderStatus.CANCELLED
    if raw == "expired":
        return OrderStatus.EXPIRED
    if raw == "rejected":
        return OrderStatus.REJECTED
    if filled and filled >= amount:
        return OrderStatus.FILLED
    return OrderStatus.PARTIALLY_FILLED if filled else OrderStatus.OPEN


@dataclass(frozen=True)
class ExchangeTrade:
    """One fill of one of the account's orders, as the exchange reports it."""

    trade_id: str
    exchange_order_id: str | None
    symbol: str
    side: OrderSide
    amount: Decimal
    price: Decimal
    cost: Decimal
    fee_asset: str | None
    fee: Decimal
    taker: bool
    time: int

    @classmethod
    def from_ccxt(cls, trade: dict[str, Any]) -> ExchangeTrade:
        amount = _dec0(trade.get("amount"), "amount")
        price = _dec0(trade.get("price"), "price")
        cost = dec(trade.get("cost"), "cost")
        fee = trade.get("fee") or {}
        return cls(
            trade_id=str(trade.get("id")),
            exchange_order_id=str(trade["order"]) if trade.get("order") is not None else None,
            symbol=str(trade.get("symbol")),
            side=OrderSide(str(trade.get("side")).lower()),
            amount=amount,
            price=price,
            cost=amount * price if cost is None else cost,
            fee_asset=fee.get("currency"),
            fee=_dec0(fee.get("cost"), "fee"),
            taker=trade.get("takerOrMaker") != "maker",
            time=int(trade.get("timestamp") or 0),
        )

    def to_trade(
        self,
        exchange_id: str,
        kind: OrderKind = OrderKind.MARKET,
        order_id: str | None = None,
        realised_pnl: Decimal = ZERO,
    ) -> Trade:
        """As the account's ``ot.Trade`` (``order_id``: the bot's id of the order, default the exchange's)."""
        return Trade(
            trade_id=self.trade_id,
            order_id=order_id or self.exchange_order_id or "",
            exchange_id=exchange_id,
            symbol=self.symbol,
            side=self.side,
            kind=kind,
            amount=self.amount,
            price=self.price,
            cost=self.cost,
            fee_asset=self.fee_asset or "",
            fee=self.fee,
            taker=self.taker,
            time=self.time,
            realised_pnl=realised_pnl,
        )


@dataclass(frozen=True)
class OrderBook:
    """Bids (best first, descending) and asks (best first, ascending) as [price, amount] Decimal pairs."""

    symbol: str
    bids: list[list[Decimal]]
    asks: list[list[Decimal]]
    time: int

    @classmethod
    def from_ccxt(cls, symbol: str, book: dict[str, Any], now_ms: int) -> OrderBook:
        return cls(
            symbol=symbol,
            bids=[[_dec0(p, "bid"), _dec0(a, "bid amount")] for p, a, *_ in book.get("bids") or []],
            asks=[[_dec0(p, "ask"), _dec0(a, "ask amount")] for p, a, *_ in book.get("asks") or []],
            time=int(book.get("timestamp") or now_ms),
        )


_TICKER_FIELDS = (
    "bid",
    "bidVolume",
    "ask",
    "askVolume",
    "last",
    "open",
    "high",
    "low",
    "close",
    "vwap",
    "baseVolume",
    "quoteVolume",
    "change",
    "percentage",
    "average",
)


def ticker_from_ccxt(ticker: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """ccxt's unified ticker without ``info``, numbers as Decimal (what ``push_ticker`` takes)."""
    result: dict[str, Any] = {
        "symbol": ticker.get("symbol"),
        "timestamp": int(ticker.get("timestamp") or now_ms),
    }
    for name in _TICKER_FIELDS:
        result[name] = dec(ticker.get(name), name)
    return result


def public_trade_from_ccxt(trade: dict[str, Any]) -> dict[str, Any]:
    """A market trade as ``{id, time, side, price, amount}`` (Decimal numbers)."""
    return {
        "id": str(trade.get("id")),
        "time": int(trade.get("timestamp") or 0),
        "side": trade.get("side"),
        "price": _dec0(trade.get("price"), "price"),
        "amount": _dec0(trade.get("amount"), "amount"),
    }


def balances_from_ccxt(balance: dict[str, Any]) -> dict[str, Balance]:
    """Non-zero balances ``{asset: ot.Balance(total, available)}`` from ccxt's balance structure."""
    totals = balance.get("total") or {}
    frees = balance.get("free") or {}
    result = {}
    for asset, total in totals.items():
        total_d = _dec0(total, f"{asset} total")
        free_d = dec(frees.get(asset), f"{asset} free")
        if total_d or free_d:
            result[asset] = Balance(total_d, total_d if free_d is None else free_d)
    return result
