"""Two chain records compared aspect by aspect, each difference told precisely (what, when, both values).

Why never a bare "not equal": a tentacle author must see at which candle and by how much a backtest and a
live run part ways, to find the line of code that depends on something else than the market data.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import octobot_trading as ot
from octobot.chain_record import ChainRecord, OrderRecord, TradeRecord


class _Missing:
    def __repr__(self) -> str:
        return "nothing"


#: the value shown when one run has no counterpart (no evaluation published, no order, no trade)
MISSING: Any = _Missing()


@dataclass(frozen=True)
class Difference:
    """One thing two runs did differently."""

    aspect: str  # "candles", "evaluation", "order", "trade", "portfolio"
    subject: str  # e.g. "TA RSIMomentumEvaluator BTC/USDT 1h", "trade #3 BTC/USDT"
    time_ms: int | None  # the instant (candle close) it happened at, when it has one
    left: Any
    right: Any
    left_name: str = "backtest"
    right_name: str = "live"
    #: the evaluator or strategy whose evaluation differs (None for the other aspects)
    tentacle: str | None = None

    def __str__(self) -> str:
        when = f" at {ot.ms_to_iso(self.time_ms)}" if self.time_ms is not None else ""
        return (
            f"{self.aspect} {self.subject}{when}: {self.left_name} {_show(self.left)}, "
            f"{self.right_name} {_show(self.right)}"
        )


def _show(value: Any) -> str:
    if isinstance(value, OrderRecord):
        level = value.price if value.price is not None else value.trigger_price
        return (
            f"{value.side} {value.kind} {value.amount} @ {level} created "
            f"{ot.ms_to_iso(value.created_at)} -> {value.status} (filled {value.filled})"
        )
    if isinstance(value, TradeRecord):
        return (
            f"{value.side} {value.kind} {value.amount} @ {value.price} fee {value.fee} {value.fee_asset} "
            f"at {ot.ms_to_iso(value.time)}"
        )
    return repr(value)


def _same_value(left: Any, right: Any, tolerance: float) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (tolerance > 0 and math.isclose(left, right, rel_tol=0, abs_tol=tolerance))
    return type(left) is type(right) and left == right


def compare_records(
    left: ChainRecord,
    right: ChainRecord,
    *,
    names: tuple[str, str] = ("backtest", "live"),
    tolerance: float = 0.0,
    event_time: Callable[[int], int] | None = None,
) -> list[Difference]:
    """Every difference between two runs, candles first, then evaluations, orders, trades, portfolios.

    ``tolerance``: absolute difference allowed between two float evaluations (0: exactly equal).
    ``event_time``: maps the time of a fill and of an order's creation before comparing (live, a fill
    happens inside the candle, and so do the orders a mode creates when one of its orders fills; in a
    backtest both happen at the candle's close: both map to the candle's close instant).
    """
    differences: list[Difference] = []

    def differ(
        aspect: str, subject: str, time_ms: int | None, a: Any, b: Any, tentacle: str | None = None
    ) -> None:
        differences.append(Difference(aspect, subject, time_ms, a, b, *names, tentacle))

    _compare_pushes(left, right, differ)
    _compare_evaluations(left, right, differ, tolerance)
    event_time = event_time or (lambda time: time)
    _compare_orders(left.orders, right.orders, differ, event_time)
    _compare_trades(left.trades, right.trades, differ, event_time)
    for exchange in sorted(set(left.portfolios) | set(right.portfolios)):
        a, b = left.portfolios.get(exchange, {}), right.portfolios.get(exchange, {})
        for asset in sorted(set(a) | set(b)):
            if a.get(asset) != b.get(asset):
                differ(
                    "portfolio",
                    f"{exchange} {asset} at the end",
                    None,
                    a.get(asset, MISSING),
                    b.get(asset, MISSING),
                )
    return differences


def _compare_pushes(left: ChainRecord, right: ChainRecord, differ: Callable[..., None]) -> None:
    for index in range(max(len(left.pushes), len(right.pushes))):
        a = left.pushes[index] if index < len(left.pushes) else None
        b = right.pushes[index] if index < len(right.pushes) else None
        if a != b:
            where = a or b
            assert where is not None
            differ(
                "candles",
                f"pushed #{index + 1} {where[2]} {where[3]}",
                where[0],
                MISSING if a is None else a[4],
                MISSING if b is None else b[4],
            )
            return  # the runs saw different markets: everything after would differ


def _compare_evaluations(
    left: ChainRecord, right: ChainRecord, differ: Callable[..., None], tolerance: float
) -> None:
    keys = sorted(set(left.evaluations) | set(right.evaluations), key=lambda key: tuple(map(str, key)))
    for key in keys:
        kind, name, symbol, time_frame = key
        subject = " ".join(part for part in (kind, name, symbol, time_frame) if part)
        a, b = left.evaluations.get(key, {}), right.evaluations.get(key, {})
        for instant in sorted(set(a) | set(b)):
            value_a, value_b = a.get(instant, MISSING), b.get(instant, MISSING)
            if not _same_value(value_a, value_b, tolerance):
                differ("evaluation", subject, instant, value_a, value_b, name)


def _order_key(order: OrderRecord) -> tuple:
    return (order.created_at, order.exchange, order.symbol, order.side, order.kind, order.amount)


def _trade_key(trade: TradeRecord) -> tuple:
    return (trade.time, trade.exchange, trade.symbol, trade.side)


def _compare_in_order(
    aspect: str,
    left: list[Any],
    right: list[Any],
    differ: Callable[..., None],
    when: Callable[[Any], int],
) -> None:
    """Both sides in time order, aligned on their equal items (an extra or a missing item is told as
    such instead of shifting every later pair); every item without its equal is told."""

    def tell(index: int, a: Any, b: Any) -> None:
        where = a if a is not MISSING else b
        differ(aspect, f"#{index + 1} {where.exchange} {where.symbol}", when(where), a, b)

    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, low_a, high_a, low_b, high_b in matcher.get_opcodes():
        if tag == "equal":
            continue
        for offset in range(max(high_a - low_a, high_b - low_b)):
            a = left[low_a + offset] if low_a + offset < high_a else MISSING
            b = right[low_b + offset] if low_b + offset < high_b else MISSING
            tell(low_a + offset if a is not MISSING else low_b + offset, a, b)


def _compare_orders(
    left: list[OrderRecord],
    right: list[OrderRecord],
    differ: Callable[..., None],
    event_time: Callable[[int], int],
) -> None:
    def mapped(orders: list[OrderRecord]) -> list[OrderRecord]:
        values = [dataclasses.replace(order, created_at=event_time(order.created_at)) for order in orders]
        return sorted(values, key=_order_key)

    _compare_in_order("order", mapped(left), mapped(right), differ, lambda order: order.created_at)


def _compare_trades(
    left: list[TradeRecord],
    right: list[TradeRecord],
    differ: Callable[..., None],
    event_time: Callable[[int], int],
) -> None:
    def mapped(trades: list[TradeRecord]) -> list[TradeRecord]:
        values = [dataclasses.replace(trade, time=event_time(trade.time)) for trade in trades]
        return sorted(values, key=_trade_key)

    _compare_in_order("trade", mapped(left), mapped(right), differ, lambda trade: trade.time)
