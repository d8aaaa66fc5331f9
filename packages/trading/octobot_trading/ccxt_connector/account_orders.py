"""Account reads and orders of the live exchange connector: balances, orders and own trades, and orders
sent exactly once.

Why "exactly once": order creation is the one request that is never blindly retried. Each order carries a
client order id, and a lost answer is resolved by looking the order up by that id (``_send_once``); only
this project's types leave (``ExchangeOrder``, ``ExchangeTrade``, ``ot.Balance``, Decimal numbers).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from octobot_trading.ccxt_connector.errors import (
    ExchangeAmbiguousOrderError,
    ExchangeAuthenticationError,
    ExchangeDuplicateOrderError,
    ExchangeError,
    ExchangeInsufficientFundsError,
    ExchangeInvalidOrderError,
    ExchangeNetworkError,
    ExchangeOrderNotFoundError,
    ExchangeRateLimitError,
    ExchangeTimestampError,
)
from octobot_trading.ccxt_connector.structures import ExchangeOrder, ExchangeTrade, balances_from_ccxt
from octobot_trading.ccxt_connector.transport import CcxtTransport
from octobot_trading.markets import to_decimal
from octobot_trading.orders.enums import OrderKind, OrderSide
from octobot_trading.portfolio import Balance

logger = logging.getLogger(__name__)

#: what a create request gives back: an order or an order list
_Sent = TypeVar("_Sent")


def wire_number(value: Decimal | str | int | None, what: str) -> str | None:
    """A number as the exact decimal string ccxt sends (never a float)."""
    if value is None:
        return None
    return format(to_decimal(value, what), "f")


class CcxtAccountOrders(CcxtTransport):
    """Balances, orders and own trades of the account; orders created, cancelled and edited."""

    # --- account ---------------------------------------------------------------------------------

    def _require_credentials(self, action: str) -> None:
        if self.credentials is None:
            raise ExchangeAuthenticationError(
                f"{self.exchange_id}: {action} needs API credentials; "
                "pass credentials=Credentials(key, secret)",
                exchange=self.exchange_id,
            )

    async def fetch_balance(self) -> dict[str, Balance]:
        self._require_credentials("fetch the balance")
        raw = await self._request(self._client.fetch_balance, "fetch the balance")
        return balances_from_ccxt(raw)

    async def fetch_open_orders(self, symbol: str | None = None) -> list[ExchangeOrder]:
        self._require_credentials("fetch open orders")
        raw = await self._request(
            lambda: self._client.fetch_open_orders(symbol), f"fetch open orders {symbol or ''}"
        )
        return [ExchangeOrder.from_ccxt(o) for o in raw]

    async def fetch_closed_orders(
        self, symbol: str, since_ms: int | None = None, limit: int | None = None
    ) -> list[ExchangeOrder]:
        """Filled, cancelled, expired and rejected orders (ccxt's "closed" means filled only)."""
        self._require_credentials("fetch closed orders")
        client = self._client
        if client.has.get("fetchOrders"):
            raw = await self._request(
                lambda: client.fetch_orders(symbol, since_ms, limit), f"fetch orders {symbol}"
            )
        else:
            raw = await self._request(
                lambda: client.fetch_closed_orders(symbol, since_ms, limit), f"fetch closed orders {symbol}"
            )
            if client.has.get("fetchCanceledOrders"):
                raw = raw + await self._request(
                    lambda: client.fetch_canceled_orders(symbol, since_ms, limit),
                    f"fetch cancelled orders {symbol}",
                )
        orders = [ExchangeOrder.from_ccxt(o) for o in raw]
        return [o for o in orders if o.is_closed]

    async def fetch_order(self, symbol: str, exchange_order_id: str) -> ExchangeOrder:
        self._require_credentials("fetch an order")
        raw = await self._request(
            lambda: self._client.fetch_order(exchange_order_id, symbol),
            f"fetch order {exchange_order_id} {symbol}",
        )
        return ExchangeOrder.from_ccxt(raw)

    async def find_order_by_client_id(self, symbol: str, client_order_id: str) -> ExchangeOrder | None:
        """The order sent with ``client_order_id``, or None when the exchange has none (open or closed)."""
        self._require_credentials("find an order")
        if self.profile.fetch_by_client_id:
            params = {self.profile.client_order_id_lookup_param: client_order_id}
            try:
                raw = await self._request(
                    lambda: self._client.fetch_order(None, symbol, params),
                    f"find order {client_order_id} {symbol}",
                )
            except ExchangeOrderNotFoundError:
                return None
            return ExchangeOrder.from_ccxt(raw)
        for order in [*await self.fetch_open_orders(symbol), *await self.fetch_closed_orders(symbol)]:
            if order.client_order_id == client_order_id:
                return order
        return None

    async def fetch_my_trades(
        self, symbol: str, since_ms: int | None = None, limit: int | None = None
    ) -> list[ExchangeTrade]:
        self._require_credentials("fetch own trades")
        raw = await self._request(
            lambda: self._client.fetch_my_trades(symbol, since_ms, limit), f"fetch own trades {symbol}"
        )
        return [ExchangeTrade.from_ccxt(t) for t in raw]

    # --- orders ----------------------------------------------------------------------------------

    def new_client_order_id(self) -> str:
        return self.client_order_ids.next()

    def _order_request(
        self,
        kind: OrderKind,
        price: Decimal | str | int | None,
        trigger_price: Decimal | str | int | None,
        symbol: str,
    ) -> tuple[str, str | None, dict[str, Any]]:
        """(ccxt type, price, params) of an order of ``kind``."""
        params: dict[str, Any] = {}
        needs_price = kind in (OrderKind.LIMIT, OrderKind.STOP_LIMIT, OrderKind.TAKE_PROFIT_LIMIT)
        if needs_price and price is None:
            raise ExchangeInvalidOrderError(
                f"{symbol}: a {kind.value} order needs price=", exchange=self.exchange_id
            )
        if kind.has_trigger:
            if kind.is_trailing:
                raise ExchangeInvalidOrderError(
                    f"{symbol}: trailing orders are not sent to the exchange by this connector; the trader "
                    "follows them locally",
                    exchange=self.exchange_id,
                )
            if trigger_price is None:
                raise ExchangeInvalidOrderError(
                    f"{symbol}: a {kind.value} order needs trigger_price=", exchange=self.exchange_id
                )
            key = "stopLossPrice" if kind.is_stop else "takeProfitPrice"
            params[key] = wire_number(trigger_price, "trigger_price")
        ccxt_type = "limit" if needs_price else "market"
        return ccxt_type, wire_number(price, "price") if needs_price else None, params

    async def create_order(
        self,
        symbol: str,
        side: OrderSide | str,
        kind: OrderKind | str,
        amount: Decimal | str | int,
        price: Decimal | str | int | None = None,
        trigger_price: Decimal | str | int | None = None,
        *,
        client_order_id: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> ExchangeOrder:
        """Sends one order with a client order id; the exchange's view of it.

        A lost answer (timeout, dropped connection, 5xx: the exchange may have accepted the order) is
        resolved by looking the order up by its client order id: found -> returned, never sent twice;
        surely absent -> sent again with the same id (the exchange refuses a duplicate of an open
        order); lookup impossible -> ``ExchangeAmbiguousOrderError``. A refused request (429/418,
        -1021) is sent again after the wait; any other refusal raises at once.
        """
        self._require_credentials("create an order")
        await self.check_symbol(symbol)
        side = OrderSide(side)
        kind = OrderKind(kind)
        amount_wire = wire_number(amount, "amount")
        ccxt_type, price_wire, request_params = self._order_request(kind, price, trigger_price, symbol)
        client_order_id = client_order_id or self.new_client_order_id()
        self.profile.check_client_order_id(client_order_id)
        request_params.update(params or {})
        request_params[self.profile.client_order_id_param] = client_order_id
        action = f"create {side.value} {kind.value} {amount_wire} {symbol} ({client_order_id})"

        async def send() -> Any:
            return await self._client.create_order(
                symbol, ccxt_type, side.value, amount_wire, price_wire, dict(request_params)
            )

        async def parse(raw: Any) -> ExchangeOrder:
            return ExchangeOrder.from_ccxt(raw)

        async def lookup(cause: ExchangeError | None) -> ExchangeOrder | None:
            return await self._lookup_after_loss(symbol, client_order_id, cause)

        return await self._send_once(send, parse, lookup, action, "order", symbol, side, amount)

    async def _lookup_after_loss(
        self, symbol: str, client_order_id: str, cause: ExchangeError | None
    ) -> ExchangeOrder | None:
        try:
            return await self.find_order_by_client_id(symbol, client_order_id)
        except ExchangeError as lookup_error:
            raise ExchangeAmbiguousOrderError(
                f"{self.exchange_id}: the answer to order {client_order_id} on {symbol} was lost "
                f"({cause}) and the order could not be looked up ({lookup_error}); it may exist: "
                "reconcile with find_order_by_client_id before sending it again",
                exchange=self.exchange_id,
                symbol=symbol,
                client_order_id=client_order_id,
            ) from lookup_error

    async def cancel_order(
        self, symbol: str, exchange_order_id: str | None = None, client_order_id: str | None = None
    ) -> ExchangeOrder:
        """Cancels an order (by exchange id or client id); its final state. Repeating a cancel whose
        answer was lost is safe: an order already closed is returned as it is."""
        self._require_credentials("cancel an order")
        if exchange_order_id is None and client_order_id is None:
            raise ExchangeInvalidOrderError(
                "cancel_order needs exchange_order_id or client_order_id", exchange=self.exchange_id
            )
        params = (
            {} if client_order_id is None else {self.profile.client_order_id_lookup_param: client_order_id}
        )
        if exchange_order_id is not None:
            params = {}
        try:
            raw = await self._request(
                lambda: self._client.cancel_order(exchange_order_id, symbol, dict(params)),
                f"cancel order {exchange_order_id or client_order_id} {symbol}",
            )
        except ExchangeOrderNotFoundError:
            found = await self._find(symbol, exchange_order_id, client_order_id)
            if found is not None and found.is_closed:
                return found
            raise
        order = ExchangeOrder.from_ccxt(raw)
        if not order.is_closed:  # some exchanges answer a cancel with the order still open
            order = await self._find(symbol, order.exchange_order_id, None) or order
        return order

    async def _find(
        self, symbol: str, exchange_order_id: str | None, client_order_id: str | None
    ) -> ExchangeOrder | None:
        if exchange_order_id is not None:
            try:
                return await self.fetch_order(symbol, exchange_order_id)
            except ExchangeOrderNotFoundError:
                return None
        # callers give the exchange id or else the client id: one of them is set
        return await self.find_order_by_client_id(symbol, client_order_id)  # type: ignore[arg-type]

    async def edit_order(
        self,
        symbol: str,
        exchange_order_id: str,
        amount: Decimal | str | None = None,
        price: Decimal | str | None = None,
        trigger_price: Decimal | str | None = None,
        *,
        client_order_id: str | None = None,
    ) -> ExchangeOrder:
        """Changes an open order's amount or prices; the order as it now stands on the exchange (a new
        exchange id and client id when the exchange edits by cancel + create)."""
        self._require_credentials("edit an order")
        current = await self.fetch_order(symbol, exchange_order_id)
        if current.is_closed:
            raise ExchangeInvalidOrderError(
                f"{self.exchange_id}: order {exchange_order_id} is {current.status.value}; "
                "it cannot be edited",
                exchange=self.exchange_id,
            )
        new_amount = to_decimal(amount, "amount") if amount is not None else current.remaining
        new_price = price if price is not None else current.price
        new_trigger = trigger_price if trigger_price is not None else current.trigger_price
        if self.profile.native_edit:
            ccxt_type, price_wire, params = self._order_request(current.kind, new_price, new_trigger, symbol)
            new_client_id = client_order_id or self.new_client_order_id()
            params[self.profile.client_order_id_param] = new_client_id
            action = f"edit order {exchange_order_id} {symbol} ({new_client_id})"

            async def send() -> Any:
                return await self._client.edit_order(
                    exchange_order_id,
                    symbol,
                    ccxt_type,
                    current.side.value,
                    wire_number(new_amount, "amount"),
                    price_wire,
                    dict(params),
                )

            try:  # never repeated blindly: a lost answer is resolved by the new order's client id
                return ExchangeOrder.from_ccxt(await self._attempt(send, action))
            except ExchangeNetworkError as error:
                found = await self._lookup_after_loss(symbol, new_client_id, error)
                if found is not None:
                    return found
                raise
        cancelled = await self.cancel_order(symbol, exchange_order_id)
        if cancelled.filled >= cancelled.amount:
            raise ExchangeInvalidOrderError(
                f"{self.exchange_id}: order {exchange_order_id} filled before it could be edited",
                exchange=self.exchange_id,
            )
        if amount is None:
            new_amount = cancelled.remaining
        return await self.create_order(
            symbol,
            current.side,
            current.kind,
            new_amount,
            new_price,
            new_trigger,
            client_order_id=client_order_id,
        )

    async def _send_once(
        self,
        send: Callable[[], Awaitable[Any]],
        parse: Callable[[Any], Awaitable[_Sent]],
        lookup: Callable[[ExchangeError | None], Awaitable[_Sent | None]],
        action: str,
        what: str,
        symbol: str,
        side: OrderSide,
        amount: Decimal | str | int,
    ) -> _Sent:
        """Sends a create request carrying client ids until it is answered: a lost answer is first looked
        up by those ids (found -> returned, never sent twice), a refused request is sent again after the
        wait, any other refusal raises. Shared by single orders and order lists."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await parse(await self._attempt(send, action))
            except ExchangeDuplicateOrderError:
                found = await lookup(None)
                if found is not None:
                    return found
                raise
            except ExchangeNetworkError as error:
                refused = isinstance(error, ExchangeRateLimitError | ExchangeTimestampError)
                if not refused:  # the exchange may have taken it: find it before anything else
                    found = await lookup(error)
                    if found is not None:
                        logger.info(
                            "%s: %s: answer lost, %s found by its client id", self.exchange_id, action, what
                        )
                        return found
                if attempt >= self.retry_policy.max_attempts:
                    raise
                self.retries += 1
                delay = self.retry_policy.delay_s(
                    attempt, isinstance(error, ExchangeRateLimitError), getattr(error, "retry_after_s", None)
                )
                logger.warning(
                    "%s: %s: %s; sending again (same client id) in %.2f s",
                    self.exchange_id,
                    action,
                    error,
                    delay,
                )
                await self.sleep(delay)
            except ExchangeInsufficientFundsError as error:
                base, quote = symbol.split(":")[0].split("/")
                error.asset = quote if side is OrderSide.BUY else base
                error.required = to_decimal(amount, "amount") if side is OrderSide.SELL else None
                raise
