"""Orders and trades as the emulated exchange keeps them, with their Binance JSON forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from octobot_exchange_emulator.market_spec import fmt

ZERO = Decimal(0)

#: Binance order types served, and whether they wait for a trigger price
LIMIT_TYPES = ("LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")
#: stop orders that become market orders when triggered
STOP_MARKET_TYPES = ("STOP_LOSS", "TAKE_PROFIT")
TRIGGERED_TYPES = ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT", *STOP_MARKET_TYPES)
ORDER_TYPES = ("MARKET", *LIMIT_TYPES, *STOP_MARKET_TYPES)
OPEN_STATUSES = ("NEW", "PARTIALLY_FILLED")
#: order list (OCO) leg types, by position (Binance spot, POST /api/v3/orderList/oco)
SELL_ABOVE_TYPES = ("LIMIT_MAKER", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")
SELL_BELOW_TYPES = ("STOP_LOSS", "STOP_LOSS_LIMIT")


@dataclass
class EmulatedOrder:
    """One order of the account. ``working`` is False while a stop order waits for its trigger."""

    order_id: int
    client_order_id: str
    symbol: str
    market_id: str
    side: str  # "BUY" | "SELL"
    type: str
    quantity: Decimal
    price: Decimal | None
    stop_price: Decimal | None
    time_in_force: str | None
    time: int
    working: bool = True
    status: str = "NEW"
    executed: Decimal = ZERO
    quote_executed: Decimal = ZERO
    update_time: int = 0
    working_time: int = -1
    #: the amount still reserved (quote for buys at the limit price, base for sells)
    locked: Decimal = ZERO
    filled_this_candle: Decimal = ZERO
    done_this_candle: bool = False
    fills: list[dict] = field(default_factory=list)
    #: the order list (OCO) the order is a leg of, -1 for none
    order_list_id: int = -1

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.executed

    def to_binance(self) -> dict:
        """GET /api/v3/order answer."""
        return {
            "symbol": self.market_id,
            "orderId": self.order_id,
            "orderListId": self.order_list_id,
            "clientOrderId": self.client_order_id,
            "price": fmt(self.price or ZERO),
            "origQty": fmt(self.quantity),
            "executedQty": fmt(self.executed),
            "cummulativeQuoteQty": fmt(self.quote_executed),
            "status": self.status,
            "timeInForce": self.time_in_force or "GTC",
            "type": self.type,
            "side": self.side,
            "stopPrice": fmt(self.stop_price or ZERO),
            "icebergQty": "0.00000000",
            "time": self.time,
            "updateTime": self.update_time or self.time,
            "isWorking": self.working,
            "workingTime": self.working_time,
            "origQuoteOrderQty": "0.00000000",
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }

    def to_new_order_answer(self, transact_time: int) -> dict:
        """POST /api/v3/order answer (newOrderRespType FULL, what ccxt asks for)."""
        answer = {
            "symbol": self.market_id,
            "orderId": self.order_id,
            "orderListId": self.order_list_id,
            "clientOrderId": self.client_order_id,
            "transactTime": transact_time,
            "price": fmt(self.price or ZERO),
            "origQty": fmt(self.quantity),
            "executedQty": fmt(self.executed),
            "cummulativeQuoteQty": fmt(self.quote_executed),
            "status": self.status,
            "timeInForce": self.time_in_force or "GTC",
            "type": self.type,
            "side": self.side,
            "workingTime": self.working_time,
            "fills": list(self.fills),
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }
        if self.stop_price is not None:
            answer["stopPrice"] = fmt(self.stop_price)
        return answer

    def to_cancel_answer(self, cancel_client_id: str, transact_time: int) -> dict:
        return {
            "symbol": self.market_id,
            "origClientOrderId": self.client_order_id,
            "orderId": self.order_id,
            "orderListId": self.order_list_id,
            "clientOrderId": cancel_client_id,
            "transactTime": transact_time,
            "price": fmt(self.price or ZERO),
            "origQty": fmt(self.quantity),
            "executedQty": fmt(self.executed),
            "cummulativeQuoteQty": fmt(self.quote_executed),
            "status": self.status,
            "timeInForce": self.time_in_force or "GTC",
            "type": self.type,
            "side": self.side,
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }


@dataclass
class EmulatedOrderList:
    """A one-cancels-the-other order list: two legs sharing ONE reservation (``locked``) until one leg
    triggers or fills; that leg then takes what it needs of it and the other legs expire."""

    list_id: int
    list_client_order_id: str
    symbol: str
    market_id: str
    orders: list[EmulatedOrder]
    transaction_time: int
    #: the reservation shared by the legs (quote for buys, base for sells); 0 once resolved
    locked: Decimal = ZERO
    #: "EXEC_STARTED" while both legs wait, "ALL_DONE" once the contingency played out
    status_type: str = "EXEC_STARTED"
    order_status: str = "EXECUTING"

    @property
    def is_executing(self) -> bool:
        return self.status_type == "EXEC_STARTED"

    def summary(self) -> dict:
        """GET /api/v3/orderList answer (and the head of the other list answers)."""
        return {
            "orderListId": self.list_id,
            "contingencyType": "OCO",
            "listStatusType": self.status_type,
            "listOrderStatus": self.order_status,
            "listClientOrderId": self.list_client_order_id,
            "transactionTime": self.transaction_time,
            "symbol": self.market_id,
            "orders": [
                {"symbol": o.market_id, "orderId": o.order_id, "clientOrderId": o.client_order_id}
                for o in self.orders
            ],
        }

    def to_new_answer(self, transact_time: int) -> dict:
        """POST /api/v3/orderList/oco answer: the summary plus one report per leg."""
        reports = []
        for order in self.orders:
            report = order.to_new_order_answer(transact_time)
            report.pop("fills", None)
            report["stopPrice"] = fmt(order.stop_price or ZERO)
            reports.append(report)
        return self.summary() | {"orderReports": reports}

    def to_cancel_answer(self, transact_time: int) -> dict:
        """DELETE /api/v3/orderList answer."""
        reports = []
        for order in self.orders:
            report = order.to_cancel_answer(order.client_order_id, transact_time)
            report["stopPrice"] = fmt(order.stop_price or ZERO)
            reports.append(report)
        return self.summary() | {"orderReports": reports}

    def status_event(self, now: int) -> dict:
        """The user data stream's ``listStatus`` event."""
        return {
            "e": "listStatus",
            "E": now,
            "s": self.market_id,
            "g": self.list_id,
            "c": "OCO",
            "l": self.status_type,
            "L": self.order_status,
            "r": "NONE",
            "C": self.list_client_order_id,
            "T": now,
            "O": [{"s": o.market_id, "i": o.order_id, "c": o.client_order_id} for o in self.orders],
        }


@dataclass(frozen=True)
class EmulatedTrade:
    """One fill of an order of the account."""

    trade_id: int
    order_id: int
    symbol: str
    market_id: str
    side: str
    price: Decimal
    quantity: Decimal
    quote_quantity: Decimal
    commission: Decimal
    commission_asset: str
    time: int
    maker: bool

    def to_binance(self) -> dict:
        """GET /api/v3/myTrades entry."""
        return {
            "symbol": self.market_id,
            "id": self.trade_id,
            "orderId": self.order_id,
            "orderListId": -1,
            "price": fmt(self.price),
            "qty": fmt(self.quantity),
            "quoteQty": fmt(self.quote_quantity),
            "commission": fmt(self.commission),
            "commissionAsset": self.commission_asset,
            "time": self.time,
            "isBuyer": self.side == "BUY",
            "isMaker": self.maker,
            "isBestMatch": True,
        }

    def to_fill(self) -> dict:
        """A ``fills`` entry of the new-order answer."""
        return {
            "price": fmt(self.price),
            "qty": fmt(self.quantity),
            "commission": fmt(self.commission),
            "commissionAsset": self.commission_asset,
            "tradeId": self.trade_id,
        }
