"""What a running chain did, recorded from its channels: the candles pushed, every evaluation, every order,
the trades and the end portfolio, each tagged with the instant (candle close) it belongs to.

Why from the channels: the equivalence check compares a backtest and a live run of the same bot, and the
channels are the one thing both paths share; recording them needs no hook in any tentacle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import octobot_channel as oc

if TYPE_CHECKING:
    from octobot.bot import OctoBot

#: (evaluator type, evaluator name, symbol, time frame or None)
EvaluationKey = tuple[str, str, str, "str | None"]


@dataclass(frozen=True)
class OrderRecord:
    """An order as it was created, with its final status (ids left out: they are run-specific)."""

    exchange: str
    symbol: str
    side: str
    kind: str
    amount: Decimal
    price: Decimal | None
    trigger_price: Decimal | None
    created_at: int
    status: str
    filled: Decimal
    tag: str | None


@dataclass(frozen=True)
class TradeRecord:
    """A fill; ``time`` is when the account applied it."""

    exchange: str
    symbol: str
    side: str
    kind: str
    amount: Decimal
    price: Decimal
    fee_asset: str
    fee: Decimal
    time: int


@dataclass
class ChainRecord:
    """One run of a chain, as its channels told it."""

    #: (instant, exchange name, symbol, time frame, candle) of every closed candle pushed, in push order
    pushes: list[tuple[int, str, str, str, tuple[float, ...]]] = field(default_factory=list)
    #: per evaluation key, {instant: the last value published while that instant was processed}
    evaluations: dict[EvaluationKey, dict[int, float | None]] = field(default_factory=dict)
    orders: list[OrderRecord] = field(default_factory=list)
    trades: list[TradeRecord] = field(default_factory=list)
    #: per exchange, the end totals {asset: amount}
    portfolios: dict[str, dict[str, Decimal]] = field(default_factory=dict)


class ChainRecorder:
    """Subscribes to a started bot's channels; `finish` returns the record (call it before the bot stops:
    stopping may cancel orders)."""

    def __init__(self, bot: OctoBot, instant: Callable[[], int]) -> None:
        self.bot = bot
        self.instant = instant
        self.record = ChainRecord()
        self._orders: dict[str, dict[str, Any]] = {}  # order id -> first and last message, in creation order
        self._consumers: list[tuple[oc.Channel, oc.Consumer]] = []

    async def attach(self) -> ChainRecorder:
        assert self.bot.matrix is not None, "start the bot before recording it"
        await self._consume(self.bot.matrix.matrix_channel, self._on_evaluation, oc.Priority.OPTIONAL)
        for manager in self.bot.exchange_managers.values():
            await self._consume(manager.get_channel("OHLCVChannel"), self._on_candle, oc.Priority.HIGH)
            await self._consume(manager.get_channel("OrdersChannel"), self._on_order, oc.Priority.OPTIONAL)
        return self

    async def _consume(self, channel: oc.Channel, callback: Any, priority: oc.Priority) -> None:
        consumer = await channel.new_consumer(
            callback, priority=priority, max_queue_size=0, name="tentacle-check-recorder"
        )
        self._consumers.append((channel, consumer))

    async def _on_candle(self, message: dict[str, Any]) -> None:
        candle = tuple(float(value) for value in message["candle"])
        self.record.pushes.append(
            (
                self.instant(),
                _exchange_name(self.bot, message["exchange"]),
                message["symbol"],
                str(message["time_frame"]),
                candle,
            )
        )

    async def _on_evaluation(self, message: dict[str, Any]) -> None:
        kind = message["evaluator_type"]
        key = (
            str(getattr(kind, "value", kind)),
            message["evaluator_name"],
            message["symbol"],
            message["time_frame"],
        )
        self.record.evaluations.setdefault(key, {})[self.instant()] = message["evaluation"]

    async def _on_order(self, message: dict[str, Any]) -> None:
        order = message["order"]
        first = self._orders.get(order["id"])
        self._orders[order["id"]] = {"first": first["first"] if first else order, "last": order}

    async def finish(self) -> ChainRecord:
        """The end state (trades, portfolios, orders) added to what the channels told; unsubscribes."""
        for channel, consumer in self._consumers:
            if not channel.is_closed:
                await channel.remove_consumer(consumer)
        self._consumers = []
        record = self.record
        for seen in self._orders.values():
            first, last = seen["first"], seen["last"]
            record.orders.append(
                OrderRecord(
                    exchange=_exchange_name(self.bot, first["exchange"]),
                    symbol=first["symbol"],
                    side=first["side"],
                    kind=first["kind"],
                    amount=first["amount"],
                    price=first["price"],
                    trigger_price=first["trigger_price"],
                    created_at=first["created_at"],
                    status=last["status"],
                    filled=last["filled"],
                    tag=first["tag"],
                )
            )
        for exchange, manager in self.bot.exchange_managers.items():
            record.portfolios[exchange] = {
                asset: amount for asset, amount in manager.portfolio.totals().items() if amount
            }
            record.trades.extend(
                TradeRecord(
                    exchange=exchange,
                    symbol=trade.symbol,
                    side=str(trade.side.value),
                    kind=str(trade.kind.value),
                    amount=trade.amount,
                    price=trade.price,
                    fee_asset=trade.fee_asset,
                    fee=trade.fee,
                    time=trade.time,
                )
                for trade in manager.trader.trades()
            )
        return record


def _exchange_name(bot: OctoBot, exchange_id: str) -> str:
    for name, manager in bot.exchange_managers.items():
        if manager.exchange_id == exchange_id:
            return name
    return exchange_id
