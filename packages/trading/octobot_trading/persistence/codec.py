"""Orders, trades and groups as plain JSON-able records (Decimals as strings: no precision lost).

Why records and not pickles: the state file must stay readable by a newer version of the bot and by a
human debugging a restart; a record names every field it stores.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from octobot_trading.orders.enums import OrderKind, OrderSide, OrderStatus
from octobot_trading.orders.groups import OneCancelsTheOther
from octobot_trading.orders.order import Order
from octobot_trading.orders.trade import Trade
from octobot_trading.persistence.errors import StateFileError

_DECIMALS = (
    "amount",
    "price",
    "trigger_price",
    "trailing_percent",
    "filled",
    "filled_cost",
    "locked_amount",
    "required_lock",
    "forecast_fee",
    "trailing_extreme",
    "parent_share",
)
_PLAIN = (
    "exchange_id",
    "symbol",
    "created_at",
    "updated_at",
    "active_from",
    "triggered",
    "taker",
    "locked_asset",
    "forecast_fee_asset",
    "parent_id",
    "sized_by_parent",
    "tag",
    "expires_at",
)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def order_to_record(order: Order) -> dict[str, Any]:
    """Everything needed to rebuild ``order``: its amounts, locks, group name and chained children."""
    record: dict[str, Any] = {
        "id": order.order_id,
        "side": order.side.value,
        "kind": order.kind.value,
        "status": order.status.value,
        "fees": {asset: str(fee) for asset, fee in order.fees.items()},
        "group": order.group.name if isinstance(order.group, OneCancelsTheOther) else None,
        "chained": [order_to_record(child) for child in order.chained],
    }
    for name in _DECIMALS:
        record[name] = _dec(getattr(order, name))
    for name in _PLAIN:
        record[name] = getattr(order, name)
    return record


def order_from_record(record: dict[str, Any], groups: dict[str, OneCancelsTheOther] | None = None) -> Order:
    """The inverse of :func:`order_to_record`; legs of one group name share one group object."""
    groups = {} if groups is None else groups
    try:
        order = Order(
            order_id=record["id"],
            exchange_id=record["exchange_id"],
            symbol=record["symbol"],
            side=OrderSide(record["side"]),
            kind=OrderKind(record["kind"]),
            amount=Decimal(record["amount"]),
            created_at=int(record["created_at"]),
        )
        order.status = OrderStatus(record["status"])
        for name in _DECIMALS:
            if name != "amount":
                value = _undec(record.get(name))
                setattr(order, name, Decimal(0) if value is None and name in _ZERO_DEFAULT else value)
        for name in _PLAIN:
            if name in record and name not in ("exchange_id", "symbol", "created_at"):
                setattr(order, name, record[name])
        order.fees = {asset: Decimal(fee) for asset, fee in record.get("fees", {}).items()}
    except (KeyError, ValueError, ArithmeticError, TypeError) as error:
        raise StateFileError(
            f"stored order {record.get('id', '?')!r} cannot be read ({error!r}); the state file is damaged "
            "or from another version: move it away to start from the exchange's state"
        ) from None
    group_name = record.get("group")
    if group_name:
        group = groups.get(group_name)
        if group is None:
            group = groups[group_name] = OneCancelsTheOther(group_name)
        if order not in group.orders:
            group.add(order)
    for child_record in record.get("chained", ()):
        child = order_from_record(child_record, groups)
        child.parent_id = order.order_id
        order.chained.append(child)
    return order


_ZERO_DEFAULT = frozenset({"filled", "filled_cost", "locked_amount", "required_lock", "forecast_fee"})


def trade_to_record(trade: Trade) -> dict[str, Any]:
    return {
        "id": trade.trade_id,
        "order_id": trade.order_id,
        "exchange_id": trade.exchange_id,
        "symbol": trade.symbol,
        "side": trade.side.value,
        "kind": trade.kind.value,
        "amount": str(trade.amount),
        "price": str(trade.price),
        "cost": str(trade.cost),
        "fee_asset": trade.fee_asset,
        "fee": str(trade.fee),
        "taker": trade.taker,
        "time": trade.time,
        "realised_pnl": str(trade.realised_pnl),
    }


def trade_from_record(record: dict[str, Any]) -> Trade:
    try:
        return Trade(
            trade_id=record["id"],
            order_id=record["order_id"],
            exchange_id=record["exchange_id"],
            symbol=record["symbol"],
            side=OrderSide(record["side"]),
            kind=OrderKind(record["kind"]),
            amount=Decimal(record["amount"]),
            price=Decimal(record["price"]),
            cost=Decimal(record["cost"]),
            fee_asset=record["fee_asset"],
            fee=Decimal(record["fee"]),
            taker=bool(record["taker"]),
            time=int(record["time"]),
            realised_pnl=Decimal(record["realised_pnl"]),
        )
    except (KeyError, ValueError, ArithmeticError, TypeError) as error:
        raise StateFileError(
            f"stored trade {record.get('id', '?')!r} cannot be read ({error!r}); the state file is damaged"
        ) from None
