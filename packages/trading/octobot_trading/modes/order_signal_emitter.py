"""OrderSignalEmitter: the emitting side of remote signals, one `OrderSignal` per order event of a bot.

Why a listener of the Orders channel rather than a trading mode: any mode's orders (and orders placed by
hand) can be followed, and the emitting bot trades exactly as it would without followers. What carries
the signals (a channel of the same process, a webhook, a message queue) is the ``deliver`` callback's
business: the receiving `RemoteSignalsTradingMode.on_signal` takes the same `OrderSignal` or its JSON.

The holding a share is measured against is the emitter's when the Orders channel delivers the event
(its own fill added back): live, right after the order; in a backtest, at the end of the simulated
instant, so other fills of the same instant count in it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

import octobot_channel as oc
from octobot_trading.modes.order_signal import OrderSignal
from octobot_trading.orders.enums import OrderKind, OrderSide

if TYPE_CHECKING:
    from octobot_trading.exchanges.exchange_manager import ExchangeManager

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_SHARE_STEP = Decimal("1e-12")
_OFFSET_STEP = Decimal("1e-10")
#: statuses an order is first seen in (a market order is only ever seen filled)
_LIVE = frozenset({"open", "partially_filled", "filled"})
_DONE = frozenset({"filled", "expired", "rejected", "cancelled"})


class OrderSignalEmitter:
    """Emits a ``create`` signal the first time an order of ``exchange_manager`` shows (open or already
    filled) and a ``cancel`` signal when an emitted order is cancelled; with ``tags``, only orders
    carrying one of them (a trading mode's name) are emitted."""

    def __init__(
        self,
        exchange_manager: ExchangeManager,
        deliver: Callable[[OrderSignal], Awaitable[Any]],
        emitter: str | None = None,
        tags: Collection[str] | None = None,
    ) -> None:
        self.exchange_manager = exchange_manager
        self.deliver = deliver
        self.emitter = emitter or exchange_manager.exchange_id
        self.tags = None if tags is None else frozenset(tags)
        self.emitted: list[OrderSignal] = []
        self._open: set[str] = set()
        self._subscription: tuple[oc.Channel, oc.Consumer] | None = None

    async def start(self) -> None:
        channel = self.exchange_manager.get_channel("OrdersChannel")
        consumer = await channel.new_consumer(
            self._on_order,
            priority=oc.Priority.OPTIONAL,
            filters={"exchange": self.exchange_manager.exchange_id},
            name=f"{self.emitter}-order-signals",
        )
        self._subscription = (channel, consumer)

    async def stop(self) -> None:
        if self._subscription is not None:
            channel, consumer = self._subscription
            self._subscription = None
            if not channel.is_closed:
                await channel.remove_consumer(consumer)

    async def _on_order(self, message: dict) -> None:
        update = message["order"]
        order_id, status = update["id"], update["status"]
        if self.tags is not None and update.get("tag") not in self.tags:
            return
        signal = None
        if order_id not in self._open and status in _LIVE:
            signal = self.create_signal(update, message["time"])
            if status not in _DONE:
                self._open.add(order_id)
        elif order_id in self._open and status in _DONE:
            self._open.discard(order_id)
            if status == "cancelled":
                signal = OrderSignal(order_id, self.emitter, "cancel", update["symbol"], message["time"])
        if signal is not None:
            self.emitted.append(signal)
            await self.deliver(signal)

    def create_signal(self, update: dict, time: int) -> OrderSignal | None:
        """The ``create`` signal of an order update (``Order.to_dict()``); None when the emitter holds
        nothing of the asset it spends."""
        symbol = update["symbol"]
        rules = self.exchange_manager.markets.rules(symbol)
        portfolio = self.exchange_manager.portfolio
        side, kind = OrderSide(update["side"]), OrderKind(update["kind"])
        last = self.exchange_manager.last_price(symbol)
        filled, fees = update["filled"], update["fees"]
        average = update["average_price"] or update["price"] or update["trigger_price"] or last
        level = update["price"] or update["trigger_price"] or average
        if side is OrderSide.BUY:  # the quote held before the order: what its fills spent comes back
            held = portfolio.total(rules.quote) + filled * average + fees.get(rules.quote, ZERO)
            engaged = update["amount"] * level
        else:
            held = portfolio.total(rules.base) + filled + fees.get(rules.base, ZERO)
            engaged = update["amount"]
        if held <= ZERO or engaged <= ZERO:
            logger.warning(
                "%s: order %s engages nothing of a holding: not emitted", self.emitter, update["id"]
            )
            return None
        share = min(engaged / held, ONE).quantize(_SHARE_STEP, rounding=ROUND_DOWN)
        return OrderSignal(
            update["id"],
            self.emitter,
            "create",
            symbol,
            time,
            side,
            kind,
            share,
            _offset(update["price"], last),
            _offset(update["trigger_price"], last),
            update.get("tag"),
        )


def _offset(price: Decimal | None, last: Decimal | None) -> Decimal | None:
    if price is None or not last:
        return None
    return ((price / last - ONE) * HUNDRED).quantize(_OFFSET_STEP)
