"""What differs from one exchange to the next, in one small class per exchange.

Why: ccxt unifies most of an exchange's API but not everything a live bot depends on: the name of the
client-order-id parameter and its allowed length, whether an order can be edited in place, which
answers mean "this order already exists" or "not enough funds" when ccxt maps them to a broader
exception. The generic profile is right for most exchanges; an exchange that needs more gets a
subclass (Binance first) and ``profile_for`` picks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class ErrorKind(str, Enum):
    """What an exchange's error text means for the connector."""

    INSUFFICIENT_FUNDS = "insufficient_funds"
    ORDER_NOT_FOUND = "order_not_found"
    DUPLICATE_ORDER = "duplicate_order"  # the client order id is taken: the order exists already
    INVALID_ORDER = "invalid_order"
    RATE_LIMIT = "rate_limit"
    TIMESTAMP = "timestamp"
    AUTHENTICATION = "authentication"


@dataclass(frozen=True)
class OcoLegRequest:
    """One leg of a one-cancels-the-other list: its kind ("limit", "stop_loss", "stop_limit",
    "take_profit", "take_profit_limit"), wire prices (exact decimal strings) and client order id."""

    kind: str
    price: str | None
    trigger_price: str | None
    client_order_id: str


@dataclass(frozen=True)
class OcoAnswer:
    """An exchange's answer about one order list: ids, whether it still waits for a leg to execute,
    the legs' full reports when the answer has them (create, cancel) and the legs' exchange ids."""

    list_id: str
    list_client_order_id: str | None
    is_open: bool
    reports: list[dict]
    leg_ids: list[str]


#: Binance order type of each leg kind (a plain limit leg must not take: LIMIT_MAKER)
_BINANCE_LEG_TYPES = {
    "limit": "LIMIT_MAKER",
    "take_profit": "TAKE_PROFIT",
    "take_profit_limit": "TAKE_PROFIT_LIMIT",
    "stop_loss": "STOP_LOSS",
    "stop_limit": "STOP_LOSS_LIMIT",
}


@dataclass(frozen=True)
class ExchangeProfile:
    """Capabilities and quirks of an exchange; the generic default suits most of ccxt's exchanges."""

    exchange_id: str = "generic"
    #: name of the client order id in ccxt's ``params`` of create_order
    client_order_id_param: str = "clientOrderId"
    #: longest client order id the exchange accepts, and the characters it allows
    client_order_id_max_length: int = 32
    client_order_id_pattern: str = r"^[A-Za-z0-9_-]+$"
    #: ccxt ``params`` key naming a client order id in fetch_order / cancel_order
    client_order_id_lookup_param: str = "clientOrderId"
    #: fetch_order accepts a client order id (else open and closed orders are searched)
    fetch_by_client_id: bool = False
    #: the exchange edits an order in place (ccxt edit_order); else cancel + create
    native_edit: bool = False
    #: the exchange takes a stop-loss and a take-profit as ONE one-cancels-the-other order list whose
    #: legs share one reservation (``create_oco``). Without it, the legs of a group are sent as separate
    #: orders, each reserving the whole amount: a spot exchange then refuses the second leg unless the
    #: account holds twice the position (the bot's own books still lock it once and cancel the other
    #: leg when one fills)
    native_oco: bool = False
    #: ccxt option holding the (local - server) clock offset used to stamp signed requests
    time_difference_option: str | None = None
    #: error texts (substrings, case-insensitive) and what they mean, checked before ccxt's mapping
    error_texts: tuple[tuple[str, ErrorKind], ...] = ()
    #: REST poll interval (s) of non-candle data (ticker, trades, book, own orders)
    default_poll_interval_s: float = 10.0
    #: expected seconds between two websocket messages per stream kind (watchdog baseline)
    expected_stream_interval_s: dict[str, float] = field(
        default_factory=lambda: {
            "ohlcv": 10.0,
            "ticker": 10.0,
            "trades": 30.0,
            "order_book": 10.0,
            "orders": 0.0,
        }
    )

    def oco_request(
        self, market_id: str, side: str, amount: str, legs: list[OcoLegRequest], list_client_id: str
    ) -> tuple[str, dict]:
        """(ccxt implicit API method, its params) creating a one-cancels-the-other list; only for
        exchanges with ``native_oco``."""
        raise NotImplementedError(f"{self.exchange_id} has no native one-cancels-the-other orders")

    def oco_lookup_request(
        self, market_id: str, list_id: str | None, list_client_id: str | None
    ) -> tuple[str, dict]:
        """(ccxt implicit API method, its params) reading an order list, by id or else client id."""
        raise NotImplementedError(f"{self.exchange_id} has no native one-cancels-the-other orders")

    def oco_cancel_request(
        self, market_id: str, list_id: str | None, list_client_id: str | None
    ) -> tuple[str, dict]:
        """(ccxt implicit API method, its params) cancelling an order list, by id or else client id."""
        raise NotImplementedError(f"{self.exchange_id} has no native one-cancels-the-other orders")

    def oco_answer(self, raw: dict) -> OcoAnswer:
        """The exchange's answer about an order list, read."""
        raise NotImplementedError(f"{self.exchange_id} has no native one-cancels-the-other orders")

    def classify(self, message: str) -> ErrorKind | None:
        """What ``message`` (an exchange answer) means, when this profile knows the text."""
        lowered = message.lower()
        for text, kind in self.error_texts:
            if text.lower() in lowered:
                return kind
        return None

    def check_client_order_id(self, client_order_id: str) -> None:
        if not 0 < len(client_order_id) <= self.client_order_id_max_length or not re.match(
            self.client_order_id_pattern, client_order_id
        ):
            raise ValueError(
                f"client order id {client_order_id!r} is not accepted by {self.exchange_id}: at most "
                f"{self.client_order_id_max_length} characters matching {self.client_order_id_pattern}"
            )


@dataclass(frozen=True)
class BinanceProfile(ExchangeProfile):
    """Binance spot.

    Edit is native (ccxt's edit_order: the cancelReplace endpoint, STOP_ON_FAILURE): the order is never
    off the book between the cancel and the new order. A partial failure (-2021: cancelled, new order
    refused) raises; the caller then finds the old order cancelled and no new one.
    """

    exchange_id: str = "binance"
    client_order_id_param: str = "newClientOrderId"
    client_order_id_max_length: int = 36
    client_order_id_pattern: str = r"^[.A-Z:/a-z0-9_-]+$"
    client_order_id_lookup_param: str = "origClientOrderId"
    fetch_by_client_id: bool = True
    native_edit: bool = True
    native_oco: bool = True
    time_difference_option: str | None = "timeDifference"
    error_texts: tuple[tuple[str, ErrorKind], ...] = (
        ("Duplicate order sent", ErrorKind.DUPLICATE_ORDER),
        ("insufficient balance", ErrorKind.INSUFFICIENT_FUNDS),
        ("Order does not exist", ErrorKind.ORDER_NOT_FOUND),
        ("Unknown order sent", ErrorKind.ORDER_NOT_FOUND),
        ("Unknown order list sent", ErrorKind.ORDER_NOT_FOUND),
        ("Order list does not exist", ErrorKind.ORDER_NOT_FOUND),
        ("outside of the recvWindow", ErrorKind.TIMESTAMP),
        ("ahead of the server", ErrorKind.TIMESTAMP),
        ("Invalid API-key", ErrorKind.AUTHENTICATION),
        ("API-key format invalid", ErrorKind.AUTHENTICATION),
        ("Signature for this request is not valid", ErrorKind.AUTHENTICATION),
        ("Filter failure", ErrorKind.INVALID_ORDER),
        ("Too many requests", ErrorKind.RATE_LIMIT),
        ("Too much request weight", ErrorKind.RATE_LIMIT),
    )
    expected_stream_interval_s: dict[str, float] = field(
        # Binance pushes klines every 2 s (1 s for 1s candles), tickers every 1 s, books every 1 s
        default_factory=lambda: {
            "ohlcv": 2.0,
            "ticker": 1.0,
            "trades": 10.0,
            "order_book": 1.0,
            "orders": 0.0,
        }
    )

    def oco_request(
        self, market_id: str, side: str, amount: str, legs: list[OcoLegRequest], list_client_id: str
    ) -> tuple[str, dict]:
        """POST /api/v3/orderList/oco: the stop leg is "below" on a sell and "above" on a buy."""
        stops = [leg for leg in legs if leg.kind in ("stop_loss", "stop_limit")]
        others = [leg for leg in legs if leg.kind not in ("stop_loss", "stop_limit")]
        if len(legs) != 2 or len(stops) != 1 or any(leg.kind not in _BINANCE_LEG_TYPES for leg in legs):
            raise ValueError(
                "a Binance order list takes one stop leg (stop_loss / stop_limit) and one limit, "
                f"take_profit or take_profit_limit leg; got {[leg.kind for leg in legs]}"
            )
        above, below = (others[0], stops[0]) if side == "sell" else (stops[0], others[0])
        params: dict[str, Any] = {"symbol": market_id, "side": side.upper(), "quantity": amount}
        for position, leg in (("above", above), ("below", below)):
            binance_type = _BINANCE_LEG_TYPES[leg.kind]
            params[position + "Type"] = binance_type
            params[position + "ClientOrderId"] = leg.client_order_id
            if leg.price is not None and binance_type in (
                "LIMIT_MAKER",
                "STOP_LOSS_LIMIT",
                "TAKE_PROFIT_LIMIT",
            ):
                params[position + "Price"] = leg.price
            if binance_type in ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"):
                params[position + "TimeInForce"] = "GTC"
            if binance_type != "LIMIT_MAKER":
                params[position + "StopPrice"] = leg.trigger_price
        params["newOrderRespType"] = "FULL"
        params["listClientOrderId"] = list_client_id
        return "private_post_orderlist_oco", params

    def oco_lookup_request(
        self, market_id: str, list_id: str | None, list_client_id: str | None
    ) -> tuple[str, dict]:
        params = {"orderListId": list_id} if list_id else {"origClientOrderId": list_client_id}
        return "private_get_orderlist", params

    def oco_cancel_request(
        self, market_id: str, list_id: str | None, list_client_id: str | None
    ) -> tuple[str, dict]:
        params: dict[str, Any] = {"symbol": market_id}
        params.update({"orderListId": list_id} if list_id else {"listClientOrderId": list_client_id})
        return "private_delete_orderlist", params

    def oco_answer(self, raw: dict) -> OcoAnswer:
        return OcoAnswer(
            list_id=str(raw.get("orderListId")),
            list_client_order_id=raw.get("listClientOrderId"),
            is_open=raw.get("listStatusType") == "EXEC_STARTED",
            reports=list(raw.get("orderReports") or []),
            leg_ids=[str(o.get("orderId")) for o in raw.get("orders") or []],
        )


_PROFILES: dict[str, type[ExchangeProfile]] = {"binance": BinanceProfile}


def profile_for(exchange_id: str) -> ExchangeProfile:
    """The profile of ``exchange_id`` (a ccxt id): its own class, else the generic one."""
    cls = _PROFILES.get(exchange_id)
    return cls() if cls is not None else ExchangeProfile(exchange_id=exchange_id)


def register_profile(exchange_id: str, profile_class: type[ExchangeProfile]) -> None:
    """Use ``profile_class`` for ``exchange_id`` (a plug-in adding an exchange)."""
    if not (isinstance(profile_class, type) and issubclass(profile_class, ExchangeProfile)):
        raise TypeError(f"{profile_class!r} is not an ExchangeProfile subclass")
    _PROFILES[exchange_id] = profile_class
