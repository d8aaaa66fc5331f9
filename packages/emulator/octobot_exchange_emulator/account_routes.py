"""The signed REST endpoints of the emulator: the account, orders, order lists (OCO), own trades, fees and
the user data stream's listen keys."""

from __future__ import annotations

import secrets

from aiohttp import web

from octobot_exchange_emulator.errors import ApiError
from octobot_exchange_emulator.http_frontend import API_KEY, SIGNED
from octobot_exchange_emulator.public_routes import PublicRoutes
from octobot_exchange_emulator.streams import StreamHub


class _DataError(ApiError):
    """An error answer carrying Binance's extra ``data`` (cancel-replace)."""

    def __init__(self, code: int, msg: str, data: dict) -> None:
        super().__init__(code, msg, 409 if code == -2021 else 400)
        self.data = data

    def body(self) -> dict:
        return {"code": self.code, "msg": self.msg, "data": self.data}


class AccountRoutes(PublicRoutes):
    """Handlers of the endpoints that need an API key (and most a signature)."""

    streams: StreamHub
    listen_keys: set[str]

    def _register_account_routes(self, app: web.Application) -> None:
        r = self._route
        r(app, "GET", "/account", SIGNED, self._account)
        r(app, "POST", "/order", SIGNED, self._new_order)
        r(app, "POST", "/order/test", SIGNED, self._test_order)
        r(app, "POST", "/order/cancelReplace", SIGNED, self._cancel_replace)
        r(app, "GET", "/account/commission", SIGNED, self._commission)
        r(app, "GET", "/sapi/v1/asset/tradeFee", SIGNED, self._trade_fees)
        r(app, "GET", "/order", SIGNED, self._get_order)
        r(app, "DELETE", "/order", SIGNED, self._cancel_order)
        r(app, "POST", "/orderList/oco", SIGNED, self._new_oco)
        r(app, "POST", "/order/oco", SIGNED, self._new_legacy_oco)
        r(app, "GET", "/orderList", SIGNED, self._get_order_list)
        r(app, "DELETE", "/orderList", SIGNED, self._cancel_order_list)
        r(app, "GET", "/openOrderList", SIGNED, self._open_order_lists)
        r(app, "GET", "/allOrderList", SIGNED, self._all_order_lists)
        r(app, "GET", "/openOrders", SIGNED, self._open_orders)
        r(app, "DELETE", "/openOrders", SIGNED, self._cancel_open_orders)
        r(app, "GET", "/allOrders", SIGNED, self._all_orders)
        r(app, "GET", "/myTrades", SIGNED, self._my_trades)
        r(app, "POST", "/userDataStream", API_KEY, self._new_listen_key)
        r(app, "PUT", "/userDataStream", API_KEY, self._keep_listen_key)
        r(app, "DELETE", "/userDataStream", API_KEY, self._close_listen_key)

    async def _account(self, request: web.Request, params: dict) -> object:
        spec = next(iter(self.markets.values()))
        return {
            "makerCommission": int(spec.maker_fee * 10000),
            "takerCommission": int(spec.taker_fee * 10000),
            "buyerCommission": 0,
            "sellerCommission": 0,
            "commissionRates": {
                "maker": format(spec.maker_fee, "f"),
                "taker": format(spec.taker_fee, "f"),
                "buyer": "0",
                "seller": "0",
            },
            "canTrade": True,
            "canWithdraw": True,
            "canDeposit": True,
            "brokered": False,
            "requireSelfTradePrevention": False,
            "preventSor": False,
            "updateTime": self.now_ms,
            "accountType": "SPOT",
            "balances": self.account.balance_entries(),
            "permissions": ["SPOT"],
            "uid": 1,
        }

    async def _new_order(self, request: web.Request, params: dict) -> object:
        symbol = self._symbol(params)
        order = self.account.place(params, self.replay.symbols[symbol].last_price, self.now_ms)
        await self.streams.flush()
        return order.to_new_order_answer(self.now_ms)

    async def _cancel_replace(self, request: web.Request, params: dict) -> object:
        """Cancel an order then place a new one (ccxt's edit_order on spot); the cancel stands even when
        the new order is refused, as on Binance."""
        symbol = self._symbol(params)
        mode = params.get("cancelReplaceMode")
        if mode not in ("STOP_ON_FAILURE", "ALLOW_FAILURE"):
            raise ApiError(
                -1102, "Mandatory parameter 'cancelReplaceMode' was not sent, was empty/null, or malformed."
            )
        cancel_response: dict | None = None
        cancel_result = "SUCCESS"
        try:
            order = self.account.find_order(
                params["symbol"], params.get("cancelOrderId"), params.get("cancelOrigClientOrderId")
            )
            self.account.cancel(order, self.now_ms)
            cancel_response = order.to_cancel_answer(
                params.get("cancelNewClientOrderId") or f"cancel-{order.order_id}", self.now_ms
            )
        except ApiError as error:
            cancel_result, cancel_response = "FAILURE", error.body()
        new_result, new_response = "NOT_ATTEMPTED", None
        if cancel_result == "SUCCESS" or mode == "ALLOW_FAILURE":
            try:
                placed = self.account.place(params, self.replay.symbols[symbol].last_price, self.now_ms)
                new_result, new_response = "SUCCESS", placed.to_new_order_answer(self.now_ms)
            except ApiError as error:
                new_result, new_response = "FAILURE", error.body()
        await self.streams.flush()
        data = {
            "cancelResult": cancel_result,
            "newOrderResult": new_result,
            "cancelResponse": cancel_response,
            "newOrderResponse": new_response,
        }
        if cancel_result == "SUCCESS" and new_result == "SUCCESS":
            return data
        if cancel_result == "SUCCESS" or new_result == "SUCCESS":
            raise _DataError(-2021, "Order cancel-replace partially failed.", data)
        raise _DataError(-2022, "Order cancel-replace failed.", data)

    async def _commission(self, request: web.Request, params: dict) -> object:
        spec = self.markets[self._symbol(params)]
        rates = {
            "maker": format(spec.maker_fee, "f"),
            "taker": format(spec.taker_fee, "f"),
            "buyer": "0",
            "seller": "0",
        }
        zero = dict.fromkeys(rates, "0")
        discount = {
            "enabledForAccount": False,
            "enabledForSymbol": False,
            "discountAsset": "BNB",
            "discount": "0",
        }
        return {
            "symbol": spec.market_id,
            "standardCommission": rates,
            "taxCommission": zero,
            "discount": discount,
        }

    async def _trade_fees(self, request: web.Request, params: dict) -> object:
        specs = [self.markets[self._symbol(params)]] if "symbol" in params else list(self.markets.values())
        return [
            {
                "symbol": spec.market_id,
                "makerCommission": format(spec.maker_fee, "f"),
                "takerCommission": format(spec.taker_fee, "f"),
            }
            for spec in specs
        ]

    async def _test_order(self, request: web.Request, params: dict) -> object:
        self._symbol(params)
        return {}

    async def _get_order(self, request: web.Request, params: dict) -> object:
        order = self.account.find_order(
            params.get("symbol", ""), params.get("orderId"), params.get("origClientOrderId")
        )
        return order.to_binance()

    async def _cancel_order(self, request: web.Request, params: dict) -> object:
        order = self.account.find_order(
            params.get("symbol", ""), params.get("orderId"), params.get("origClientOrderId")
        )
        self.account.cancel(order, self.now_ms)
        await self.streams.flush()
        return order.to_cancel_answer(
            params.get("newClientOrderId") or f"cancel-{order.order_id}", self.now_ms
        )

    # --- order lists (OCO) ---------------------------------------------------------------------------

    async def _new_oco(self, request: web.Request, params: dict) -> object:
        """POST /api/v3/orderList/oco: two legs, one reservation (see ``Account.place_oco``)."""
        symbol = self._symbol(params)
        order_list = self.account.place_oco(params, self.replay.symbols[symbol].last_price, self.now_ms)
        await self.streams.flush()
        return order_list.to_new_answer(self.now_ms)

    async def _new_legacy_oco(self, request: web.Request, params: dict) -> object:
        """POST /api/v3/order/oco (deprecated by Binance, still served): a limit maker leg at ``price``
        and a stop leg at ``stopPrice`` (a stop-limit when ``stopLimitPrice`` is given)."""
        symbol = self._symbol(params)
        side = (params.get("side") or "").upper()
        limit_leg = {
            "Type": "LIMIT_MAKER",
            "Price": params.get("price"),
            "ClientOrderId": params.get("limitClientOrderId"),
        }
        stop_limit = params.get("stopLimitPrice")
        stop_leg = {
            "Type": "STOP_LOSS_LIMIT" if stop_limit else "STOP_LOSS",
            "StopPrice": params.get("stopPrice"),
            "Price": stop_limit,
            "TimeInForce": params.get("stopLimitTimeInForce"),
            "ClientOrderId": params.get("stopClientOrderId"),
        }
        above, below = (limit_leg, stop_leg) if side == "SELL" else (stop_leg, limit_leg)
        kept = ("symbol", "side", "quantity", "listClientOrderId")
        converted = {k: v for k, v in params.items() if k in kept}
        for position, leg in (("above", above), ("below", below)):
            converted.update({position + name: value for name, value in leg.items() if value is not None})
        order_list = self.account.place_oco(converted, self.replay.symbols[symbol].last_price, self.now_ms)
        await self.streams.flush()
        return order_list.to_new_answer(self.now_ms)

    async def _get_order_list(self, request: web.Request, params: dict) -> object:
        return self.account.find_list(params.get("orderListId"), params.get("origClientOrderId")).summary()

    async def _cancel_order_list(self, request: web.Request, params: dict) -> object:
        spec = self.markets[self._symbol(params)]
        try:
            order_list = self.account.find_list(params.get("orderListId"), params.get("listClientOrderId"))
        except ApiError as error:
            if error.code == -2013:
                raise ApiError(-2011, "Unknown order list sent.") from error
            raise
        if order_list.market_id != spec.market_id:
            raise ApiError(-2011, "Unknown order list sent.")
        self.account.cancel_list(order_list, self.now_ms)
        await self.streams.flush()
        return order_list.to_cancel_answer(self.now_ms)

    async def _open_order_lists(self, request: web.Request, params: dict) -> object:
        return [lst.summary() for lst in self.account.open_lists()]

    async def _all_order_lists(self, request: web.Request, params: dict) -> object:
        lists = list(self.account.order_lists.values())
        if "fromId" in params:
            lists = [lst for lst in lists if lst.list_id >= int(params["fromId"])]
        if "startTime" in params:
            lists = [lst for lst in lists if lst.transaction_time >= int(params["startTime"])]
        if "endTime" in params:
            lists = [lst for lst in lists if lst.transaction_time <= int(params["endTime"])]
        limit = min(int(params.get("limit", 500)), 1000)
        selected = lists[:limit] if ("fromId" in params or "startTime" in params) else lists[-limit:]
        return [lst.summary() for lst in selected]

    async def _open_orders(self, request: web.Request, params: dict) -> object:
        market_id = self.markets[self._symbol(params)].market_id if "symbol" in params else None
        return [o.to_binance() for o in self.account.open_orders(market_id)]

    async def _cancel_open_orders(self, request: web.Request, params: dict) -> object:
        spec = self.markets[self._symbol(params)]
        orders = self.account.open_orders(spec.market_id)
        for order in orders:
            self.account.cancel(order, self.now_ms)
        await self.streams.flush()
        return [o.to_cancel_answer(f"cancel-{o.order_id}", self.now_ms) for o in orders]

    async def _all_orders(self, request: web.Request, params: dict) -> object:
        spec = self.markets[self._symbol(params)]
        orders = [o for o in self.account.orders.values() if o.market_id == spec.market_id]
        if "orderId" in params:
            orders = [o for o in orders if o.order_id >= int(params["orderId"])]
        if "startTime" in params:
            orders = [o for o in orders if o.time >= int(params["startTime"])]
        if "endTime" in params:
            orders = [o for o in orders if o.time <= int(params["endTime"])]
        limit = min(int(params.get("limit", 500)), 1000)
        # from orderId / startTime: the first `limit`; otherwise the most recent ones
        selected = orders[:limit] if ("orderId" in params or "startTime" in params) else orders[-limit:]
        return [o.to_binance() for o in selected]

    async def _my_trades(self, request: web.Request, params: dict) -> object:
        spec = self.markets[self._symbol(params)]
        trades = [t for t in self.account.trades if t.market_id == spec.market_id]
        if "orderId" in params:
            trades = [t for t in trades if t.order_id == int(params["orderId"])]
        if "fromId" in params:
            trades = [t for t in trades if t.trade_id >= int(params["fromId"])]
        if "startTime" in params:
            trades = [t for t in trades if t.time >= int(params["startTime"])]
        if "endTime" in params:
            trades = [t for t in trades if t.time <= int(params["endTime"])]
        limit = min(int(params.get("limit", 500)), 1000)
        selected = trades[:limit] if ("fromId" in params or "startTime" in params) else trades[-limit:]
        return [t.to_binance() for t in selected]

    async def _new_listen_key(self, request: web.Request, params: dict) -> object:
        key = secrets.token_urlsafe(45)[:60]
        self.listen_keys.add(key)
        return {"listenKey": key}

    async def _keep_listen_key(self, request: web.Request, params: dict) -> object:
        if params.get("listenKey") not in self.listen_keys:
            raise ApiError(-1125, "This listenKey does not exist.")
        return {}

    async def _close_listen_key(self, request: web.Request, params: dict) -> object:
        if params.get("listenKey") not in self.listen_keys:
            raise ApiError(-1125, "This listenKey does not exist.")
        self.listen_keys.discard(params["listenKey"])
        return {}
