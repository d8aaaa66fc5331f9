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
    time_difference_option: str | None = "timeDifference"
    error_texts: tuple[tuple[str, ErrorKind], ...] = (
        ("Duplicate order sent", ErrorKind.DUPLICATE_ORDER),
        ("insufficient balance", ErrorKind.INSUFFICIENT_FUNDS),
        ("Order does not exist", ErrorKind.ORDER_NOT_FOUND),
        ("Unknown order sent", ErrorKind.ORDER_NOT_FOUND),
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
