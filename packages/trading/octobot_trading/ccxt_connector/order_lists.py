"""One-cancels-the-other order lists of the live exchange connector: a stop-loss and a take-profit sent
as ONE list sharing one reservation where the exchange has them (``ExchangeProfile.native_oco``).
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from octobot_trading.ccxt_connector.account_orders import CcxtAccountOrders, wire_number
from octobot_trading.ccxt_connector.errors import (
    ExchangeAmbiguousOrderError,
    ExchangeError,
    ExchangeInvalidOrderError,
    ExchangeOrderNotFoundError,
    UnsupportedExchangeError,
)
from octobot_trading.ccxt_connector.profiles import OcoLegRequest
from octobot_trading.ccxt_connector.structures import ExchangeOrder, ExchangeOrderList
from octobot_trading.orders.enums import OrderKind, OrderSide

logger = logging.getLogger(__name__)


class CcxtOrderLists(CcxtAccountOrders):
    """Order lists (OCO): created once, fetched and cancelled as one."""

    # --- one-cancels-the-other order lists ---------------------------------------------------------

    @property
    def native_oco(self) -> bool:
        """True when the exchange takes a stop-loss and a take-profit as one order list sharing one
        reservation (``create_oco``); else send them as separate orders (see ``ExchangeProfile``)."""
        return self.profile.native_oco

    def _require_oco(self) -> None:
        if not self.profile.native_oco:
            raise UnsupportedExchangeError(
                f"{self.exchange_id} has no native one-cancels-the-other orders (profile.native_oco is "
                "False): send the legs as separate orders",
                exchange=self.exchange_id,
            )

    def _parse_list(
        self, symbol: str, raw: Any, legs: list[ExchangeOrder] | None = None
    ) -> ExchangeOrderList:
        answer = self.profile.oco_answer(raw)
        market = self._client.market(symbol)
        if legs is None:
            legs = [ExchangeOrder.from_ccxt(self._client.parse_order(r, market)) for r in answer.reports]
        return ExchangeOrderList(
            list_id=answer.list_id,
            list_client_order_id=answer.list_client_order_id,
            symbol=symbol,
            is_open=answer.is_open,
            orders=tuple(legs),
        )

    async def create_oco(
        self,
        symbol: str,
        side: OrderSide | str,
        amount: Decimal | str | int,
        legs: list[tuple[OrderKind | str, Decimal | str | None, Decimal | str | None, str | None]],
        *,
        list_client_order_id: str | None = None,
    ) -> ExchangeOrderList:
        """Sends a one-cancels-the-other list: ``legs`` are (kind, price, trigger price, client order id)
        of one stop leg (stop_loss / stop_limit) and one limit / take_profit / take_profit_limit leg,
        both of ``amount``; the exchange reserves the amount once. Like ``create_order``, a lost answer
        is resolved by the list's client order id and never sent blindly twice."""
        self._require_credentials("create an order list")
        self._require_oco()
        await self.check_symbol(symbol)
        side = OrderSide(side)
        amount_wire = wire_number(amount, "amount")
        if amount_wire is None:
            raise ExchangeInvalidOrderError(
                f"{symbol}: an order list needs an amount", exchange=self.exchange_id
            )
        requests = []
        for kind, price, trigger, client_id in legs:
            kind = OrderKind(kind)
            client_id = client_id or self.new_client_order_id()
            self.profile.check_client_order_id(client_id)
            requests.append(
                OcoLegRequest(
                    kind.value, wire_number(price, "price"), wire_number(trigger, "trigger_price"), client_id
                )
            )
        list_id: str = list_client_order_id or self.new_client_order_id()
        self.profile.check_client_order_id(list_id)
        market_id = self._client.market(symbol)["id"]
        try:
            method, params = self.profile.oco_request(
                market_id,
                side.value,
                amount_wire,
                requests,
                list_id,
            )
        except ValueError as error:
            raise ExchangeInvalidOrderError(f"{symbol}: {error}", exchange=self.exchange_id) from None
        action = f"create {side.value} order list {amount_wire} {symbol} ({list_id})"

        async def send() -> Any:
            return await getattr(self._client, method)(dict(params))

        async def parse(raw: Any) -> ExchangeOrderList:
            return self._parse_list(symbol, raw)

        async def lookup(cause: ExchangeError | None) -> ExchangeOrderList | None:
            return await self._list_lookup_after_loss(symbol, list_id, cause)

        return await self._send_once(send, parse, lookup, action, "list", symbol, side, amount)

    async def _list_lookup_after_loss(
        self, symbol: str, list_client_order_id: str, cause: ExchangeError | None
    ) -> ExchangeOrderList | None:
        try:
            return await self.fetch_oco(symbol, list_client_order_id=list_client_order_id)
        except ExchangeOrderNotFoundError:
            return None
        except ExchangeError as lookup_error:
            raise ExchangeAmbiguousOrderError(
                f"{self.exchange_id}: the answer to order list {list_client_order_id} on {symbol} was lost "
                f"({cause}) and the list could not be looked up ({lookup_error}); it may exist: "
                "reconcile with fetch_oco before sending it again",
                exchange=self.exchange_id,
                symbol=symbol,
                client_order_id=list_client_order_id,
            ) from lookup_error

    async def fetch_oco(
        self, symbol: str, list_id: str | None = None, *, list_client_order_id: str | None = None
    ) -> ExchangeOrderList:
        """One order list with each leg's current state (by exchange id or client id);
        ``ExchangeOrderNotFoundError`` when the exchange has none."""
        self._require_credentials("fetch an order list")
        self._require_oco()
        if list_id is None and list_client_order_id is None:
            raise ExchangeInvalidOrderError(
                "fetch_oco needs list_id or list_client_order_id", exchange=self.exchange_id
            )
        await self.check_symbol(symbol)
        market_id = self._client.market(symbol)["id"]
        method, params = self.profile.oco_lookup_request(market_id, list_id, list_client_order_id)
        raw = await self._request(
            lambda: getattr(self._client, method)(dict(params)),
            f"fetch order list {list_id or list_client_order_id} {symbol}",
        )
        legs = [await self.fetch_order(symbol, leg_id) for leg_id in self.profile.oco_answer(raw).leg_ids]
        return self._parse_list(symbol, raw, legs)

    async def cancel_oco(
        self, symbol: str, list_id: str | None = None, *, list_client_order_id: str | None = None
    ) -> ExchangeOrderList:
        """Cancels every open leg of a list; its final state. Repeating a cancel whose answer was lost is
        safe: a list already done is returned as it is."""
        self._require_credentials("cancel an order list")
        self._require_oco()
        if list_id is None and list_client_order_id is None:
            raise ExchangeInvalidOrderError(
                "cancel_oco needs list_id or list_client_order_id", exchange=self.exchange_id
            )
        await self.check_symbol(symbol)
        market_id = self._client.market(symbol)["id"]
        method, params = self.profile.oco_cancel_request(market_id, list_id, list_client_order_id)
        try:
            raw = await self._request(
                lambda: getattr(self._client, method)(dict(params)),
                f"cancel order list {list_id or list_client_order_id} {symbol}",
            )
        except ExchangeOrderNotFoundError:
            found = await self.fetch_oco(symbol, list_id, list_client_order_id=list_client_order_id)
            if not found.is_open or all(o.is_closed for o in found.orders):
                return found
            raise
        return self._parse_list(symbol, raw)
