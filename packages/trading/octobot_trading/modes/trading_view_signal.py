"""A TradingView alert: ``KEY=value`` pairs, one per line or separated by ``;``.

Why a module of its own: the webhook service feed, the TradingView mode and a user's own tools parse the
same text; parsing is pure and names the key at fault, so a broken alert is explained in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from octobot_trading.modes.amounts import InvalidAmountSyntaxError, parse_amount
from octobot_trading.modes.errors import TradingModeError

#: the keys understood; anything else is refused by name (a typo must not trade differently than meant)
KNOWN_KEYS = (
    "EXCHANGE",
    "SYMBOL",
    "SIGNAL",
    "ORDER_TYPE",
    "PRICE",
    "VOLUME",
    "STOP_PRICE",
    "TAKE_PROFIT_PRICE",
    "REDUCE_ONLY",
    "TAG",
)
#: ``TAKE_PROFIT_PRICE_1``, ``TAKE_PROFIT_PRICE_2``, ...: several take-profits splitting what a buy brings
_TAKE_PROFIT_N = re.compile(r"^TAKE_PROFIT_PRICE_([1-9][0-9]?)$")
SIGNALS = ("buy", "sell", "cancel")
ORDER_TYPES = ("market", "limit", "stop")


class SignalError(TradingModeError):
    """An alert the mode cannot act on; the message names the key and the fix."""


@dataclass(frozen=True)
class TradingViewSignal:
    """One parsed alert. ``volume`` keeps the amount syntax text (sized when the plan is executed)."""

    symbol: str
    signal: str
    order_type: str = "market"
    exchange: str | None = None
    price: Decimal | None = None
    volume: str | None = None
    stop_price: Decimal | None = None
    #: TAKE_PROFIT_PRICE then TAKE_PROFIT_PRICE_1, _2, ... in their order: each sells an equal part
    take_profit_prices: tuple[Decimal, ...] = ()
    reduce_only: bool = False
    tag: str | None = None

    @property
    def take_profit_price(self) -> Decimal | None:
        """The first take-profit (None: none)."""
        return self.take_profit_prices[0] if self.take_profit_prices else None


def parse_signal(text: str) -> TradingViewSignal:
    """The alert in ``text``; raises SignalError naming the key at fault."""
    fields: dict[str, str] = {}
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        key, separator, value = part.partition("=")
        key = key.strip().upper()
        if not separator or not key:
            raise SignalError(f"signal part {part!r} is not KEY=value; write e.g. SIGNAL=buy")
        if key not in KNOWN_KEYS and not _TAKE_PROFIT_N.match(key):
            raise SignalError(f"unknown signal key {key!r}; known: {', '.join(KNOWN_KEYS)}")
        if key in fields:
            raise SignalError(f"{key} is given twice; give it once")
        fields[key] = value.strip()
    if "SYMBOL" not in fields or not fields["SYMBOL"]:
        raise SignalError("SYMBOL is missing; give the pair, e.g. SYMBOL=BTCUSDT or SYMBOL=BTC/USDT")
    signal = fields.get("SIGNAL", "").lower()
    if signal not in SIGNALS:
        raise SignalError(f"SIGNAL must be one of {', '.join(SIGNALS)}, got {fields.get('SIGNAL')!r}")
    order_type = fields.get("ORDER_TYPE", "market").lower()
    if order_type not in ORDER_TYPES:
        raise SignalError(f"ORDER_TYPE must be one of {', '.join(ORDER_TYPES)}, got {order_type!r}")
    price = _price(fields, "PRICE")
    stop_price = _price(fields, "STOP_PRICE")
    if order_type == "limit" and price is None:
        raise SignalError("ORDER_TYPE=limit needs PRICE, e.g. PRICE=30000")
    if order_type == "stop" and stop_price is None:
        raise SignalError("ORDER_TYPE=stop needs STOP_PRICE, e.g. STOP_PRICE=29000")
    volume = fields.get("VOLUME") or None
    if volume is not None:
        try:
            parse_amount(volume)
        except InvalidAmountSyntaxError as error:
            raise SignalError(f"VOLUME: {error}") from None
    reduce_only = fields.get("REDUCE_ONLY", "false").lower()
    if reduce_only not in ("true", "false"):
        raise SignalError(f"REDUCE_ONLY must be true or false, got {reduce_only!r}")
    return TradingViewSignal(
        symbol=fields["SYMBOL"],
        signal=signal,
        order_type=order_type,
        exchange=fields.get("EXCHANGE") or None,
        price=price,
        volume=volume,
        stop_price=stop_price,
        take_profit_prices=_take_profits(fields, stop_price),
        reduce_only=reduce_only == "true",
        tag=fields.get("TAG") or None,
    )


def _take_profits(fields: dict[str, str], stop_price: Decimal | None) -> tuple[Decimal, ...]:
    """TAKE_PROFIT_PRICE, then TAKE_PROFIT_PRICE_n by n; several need no STOP_PRICE (one stop-loss
    cannot cancel with several take-profits yet)."""
    numbered = sorted(
        (int(match[1]), key) for key in fields if (match := _TAKE_PROFIT_N.match(key)) is not None
    )
    keys = (["TAKE_PROFIT_PRICE"] if "TAKE_PROFIT_PRICE" in fields else []) + [key for _, key in numbered]
    prices = tuple(price for key in keys if (price := _price(fields, key)) is not None)
    if len(prices) > 1 and stop_price is not None:
        raise SignalError(
            f"{keys[1]}: several take-profits with a STOP_PRICE are not supported yet; give one "
            "TAKE_PROFIT_PRICE with STOP_PRICE, or several take-profits without it"
        )
    return prices


def _price(fields: dict[str, str], key: str) -> Decimal | None:
    text = fields.get(key)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise SignalError(f"{key} must be a number, got {text!r}; e.g. {key}=30000.5") from None
    if not value.is_finite() or value <= 0:
        raise SignalError(f"{key} must be a positive number, got {text!r}")
    return value
