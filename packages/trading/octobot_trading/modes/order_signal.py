"""The order signal: one JSON document per order another bot created or cancelled, to be replayed.

Why relative values: the follower trades another account, often at another size and a slightly other
price, so a signal says how much of its portfolio the emitter engaged and how far from its market price,
never absolute amounts. One document per order event::

    {"format": "octobot-order-signal/1", "id": "binance-1-42", "emitter": "my-bot", "action": "create",
     "symbol": "BTC/USDT", "side": "buy", "type": "limit", "amount_share": "0.1",
     "price_offset_percent": "-0.5", "trigger_offset_percent": null, "tag": "DailyTradingMode",
     "time": 1700000000000}

- ``id``: the emitter's order id (a later ``cancel`` names it); ``emitter``: who sent it;
- ``action``: ``create`` or ``cancel`` (a cancel needs only id, emitter, symbol and time);
- ``side``, ``type``: an `OrderSide` and an `OrderKind` value (market, limit, stop_loss, ...);
- ``amount_share``: what the order engages as a share (0 to 1) of the emitter's total holding of the asset
  it spends, before the order: for a buy its cost over the quote held, for a sell its amount over the base
  held;
- ``price_offset_percent`` / ``trigger_offset_percent``: the order's price / trigger price relative to the
  emitter's last price, in percent (null when the order has none);
- ``tag``: the emitter's tag of the order (null: none); ``time``: when it was emitted, ms since the epoch.

Amounts, shares and offsets are decimal strings (no binary float on the way).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from octobot_trading.modes.errors import TradingModeError
from octobot_trading.orders.enums import OrderKind, OrderSide

FORMAT = "octobot-order-signal/1"
ACTIONS = ("create", "cancel")
ZERO = Decimal(0)
ONE = Decimal(1)


class OrderSignalError(TradingModeError):
    """An order signal that cannot be read: the message names the key and what it should hold."""


@dataclass(frozen=True)
class OrderSignal:
    """One order event of an emitting bot (see the module docstring for each field)."""

    id: str
    emitter: str
    action: str
    symbol: str
    time: int
    side: OrderSide | None = None
    kind: OrderKind | None = None
    amount_share: Decimal | None = None
    price_offset_percent: Decimal | None = None
    trigger_offset_percent: Decimal | None = None
    tag: str | None = None

    def to_document(self) -> dict[str, Any]:
        """The JSON-ready document (decimals as strings)."""
        return {
            "format": FORMAT,
            "id": self.id,
            "emitter": self.emitter,
            "action": self.action,
            "symbol": self.symbol,
            "side": None if self.side is None else self.side.value,
            "type": None if self.kind is None else self.kind.value,
            "amount_share": _text(self.amount_share),
            "price_offset_percent": _text(self.price_offset_percent),
            "trigger_offset_percent": _text(self.trigger_offset_percent),
            "tag": self.tag,
            "time": self.time,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_document(), separators=(",", ":"))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def read_signal(document: str | bytes | dict[str, Any]) -> OrderSignal:
    """An `OrderSignal` from its JSON text or parsed document; OrderSignalError names the fault."""
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except ValueError as error:
            raise OrderSignalError(f"an order signal must be one JSON object: {error}") from None
    if not isinstance(document, dict):
        raise OrderSignalError('an order signal must be one JSON object, e.g. {"format": "' + FORMAT + '"}')
    if document.get("format") != FORMAT:
        raise OrderSignalError(f"format: expected {FORMAT!r}, got {document.get('format')!r}")
    action = _string(document, "action")
    if action not in ACTIONS:
        raise OrderSignalError(f"action: expected one of {', '.join(ACTIONS)}, got {action!r}")
    time = document.get("time")
    if not isinstance(time, int) or isinstance(time, bool) or time < 0:
        raise OrderSignalError(f"time: expected milliseconds since the epoch, got {time!r}")
    order_id, emitter, symbol = (
        _string(document, "id"),
        _string(document, "emitter"),
        _string(document, "symbol"),
    )
    tag = document.get("tag") if isinstance(document.get("tag"), str) else None
    if action == "cancel":
        return OrderSignal(order_id, emitter, action, symbol, time, tag=tag)
    side, kind = _string(document, "side"), _string(document, "type")
    try:
        order_side, order_kind = OrderSide(side), OrderKind(kind)
    except ValueError:
        raise OrderSignalError(
            f"side/type: expected buy or sell and one of {', '.join(k.value for k in OrderKind)}, "
            f"got {side!r} and {kind!r}"
        ) from None
    share = _decimal(document, "amount_share")
    if share is None or not ZERO < share <= ONE:
        raise OrderSignalError(
            f"amount_share: expected a share in (0, 1], got {document.get('amount_share')!r}"
        )
    return OrderSignal(
        order_id,
        emitter,
        action,
        symbol,
        time,
        tag=tag,
        side=order_side,
        kind=order_kind,
        amount_share=share,
        price_offset_percent=_decimal(document, "price_offset_percent"),
        trigger_offset_percent=_decimal(document, "trigger_offset_percent"),
    )


def _string(document: dict[str, Any], key: str) -> str:
    value = document.get(key)
    if not isinstance(value, str) or not value:
        raise OrderSignalError(f"{key}: expected a non-empty string, got {value!r}")
    return value


def _decimal(document: dict[str, Any], key: str) -> Decimal | None:
    value = document.get(key)
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise OrderSignalError(f"{key}: expected a decimal number as a string, got {value!r}") from None
    if not number.is_finite():
        raise OrderSignalError(f"{key}: expected a finite number, got {value!r}")
    return number
