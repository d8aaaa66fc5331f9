"""The trader's connector to a live exchange.

Why the requests leave in background tasks: the trader's connector interface is synchronous (a fill in
the simulator must cancel the other legs of its group at once); here ``submit`` and ``cancel`` record the
intent, and a task persists it (the client order id is on disk before the order leaves) then talks to the
exchange. Fills are applied from the exchange's own view of each order (``apply_exchange_order``): the
difference between its cumulative filled amount and the bot's, so an update seen twice (stream and
REST, before and after a reconnection) is applied once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Coroutine
from decimal import Decimal
from typing import Any

from octobot_trading.ccxt_connector.errors import (
    ExchangeAmbiguousOrderError,
    ExchangeError,
    ExchangeOrderImmediatelyFillableError,
    ExchangeOrderNotFoundError,
)
from octobot_trading.ccxt_connector.structures import ExchangeOrder
from octobot_trading.errors import PortfolioError
from octobot_trading.exchanges.connector import ExchangeConnector
from octobot_trading.live.links import OrderLinks
from octobot_trading.orders.enums import OrderKind, OrderStatus
from octobot_trading.orders.groups import OneCancelsTheOther
from octobot_trading.orders.order import Order
from octobot_trading.timestamps import WallClock

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
#: what a live exchange offers for each kind (Binance spot: stops and take-profits, market or limit)
SUPPORTED_KINDS = frozenset(
    {
        OrderKind.MARKET,
        OrderKind.LIMIT,
        OrderKind.STOP_LOSS,
        OrderKind.STOP_LIMIT,
        OrderKind.TAKE_PROFIT,
        OrderKind.TAKE_PROFIT_LIMIT,
    }
)
#: the kinds of the leg opposite the stop in a native order list
_TAKE_KINDS = (OrderKind.LIMIT, OrderKind.TAKE_PROFIT, OrderKind.TAKE_PROFIT_LIMIT)


class LiveOrderConnector(ExchangeConnector):
    """Sends the trader's orders to ``exchange`` (a ``CcxtLiveConnector``) with client order ids.

    A stop-loss and a take-profit in one ``OneCancelsTheOther`` group (same symbol, side and amount)
    leave as ONE native order list when the exchange has them (``exchange.native_oco``): the exchange
    reserves the position once and expires the other leg itself when one triggers or fills. The legs
    must be submitted in the same synchronous step (the chained orders of a filled entry are; so are
    two ``trader.submit`` calls in a row); a leg submitted alone, or on an exchange without native lists,
    is sent as a separate order, each reserving the whole amount on the exchange.

    Usable on its own with a plain ``ExchangeManager`` (``ExchangeManager(..., connector=
    LiveOrderConnector(exchange, prices=em.last_price))``; feed it the exchange's own-order updates with
    ``await connector.apply_exchange_order(update)``), or inside a ``LiveExchangeManager`` that persists
    its links and reconciles. ``links``: the client / exchange ids (default: a new session of ``prefix``).
    ``prices(symbol)``: the latest price (market orders are valued with it). ``on_error(order, error)``:
    called when the exchange refused or failed a request about ``order``.

    Set by an owner: ``persist()`` (awaited before an order leaves: the state store writes its client
    id), ``notify()`` (sends what the account recorded), ``on_account_error()`` (a fill the portfolio
    refused: the balances must be synced from the exchange), ``account`` (default: the one whose
    ``apply_fill`` the exchange manager attached as ``on_fill``).
    """

    is_simulated = False

    def __init__(
        self,
        exchange: Any,
        links: OrderLinks | None = None,
        *,
        prefix: str = "octobot",
        prices: Callable[[str], Decimal | None] | None = None,
        on_error: Callable[[Order, ExchangeError], None] | None = None,
    ) -> None:
        self.exchange = exchange
        if links is None:
            clock = getattr(exchange, "clock", None) or WallClock()
            max_length = getattr(getattr(exchange, "profile", None), "client_order_id_max_length", 32)
            links = OrderLinks(prefix, clock.now_ms(), max_length=max_length)
        self.links = links
        self.orders: dict[str, Order] = {}
        self._account: Any = None
        self.price_of: Callable[[str], Decimal | None] = prices or (lambda symbol: None)
        self.on_error = on_error
        self.persist: Callable[[], Awaitable[Any]] | None = None
        self.notify: Callable[[], Awaitable[None]] | None = None
        self.on_account_error: Callable[[], Coroutine[Any, Any, object]] | None = None
        #: orders whose create answer was lost and that the exchange could not confirm yet
        self.unconfirmed: set[str] = set()
        #: list client ids sent / cancelled (the second leg's request is then not sent again)
        self._sent_lists: set[str] = set()
        self._cancelled_lists: set[str] = set()
        #: client ids of exchange orders replaced by an edit -> the bot's order
        self._replaced: dict[str, str] = {}
        self._tasks: set[asyncio.Task] = set()
        self._lock = asyncio.Lock()  # one request at a time per order book change, in submission order

    @property
    def account(self) -> Any:
        """The account whose orders the exchange closes (cancelled, expired)."""
        if self._account is not None:
            return self._account
        return getattr(self.on_fill, "__self__", None)  # the exchange manager's account.apply_fill

    @account.setter
    def account(self, account: Any) -> None:
        self._account = account

    def _failed(self, order: Order, error: ExchangeError) -> None:
        if self.on_error is not None:
            try:
                self.on_error(order, error)
            except Exception:  # a failing handler must not stop the requests
                logger.exception("on_error handler failed for order %s", order.order_id)

    # --- ExchangeConnector ------------------------------------------------------------------------
    def last_price(self, symbol: str) -> Decimal | None:
        return self.price_of(symbol)

    def submit(self, order: Order, time: int) -> None:
        if order.kind not in SUPPORTED_KINDS:
            from octobot_trading.orders.errors import InvalidOrderError

            raise InvalidOrderError(
                f"{order.symbol}: {order.kind.value} orders are not offered by the live exchange; use "
                f"one of {', '.join(sorted(k.value for k in SUPPORTED_KINDS))}"
            )
        self.links.client_id(order)
        self.orders[order.order_id] = order
        order.set_status(OrderStatus.OPEN, time)
        self._spawn(self._create(order))

    def submit_again(self, order: Order) -> None:
        """Send an open order again with its own client id (it never reached the exchange); a leg of an
        order list is sent again with its list (same list client id)."""
        self.orders[order.order_id] = order
        self._sent_lists.discard(self.links.list_of(order.order_id) or "")
        self._spawn(self._create(order))

    def cancel(self, order: Order) -> None:
        self._spawn(self._cancel(order))

    def reindex(self, order: Order) -> None:
        self._spawn(self._edit(order))

    async def stop(self) -> None:
        await self.join()

    async def join(self) -> None:
        """Wait until every request sent so far was answered (or failed)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, coroutine: Coroutine[Any, Any, object]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- requests ------------------------------------------------------------------------------------
    def _list_legs(self, order: Order) -> list[Order] | None:
        """``order`` and the other leg of its group when the two can leave as one native order list."""
        if not getattr(self.exchange, "native_oco", False):
            return None
        group = order.group
        if not isinstance(group, OneCancelsTheOther):
            return None
        legs = [leg for leg in group.orders if not leg.is_closed]
        if len(legs) != 2 or order not in legs:
            return None
        if any(
            leg.order_id not in self.orders
            or not leg.is_active
            or leg.filled
            or leg.symbol != order.symbol
            or leg.side is not order.side
            or leg.amount != order.amount
            for leg in legs
        ):
            return None
        stops = [leg for leg in legs if leg.kind.is_stop]
        takes = [leg for leg in legs if leg.kind in _TAKE_KINDS]
        if len(stops) != 1 or len(takes) != 1:
            return None
        return [stops[0], takes[0]]

    async def _create(self, order: Order) -> None:
        async with self._lock:
            if order.is_closed or self.links.list_of(order.order_id) in self._sent_lists:
                return  # sent with the other leg of its order list (or closed meanwhile)
            legs = self._list_legs(order)
            if legs is not None:
                await self._create_list(legs)
                return
            await self._create_single(order)

    async def _create_single(self, order: Order) -> None:
        """Send ``order`` alone (its client id on disk first)."""
        client_id = self.links.client_id(order)
        if self.persist is not None:
            await self.persist()  # the client id is on disk before the order leaves
        logger.info("sending order %s as %s: %r", order.order_id, client_id, order)
        try:
            answer = await self.exchange.create_order(
                order.symbol,
                order.side,
                order.kind,
                order.amount,
                price=order.price,
                trigger_price=order.trigger_price,
                client_order_id=client_id,
            )
        except ExchangeAmbiguousOrderError:
            self.unconfirmed.add(order.order_id)
            logger.warning(
                "order %s (%s): the exchange's answer was lost and it could not be found yet; it is "
                "looked up again at the next reconciliation",
                order.order_id,
                client_id,
            )
            return
        except ExchangeError as error:
            logger.error("order %s refused by the exchange: %s", order.order_id, error)
            self._failed(order, error)
            if order.is_active and not order.filled:
                self._account_close(order, OrderStatus.CANCELLED)
            self._stops_passed([order], error)
            await self._notify()
            return
        self.unconfirmed.discard(order.order_id)
        await self.apply_exchange_order(answer)
        if self.persist is not None:
            await self.persist()  # its exchange id: found directly after a restart

    async def _create_list(self, legs: list[Order]) -> None:
        """Send ``legs`` (stop first) as one order list; its client ids are on disk before it leaves."""
        list_client_id = self.links.list_client_id(legs)
        for leg in legs:
            self.links.client_id(leg)
        if self.persist is not None:
            await self.persist()
        first = legs[0]
        self._sent_lists.add(list_client_id)
        logger.info(
            "sending order list %s (%s): %s",
            list_client_id,
            ", ".join(self.links.client_ids[o.order_id] for o in legs),
            legs,
        )
        try:
            answer = await self.exchange.create_oco(
                first.symbol,
                first.side,
                first.amount,
                [
                    (leg.kind, leg.price, leg.trigger_price, self.links.client_ids[leg.order_id])
                    for leg in legs
                ],
                list_client_order_id=list_client_id,
            )
        except ExchangeAmbiguousOrderError:
            self.unconfirmed.update(leg.order_id for leg in legs)
            logger.warning(
                "order list %s: the exchange's answer was lost and it could not be found yet; it is looked "
                "up again at the next reconciliation",
                list_client_id,
            )
            return
        except ExchangeError as error:
            logger.error("order list %s refused by the exchange: %s", list_client_id, error)
            for leg in legs:
                self._failed(leg, error)
                if leg.is_active and not leg.filled:
                    self._account_close(leg, OrderStatus.CANCELLED)
            self._stops_passed(legs, error)
            await self._notify()
            return
        self.links.list_ids[list_client_id] = answer.list_id
        for update in answer.orders:
            await self.apply_exchange_order(update)
        for leg in legs:
            self.unconfirmed.discard(leg.order_id)
        if self.persist is not None:
            await self.persist()  # the legs' exchange ids: found directly after a restart

    def _stops_passed(self, refused: list[Order], error: ExchangeError) -> None:
        """Hand the stop orders among ``refused`` to ``on_stop_passed`` when the exchange refused them
        because the market already passed their trigger: left alone, the position would stay unprotected
        (the soak found it: an entry filled after the price fell through its stop)."""
        if not isinstance(error, ExchangeOrderImmediatelyFillableError) or self.on_stop_passed is None:
            return
        for order in refused:
            if order.kind.is_stop and order.status is OrderStatus.CANCELLED and not order.filled:
                self.on_stop_passed(order)

    def _resolved_by_exchange(self, order: Order) -> bool:
        """True for a leg of a native order list whose other leg executed: the exchange expired it."""
        if self.links.list_of(order.order_id) is None or not isinstance(order.group, OneCancelsTheOther):
            return False
        return any(leg is not order and (leg.filled or leg.triggered) for leg in order.group.orders)

    async def _cancel_list(self, order: Order, list_client_id: str) -> ExchangeOrder | None:
        """Cancel the order list ``order`` is a leg of (every leg: the exchange cancels lists whole)."""
        if list_client_id in self._cancelled_lists:
            return None
        logger.info("cancelling order list %s (with order %s)", list_client_id, order.order_id)
        try:
            answer = await self.exchange.cancel_oco(
                order.symbol,
                self.links.list_ids.get(list_client_id),
                list_client_order_id=list_client_id,
            )
            self._cancelled_lists.add(list_client_id)
            leg = answer.leg(self.links.client_ids.get(order.order_id, ""))
        except ExchangeOrderNotFoundError:
            leg = await self.lookup(order)
        if leg is not None and not leg.is_closed:
            # the list was done already (the other leg triggered and the exchange expired it): a list
            # cancel may leave this leg open, so it is cancelled on its own
            leg = await self.exchange.cancel_order(order.symbol, exchange_order_id=leg.exchange_order_id)
        return leg

    async def _cancel(self, order: Order) -> None:
        async with self._lock:
            list_client_id = self.links.list_of(order.order_id)
            if list_client_id is not None:
                if self._resolved_by_exchange(order):
                    logger.info("order %s: expired by the exchange with its order list", order.order_id)
                    return
                try:
                    answer = await self._cancel_list(order, list_client_id)
                except ExchangeError as error:
                    logger.error(
                        "cancel of order list %s failed: %s; the next sync checks it", list_client_id, error
                    )
                    self._failed(order, error)
                    return
                await self._check_cancelled(order, answer)
                return
            exchange_id = self.links.exchange_ids.get(order.order_id)
            client_id = self.links.client_ids.get(order.order_id)
            logger.info("cancelling order %s (%s)", order.order_id, client_id)
            try:
                answer = await self.exchange.cancel_order(
                    order.symbol, exchange_order_id=exchange_id, client_order_id=client_id
                )
            except ExchangeOrderNotFoundError:
                answer = await self.lookup(order)
            except ExchangeError as error:
                logger.error("cancel of order %s failed: %s; the next sync checks it", order.order_id, error)
                self._failed(order, error)
                return
            await self._check_cancelled(order, answer)

    async def _check_cancelled(self, order: Order, answer: ExchangeOrder | None) -> None:
        """The exchange's view of a cancelled order: a fill that came first is the exchange's word (the
        order takes it, its trade is recorded once) and the balances are taken from the exchange."""
        if answer is not None and answer.filled > order.filled:
            logger.warning(
                "order %s filled %s before its cancel reached the exchange: recorded",
                order.order_id,
                answer.filled,
            )
            self.apply_fills(order, await self._with_fees(order, answer))
            self.orders.pop(order.order_id, None)
            await self._notify()
            if self.on_account_error is not None:  # the funds the cancel released may be spent already
                await self.on_account_error()
        elif order.is_closed:
            self.orders.pop(order.order_id, None)

    async def _edit(self, order: Order) -> None:
        async with self._lock:
            list_client_id = self.links.list_of(order.order_id)
            if list_client_id is not None:
                await self._edit_list(order, list_client_id)
                return
            exchange_id = self.links.exchange_ids.get(order.order_id)
            before = self._ids_of(order.order_id)
            # a new client id: the cancel event of the replaced order keeps the old one, and must not be
            # taken for the edited order's (it is on disk before the request leaves)
            new_client_id = self._renew(order.order_id)
            if self.persist is not None:
                await self.persist()
            try:
                answer = await self.exchange.edit_order(
                    order.symbol,
                    exchange_id,
                    amount=order.amount,
                    price=order.price,
                    trigger_price=order.trigger_price,
                    client_order_id=new_client_id,
                )
            except ExchangeError as error:
                logger.error("edit of order %s failed: %s", order.order_id, error)
                self._restore_ids(order.order_id, *before)  # the exchange still knows the old order
                self._failed(order, error)
                return
            if answer.client_order_id:
                self.links.link(order.order_id, answer.client_order_id, answer.exchange_order_id)
            await self.apply_exchange_order(answer)

    async def _edit_list(self, order: Order, list_client_id: str) -> None:
        """An exchange cannot edit a leg of an order list: the list is cancelled and sent again with the
        new levels (new client ids), as one list when the legs still make one, else as single orders."""
        legs = [
            leg
            for leg in (order.group.orders if isinstance(order.group, OneCancelsTheOther) else [order])
            if self.links.list_of(leg.order_id) == list_client_id and leg.is_active
        ]
        before = {leg.order_id: self._ids_of(leg.order_id) for leg in legs}
        for leg in legs:  # late news of the cancelled legs must not close the re-sent ones
            self._renew(leg.order_id)
        try:
            answer = await self.exchange.cancel_oco(
                order.symbol, self.links.list_ids.get(list_client_id), list_client_order_id=list_client_id
            )
        except ExchangeError as error:
            logger.error("edit of order %s: its order list was not cancelled: %s", order.order_id, error)
            for order_id, ids in before.items():  # the list still stands on the exchange
                self._restore_ids(order_id, *ids)
            self._failed(order, error)
            return
        for update in answer.orders:  # a leg that executed before the cancel: the edit is moot
            await self.apply_exchange_order(update)
        if any(not leg.is_active or leg.filled for leg in legs):
            logger.warning("edit of order %s: a leg of its list executed first", order.order_id)
            return
        self.links.forget_list(list_client_id)
        self._sent_lists.discard(list_client_id)
        logger.info("order list %s cancelled to edit order %s: sent again", list_client_id, order.order_id)
        new_legs = self._list_legs(order)
        if new_legs is not None:
            await self._create_list(new_legs)
            return
        for leg in legs:
            await self._create_single(leg)

    def _ids_of(self, order_id: str) -> tuple[str | None, str | None]:
        return self.links.client_ids.get(order_id), self.links.exchange_ids.get(order_id)

    def _restore_ids(self, order_id: str, client_id: str | None, exchange_id: str | None) -> None:
        """Undo ``_renew``: the request failed, the exchange order with the old ids still stands."""
        if client_id is not None:
            self._replaced.pop(client_id, None)
            self.links.link(order_id, client_id, exchange_id)

    def _renew(self, order_id: str) -> str:
        """A new client id for an order sent again; news of the replaced exchange order (old client id)
        still reports its fills, never its cancellation."""
        old = self.links.client_ids.get(order_id)
        new = self.links.renew(order_id)
        if old is not None:
            self._replaced[old] = order_id
        return new

    async def lookup(self, order: Order) -> ExchangeOrder | None:
        """The exchange's view of ``order``: by exchange id when known, else by client id."""
        exchange_id = self.links.exchange_ids.get(order.order_id)
        if exchange_id is not None:
            try:
                return await self.exchange.fetch_order(order.symbol, exchange_id)
            except ExchangeOrderNotFoundError:
                return None
        client_id = self.links.client_ids.get(order.order_id)
        if client_id is None:
            return None
        return await self.exchange.find_order_by_client_id(order.symbol, client_id)

    # --- the exchange's view -------------------------------------------------------------------------
    def order_for(self, update: ExchangeOrder) -> Order | None:
        order_id = self.links.order_id_of(update.client_order_id)
        if order_id is None:
            for candidate, exchange_id in self.links.exchange_ids.items():
                if exchange_id == update.exchange_order_id:
                    order_id = candidate
                    break
        return self.orders.get(order_id) if order_id is not None else None

    async def apply_exchange_order(self, update: ExchangeOrder) -> bool:
        """Bring the bot's order to the exchange's state: new fills (to the unit), cancel, expiry.
        Returns False when the update is not about one of the bot's active orders."""
        order = self.order_for(update)
        if order is None:
            replaced = self._replaced.get(update.client_order_id or "")
            order = self.orders.get(replaced) if replaced is not None else None
            if order is None:
                return False
            update = await self._with_fees(order, update)
            if self.apply_fills(order, update):  # the replaced exchange order filled before its cancel
                await self._notify()
            return True
        self.links.bind(order.order_id, update.exchange_order_id)
        self.unconfirmed.discard(order.order_id)
        update = await self._with_fees(order, update)
        changed = self.apply_fills(order, update)
        if order.is_active and update.status in (
            OrderStatus.CANCELLED,
            OrderStatus.EXPIRED,
            OrderStatus.REJECTED,
        ):
            logger.info("order %s %s on the exchange", order.order_id, update.status.value)
            self._account_close(
                order, OrderStatus.EXPIRED if update.status is OrderStatus.EXPIRED else OrderStatus.CANCELLED
            )
            changed = True
        if order.is_closed:
            self.orders.pop(order.order_id, None)
        if changed:
            await self._notify()
        return True

    async def _with_fees(self, order: Order, update: ExchangeOrder) -> ExchangeOrder:
        """``update`` with the fees of its fills: an order as the exchange's order endpoints tell it (a
        lookup, a reconciliation) carries none, and a fill recorded without its fee would size the
        orders chained to it on more than the account received. They come from the account's trades
        (no fee known when that request fails: the balances are synced from the exchange anyway)."""
        if update.fees or update.filled <= order.filled or not update.exchange_order_id:
            return update
        fetch = getattr(self.exchange, "fetch_my_trades", None)
        if fetch is None:
            return update
        try:
            trades = await fetch(order.symbol)
        except ExchangeError as error:
            logger.warning("order %s: the fees of its fills are unknown (%s)", order.order_id, error)
            return update
        fees: dict[str, Decimal] = {}
        for trade in trades:
            if trade.exchange_order_id == update.exchange_order_id and trade.fee_asset:
                fees[trade.fee_asset] = fees.get(trade.fee_asset, ZERO) + trade.fee
        return dataclasses.replace(update, fees=fees) if fees else update

    def apply_fills(self, order: Order, update: ExchangeOrder) -> bool:
        """Report the part of ``update.filled`` the bot has not seen, at its own average price and fee."""
        new = update.filled - order.filled
        # a cancelled order may still fill: the exchange filled it before the bot's cancel arrived
        after_cancel = order.status is OrderStatus.CANCELLED
        if new <= ZERO or (
            not order.is_active and order.status is not OrderStatus.CANCELLING and not after_cancel
        ):
            return False
        new_cost = update.cost - order.filled_cost if update.cost else new * (update.average_price or ZERO)
        price = new_cost / new if new_cost > ZERO else (update.average_price or order.price or ZERO)
        fee_asset, fee = self._new_fee(order, update)
        taker = order.kind is OrderKind.MARKET
        logger.info(
            "order %s filled %s at %s (exchange total %s of %s)",
            order.order_id,
            new,
            price,
            update.filled,
            update.amount,
        )
        if self.on_fill is None:
            raise RuntimeError("the live connector has no fill handler: attach it to an ExchangeManager")
        try:
            if after_cancel and self.account is not None:
                self.account.apply_fill_after_cancel(order, new, price, fee_asset, fee, taker)
            else:
                self.on_fill(order, new, price, fee_asset, fee, taker)
        except PortfolioError as error:
            logger.error("fill of order %s not applied to the portfolio: %s; syncing balances", order, error)
            if self.on_account_error is not None:
                self._spawn(self.on_account_error())
        return True

    def _new_fee(self, order: Order, update: ExchangeOrder) -> tuple[str, Decimal]:
        rules_base, rules_quote = order.symbol.split("/")[0], order.symbol.split("/")[1].split(":")[0]
        for asset, total in update.fees.items():
            fee = total - order.fees.get(asset, ZERO)
            if fee > ZERO:
                return asset, fee
        return (rules_base if order.is_buy else rules_quote), ZERO

    def _account_close(self, order: Order, status: OrderStatus) -> None:
        if self.account is not None:
            self.account.close(order, status)
        self.orders.pop(order.order_id, None)

    async def _notify(self) -> None:
        if self.notify is not None:
            await self.notify()
