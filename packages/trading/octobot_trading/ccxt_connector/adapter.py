"""The trader's ``ExchangeConnector`` interface over the live ccxt connector.

Why an adapter: the trader calls ``submit``/``cancel``/``reindex`` synchronously (the simulator answers
at once, and a fill inside a price walk must be able to act before the walk goes on). Live, each call
queues the request to the exchange; the outcome comes back later: the order becomes OPEN when the
exchange accepts it, fills are reported to ``on_fill`` from the exchange's view of the order
(``apply_exchange_order``, fed by the own-orders stream or a poll), failures to ``on_error``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from decimal import Decimal

from octobot_trading.ccxt_connector.errors import ExchangeError
from octobot_trading.ccxt_connector.structures import ExchangeOrder
from octobot_trading.exchanges.connector import ExchangeConnector
from octobot_trading.orders.enums import OrderStatus
from octobot_trading.orders.order import Order

logger = logging.getLogger(__name__)

ZERO = Decimal(0)

#: called with (order, error) when a queued request failed (the live trader rejects / reconciles)
ErrorHandler = Callable[[Order, ExchangeError], None]


class LiveExchangeConnector(ExchangeConnector):
    """Queues the trader's order calls to ``connector`` (a ``CcxtLiveConnector``); see module doc.

    ``prices`` gives the latest price of a symbol (typically ``exchange_manager.last_price``); without
    it, prices come from ``update_price``.
    """

    is_simulated = False

    def __init__(
        self,
        connector: object,
        *,
        on_error: ErrorHandler | None = None,
        prices: Callable[[str], Decimal | None] | None = None,
    ) -> None:
        self.connector = connector
        self.on_error = on_error
        self._prices_source = prices
        self._prices: dict[str, Decimal] = {}
        #: bot order id -> client order id, and back
        self.client_ids: dict[str, str] = {}
        self.orders_by_client_id: dict[str, Order] = {}
        #: bot order id -> exchange order id (known once the exchange answered)
        self.exchange_ids: dict[str, str] = {}
        self._tasks: set[asyncio.Task] = set()

    # --- prices ----------------------------------------------------------------------------------

    def update_price(self, symbol: str, price: Decimal) -> None:
        self._prices[symbol] = price

    def last_price(self, symbol: str) -> Decimal | None:
        if self._prices_source is not None:
            return self._prices_source(symbol)
        return self._prices.get(symbol)

    # --- the trader's calls ----------------------------------------------------------------------

    def submit(self, order: Order, time: int) -> None:
        client_id = self.connector.new_client_order_id()  # type: ignore[attr-defined]
        self.client_ids[order.order_id] = client_id
        self.orders_by_client_id[client_id] = order
        self._spawn(self._create(order, client_id), order)

    def cancel(self, order: Order) -> None:
        self._spawn(self._cancel(order), order)

    def reindex(self, order: Order) -> None:
        self._spawn(self._edit(order), order)

    async def join(self) -> None:
        """Waits until every queued request has been answered."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        await self.join()

    # --- requests --------------------------------------------------------------------------------

    def _spawn(self, coroutine: object, order: Order) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)  # type: ignore[arg-type]
        self._tasks.add(task)

        def done(finished: asyncio.Task) -> None:
            self._tasks.discard(finished)
            if finished.cancelled():
                return
            error = finished.exception()
            if isinstance(error, ExchangeError):
                logger.error("%s: request for %s failed: %s", self.connector, order, error)
                if self.on_error is not None:
                    self.on_error(order, error)
            elif error is not None:
                logger.error("%s: request for %s crashed", self.connector, order, exc_info=error)

        task.add_done_callback(done)

    async def _create(self, order: Order, client_id: str) -> None:
        answer = await self.connector.create_order(  # type: ignore[attr-defined]
            order.symbol,
            order.side,
            order.kind,
            order.amount,
            order.price,
            order.trigger_price,
            client_order_id=client_id,
        )
        self.apply_exchange_order(answer)

    async def _cancel(self, order: Order) -> None:
        exchange_id = self.exchange_ids.get(order.order_id)
        client_id = self.client_ids.get(order.order_id)
        answer = await self.connector.cancel_order(  # type: ignore[attr-defined]
            order.symbol, exchange_order_id=exchange_id, client_order_id=None if exchange_id else client_id
        )
        self.apply_exchange_order(answer)

    async def _edit(self, order: Order) -> None:
        exchange_id = self.exchange_ids.get(order.order_id)
        if exchange_id is None:
            raise ExchangeError(
                f"order {order.order_id} has no exchange id yet; edit it once the exchange accepted it"
            )
        new_client_id = self.connector.new_client_order_id()  # type: ignore[attr-defined]
        answer = await self.connector.edit_order(  # type: ignore[attr-defined]
            order.symbol,
            exchange_id,
            order.remaining,
            order.price,
            order.trigger_price,
            client_order_id=new_client_id,
        )
        old_client_id = self.client_ids.get(order.order_id)
        if answer.client_order_id and answer.client_order_id != old_client_id:
            self.orders_by_client_id.pop(old_client_id or "", None)
            self.client_ids[order.order_id] = answer.client_order_id
            self.orders_by_client_id[answer.client_order_id] = order
        self.exchange_ids[order.order_id] = answer.exchange_order_id

    # --- the exchange's view of an order ---------------------------------------------------------

    def apply_exchange_order(self, update: ExchangeOrder) -> Order | None:
        """Brings the bot's order in line with the exchange's snapshot: OPEN once accepted, the new
        fill share reported to ``on_fill``, an exchange-side expiry to ``on_expire``. The order, or
        None when the update is not one of this bot's orders."""
        order = self.orders_by_client_id.get(update.client_order_id or "")
        if order is None:
            return None
        self.exchange_ids[order.order_id] = update.exchange_order_id
        now = update.updated_at or update.created_at
        if order.status is OrderStatus.PENDING and update.status is not OrderStatus.REJECTED:
            order.set_status(OrderStatus.OPEN, now)
        new_fill = update.filled - order.filled
        if new_fill > ZERO and self.on_fill is not None:
            previous_cost = order.filled_cost
            price = (
                (update.cost - previous_cost) / new_fill
                if update.cost > previous_cost
                else (update.average_price or order.price or ZERO)
            )
            fee_asset, fee = self._new_fee(order, update)
            self.on_fill(order, new_fill, price, fee_asset, fee, True)
        if update.status is OrderStatus.EXPIRED and order.is_active and self.on_expire is not None:
            self.on_expire(order)
        return order

    @staticmethod
    def _new_fee(order: Order, update: ExchangeOrder) -> tuple[str, Decimal]:
        for asset, total in update.fees.items():
            delta = total - order.fees.get(asset, ZERO)
            if delta > ZERO:
                return asset, delta
        asset = next(iter(update.fees), None) or order.symbol.split("/")[0]
        return asset, ZERO
