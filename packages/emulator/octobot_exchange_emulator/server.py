"""The exchange emulator: a loopback Binance spot server that ccxt's own binance client talks to.

Why a server and not mocks: live connectors, traders and reconciliation are tested against ccxt's real
request signing, parsing and error mapping, on a market that replays recorded prices on an explicit
clock (``await emulator.advance()``), with faults injected on demand.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

import ccxt
import numpy as np
from aiohttp import web

from octobot_exchange_emulator import market_data
from octobot_exchange_emulator.account import Account
from octobot_exchange_emulator.candle_sources import (
    PriceSeries,
    check_candles,
    infer_time_frame,
    read_price_series,
)
from octobot_exchange_emulator.errors import ApiError, EmulatorDataError, EmulatorError, invalid_symbol
from octobot_exchange_emulator.faults import FaultKind, FaultPlan, error_body
from octobot_exchange_emulator.market import MarketSpec
from octobot_exchange_emulator.replay import PriceReplay
from octobot_exchange_emulator.signing import check_api_key, check_signed
from octobot_exchange_emulator.streams import StreamHub
from octobot_trading.symbols import parse_symbol
from octobot_trading.time_frames import TimeFrame, parse_time_frame

logger = logging.getLogger(__name__)

API = "/api/v3"
_NONE, _API_KEY, _SIGNED = "NONE", "API_KEY", "SIGNED"
_BODY = web.RequestKey("emulator_body", str)
Handler = Callable[[web.Request, dict[str, str]], Awaitable[object]]


class _DataError(ApiError):
    """An error answer carrying Binance's extra ``data`` (cancel-replace)."""

    def __init__(self, code: int, msg: str, data: dict) -> None:
        super().__init__(code, msg, 409 if code == -2021 else 400)
        self.data = data

    def body(self) -> dict:
        return {"code": self.code, "msg": self.msg, "data": self.data}


@dataclass(frozen=True)
class RecordedRequest:
    """One request received: its method, path, parameters (query and body), whether it was signed
    (carried a signature parameter), the status answered and the fault applied, if any."""

    method: str
    path: str
    params: dict[str, str]
    signed: bool
    status: int
    fault: str | None = None


class ExchangeEmulator:
    """A Binance-spot-like exchange on 127.0.0.1 replaying recorded candles.

    ``candles`` maps ccxt symbols ("BTC/USDT") to (n, 6) arrays or freqtrade .csv/.json files, all on
    one ``time_frame`` (inferred when None). ``history`` candles per symbol are already closed at start
    (default: half the data, at most 500). ``balances`` is the account's starting free balance.

    ``server_clock`` is what /api/v3/time answers: "wall" (the machine's clock; market data stays in
    its recorded time) or "market" (the replay's clock, ``server_time_ms()``, so that a client that
    corrects its clock from the exchange sees candles close on time). Signed requests are accepted
    when stamped within recvWindow of the wall clock, the market clock, or a market time answered by
    /time moved on by the real time elapsed since (``accepted_clocks``).
    """

    def __init__(
        self,
        candles: Mapping[str, np.ndarray | str | Path],
        balances: Mapping[str, Decimal] | None = None,
        time_frame: str | TimeFrame | None = None,
        history: int | None = None,
        api_key: str | None = None,
        secret: str | None = None,
        markets: Mapping[str, MarketSpec] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        server_clock: str = "wall",
    ) -> None:
        if server_clock not in ("wall", "market"):
            raise EmulatorError(f"server_clock must be 'wall' or 'market', got {server_clock!r}")
        self.server_clock = server_clock
        if not candles:
            raise EmulatorError("give at least one symbol's candles, e.g. {'BTC/USDT': 'BTC_USDT-5m.csv'}")
        series = [
            read_price_series(value, symbol, time_frame)
            if isinstance(value, (str, Path))
            else PriceSeries(str(parse_symbol(symbol)), None, check_candles(value, symbol))
            for symbol, value in candles.items()
        ]
        arrays = {one.symbol: one.candles for one in series}
        frame = _one_time_frame(series, time_frame)
        self.replay = PriceReplay(arrays, frame, history)
        self.time_frame = frame
        specs = dict(markets or {})
        self.markets = {s: specs.get(s) or MarketSpec.for_prices(s, a) for s, a in arrays.items()}
        self.api_key = api_key or secrets.token_hex(32)
        self.secret = secret or secrets.token_hex(32)
        self.faults = FaultPlan()
        self.account = Account(self.markets, dict(balances or {}))
        self.account.partial_fill_fraction = self.faults.partial_fills
        #: every request received, in order
        self.requests: list[RecordedRequest] = []
        self.listen_keys: set[str] = set()
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._step_listeners: list[Callable[[dict], None]] = []
        self._run_task: asyncio.Task | None = None
        self._run_speed: float | None = None
        self._step_wall = time.monotonic()
        self._routes: dict[tuple[str, str], tuple[str, Handler]] = {}
        self._weight_minute = 0
        self._weight_used = 0
        #: recent "market" /time answers and the wall time (ms) each was given at
        self._time_answers: deque[tuple[int, int]] = deque(maxlen=64)
        #: the websocket side (market streams and user data)
        self.streams = StreamHub(self)

    # --- lifecycle ---------------------------------------------------------------------------------

    async def __aenter__(self) -> ExchangeEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        if self._runner is not None:
            raise EmulatorError("the emulator is already started")
        app = web.Application(middlewares=[self._middleware])
        self._register_routes(app)
        self.streams.register(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        logger.info("exchange emulator listening on %s", self.url)

    async def stop(self) -> None:
        """Close every connection and the listening socket; the market and the account are kept, so a
        later ``start()`` on the same port plays an exchange coming back from an outage."""
        await self.stop_running()
        self.faults.release()
        await self.streams.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def ccxt_config(self, api_key: str | None = None, secret: str | None = None) -> dict:
        """Constructor arguments for ``ccxt.async_support.binance`` / ``ccxt.pro.binance`` pointed at
        this emulator (default: the emulator's own key and secret)."""
        return ccxt_config(
            self.url, self.api_key if api_key is None else api_key, self.secret if secret is None else secret
        )

    # --- clock -------------------------------------------------------------------------------------

    @property
    def now_ms(self) -> int:
        """The emulator's market clock: open time of the candle forming now."""
        return self.replay.now_ms

    def server_time_ms(self) -> int:
        """The exchange's clock as /api/v3/time tells it: ``now_ms`` while driven by ``advance()``; when
        running in real time, it also moves between candles (at the run's speed, up to the next close)."""
        if self._run_speed is None:
            return self.now_ms
        elapsed = int((time.monotonic() - self._step_wall) * 1000 * self._run_speed)
        return self.now_ms + min(max(elapsed, 0), self.time_frame.ms - 1)

    def time_answer(self) -> int:
        """What /api/v3/time (and the WebSocket API's ``time``) answers now; a "market" answer is
        remembered with the wall time it was given at (see ``accepted_clocks``)."""
        wall_ms = int(time.time() * 1000)
        if self.server_clock == "wall":
            return wall_ms
        answer = self.server_time_ms()
        self._time_answers.append((answer, wall_ms))
        return answer

    def accepted_clocks(self) -> list[int]:
        """The clocks a signed request's timestamp is checked against (besides the wall clock): the
        market clock now, and each market time recently answered by /api/v3/time moved on by the REAL
        time elapsed since. Why the latter: a client corrects its clock once from /time and then counts
        real time, as it would against a real exchange, while the replayed market clock runs ``speed``
        times faster (or jumps a candle at each ``advance()``): without them every signed request of
        such a client fails with -1021 a few milliseconds into a fast replay."""
        wall_ms = int(time.time() * 1000)
        return [self.server_time_ms(), *(answer + wall_ms - at for answer, at in self._time_answers)]

    def last_price(self, symbol: str) -> Decimal:
        return self.replay.symbols[str(parse_symbol(symbol))].last_price

    @property
    def finished(self) -> bool:
        return self.replay.finished

    async def advance(self, n: int = 1) -> int:
        """Close the next ``n`` candles: walk each one's path, fill orders, push stream events.
        Returns how many steps were made (fewer at the end of the data)."""
        steps = 0
        for _ in range(n):
            if self.replay.finished:
                break
            moves = self.replay.step()
            for symbol, (path, _times) in moves.items():
                self.account.walk(symbol, path, self.now_ms)
            for listener in list(self._step_listeners):
                listener(moves)
            steps += 1
        await self.streams.flush()
        return steps

    async def run(self, speed: float = 1.0) -> None:
        """Advance in real time divided by ``speed`` until the data ends (the CLI's driver)."""
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self._run_speed, self._step_wall = speed, time.monotonic()
        try:
            while not self.replay.finished:
                await asyncio.sleep(self.time_frame.seconds / speed)
                await self.advance()
                self._step_wall = time.monotonic()
        finally:
            self._run_speed = None

    def start_running(self, speed: float = 1.0) -> asyncio.Task:
        self._run_task = asyncio.get_running_loop().create_task(self.run(speed))
        return self._run_task

    async def stop_running(self) -> None:
        if self._run_task is not None:
            self._run_task.cancel()
            try:
                await self._run_task
            except asyncio.CancelledError:
                pass
            self._run_task = None

    # --- inspection --------------------------------------------------------------------------------

    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        """Requests received on ``path`` (e.g. "/api/v3/order"), optionally of one HTTP method."""
        return [r for r in self.requests if r.path == path and (method is None or r.method == method)]

    # --- actions from outside the API (what a user does on the exchange's website) -------------------

    async def deposit(self, asset: str, amount: Decimal) -> None:
        """Credit ``amount`` (negative: withdraw) to the free balance; pushes balanceUpdate and
        outboundAccountPosition like Binance."""
        self.account.adjust(asset, Decimal(amount), self.now_ms)
        await self.streams.flush()

    async def cancel_order(self, order_id: int) -> None:
        """Cancel an open order as if from another session (the client learns it from the streams or by
        fetching the order)."""
        order = self.account.orders.get(order_id)
        if order is None:
            raise EmulatorError(f"no order {order_id}; known: {sorted(self.account.orders)[-10:]}")
        self.account.cancel(order, self.now_ms)
        await self.streams.flush()

    def record_ws_request(self, text: str, method: str | None, status: int) -> None:
        """Record a WebSocket API request (path "/ws-api/v3", params: its "params" plus "method")."""
        try:
            params = {k: str(v) for k, v in (json.loads(text).get("params") or {}).items()}
        except (ValueError, AttributeError):
            params = {}
        signed = params.pop("signature", None) is not None
        params["method"] = str(method)
        self.requests.append(RecordedRequest("WS", "/ws-api/v3", params, signed, status))

    def balance(self, asset: str) -> tuple[Decimal, Decimal]:
        """(free, locked) of ``asset``."""
        return self.account.free.get(asset, Decimal(0)), self.account.locked.get(asset, Decimal(0))

    # --- HTTP plumbing -----------------------------------------------------------------------------

    def _route(self, app: web.Application, method: str, path: str, security: str, handler: Handler) -> None:
        full = path if path.startswith("/sapi/") else API + path
        self._routes[(method, full)] = (security, handler)
        app.router.add_route(method, full, self._dispatch)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        if request.path.startswith(("/ws", "/stream")):
            return await handler(request)
        body = await request.text() if request.can_read_body else ""
        query = request.rel_url.raw_query_string
        params = dict(parse_qsl(query, keep_blank_values=True))
        params.update(parse_qsl(body, keep_blank_values=True))
        signed = "signature" in params
        params.pop("signature", None)
        fault = self.faults.take(request.method, request.path)
        delay = self.faults.delay_s()
        if delay > 0:
            await asyncio.sleep(delay)

        def record(status: int) -> None:
            self.requests.append(
                RecordedRequest(
                    request.method, request.path, params, signed, status, fault and fault.kind.value
                )
            )

        if fault is not None and fault.kind is FaultKind.HTTP_ERROR:
            record(fault.status)  # type: ignore[arg-type]
            text, content_type = error_body(fault.status)  # type: ignore[arg-type]
            headers = {"Retry-After": str(fault.retry_after)} if fault.status in (418, 429) else {}
            return web.Response(status=fault.status, text=text, content_type=content_type, headers=headers)
        if fault is not None and fault.kind is FaultKind.DROP:
            record(0)
            return self._drop(request)
        if fault is not None and fault.kind is FaultKind.TIMEOUT and not fault.process:
            await fault.released.wait()
        request[_BODY] = body
        response = await handler(request)
        record(response.status)
        if fault is not None and fault.kind is FaultKind.LOST_ANSWER:
            return self._drop(request)
        if fault is not None and fault.kind is FaultKind.TIMEOUT and fault.process:
            await fault.released.wait()
        response.headers["X-MBX-USED-WEIGHT-1M"] = str(self._count_weight())
        return response

    def _count_weight(self) -> int:
        """Requests answered in the current wall-clock minute (every request weighs 1 here)."""
        minute = int(time.time() // 60)
        if minute != self._weight_minute:
            self._weight_minute, self._weight_used = minute, 0
        self._weight_used += 1
        return self._weight_used

    @staticmethod
    def _drop(request: web.Request) -> web.StreamResponse:
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError  # the handler ends without writing anything

    async def _dispatch(self, request: web.Request) -> web.Response:
        security, handler = self._routes[(request.method, request.path)]
        try:
            params = dict(request.query)
            if security != _NONE:
                check_api_key(request.headers.get("X-MBX-APIKEY"), self.api_key)
            if security == _SIGNED:
                params = check_signed(
                    request.rel_url.raw_query_string, request[_BODY], self.secret, self.accepted_clocks()
                )
            elif security == _API_KEY:
                params.update(parse_qsl(request[_BODY], keep_blank_values=True))
            payload = await handler(request, params)
            status = 200
        except ApiError as error:
            payload, status = error.body(), error.status
        except (ValueError, ArithmeticError) as error:  # a malformed number in some parameter
            logger.debug("malformed request %s: %s", request.path_qs, error)
            payload, status = {"code": -1100, "msg": "Illegal characters found in a parameter."}, 400
        return web.Response(status=status, text=json.dumps(payload), content_type="application/json")

    def _register_routes(self, app: web.Application) -> None:
        r = self._route
        r(app, "GET", "/ping", _NONE, self._ping)
        r(app, "GET", "/time", _NONE, self._time)
        r(app, "GET", "/exchangeInfo", _NONE, self._exchange_info)
        r(app, "GET", "/klines", _NONE, self._klines)
        r(app, "GET", "/uiKlines", _NONE, self._klines)
        r(app, "GET", "/ticker/24hr", _NONE, self._ticker_24hr)
        r(app, "GET", "/ticker/price", _NONE, self._ticker_price)
        r(app, "GET", "/ticker/bookTicker", _NONE, self._book_ticker)
        r(app, "GET", "/avgPrice", _NONE, self._avg_price)
        r(app, "GET", "/depth", _NONE, self._depth)
        r(app, "GET", "/trades", _NONE, self._trades)
        r(app, "GET", "/aggTrades", _NONE, self._agg_trades)
        r(app, "GET", "/account", _SIGNED, self._account)
        r(app, "POST", "/order", _SIGNED, self._new_order)
        r(app, "POST", "/order/test", _SIGNED, self._test_order)
        r(app, "POST", "/order/cancelReplace", _SIGNED, self._cancel_replace)
        r(app, "GET", "/account/commission", _SIGNED, self._commission)
        r(app, "GET", "/sapi/v1/system/status", _NONE, self._system_status)
        r(app, "GET", "/sapi/v1/asset/tradeFee", _SIGNED, self._trade_fees)
        r(app, "GET", "/order", _SIGNED, self._get_order)
        r(app, "DELETE", "/order", _SIGNED, self._cancel_order)
        r(app, "POST", "/orderList/oco", _SIGNED, self._new_oco)
        r(app, "POST", "/order/oco", _SIGNED, self._new_legacy_oco)
        r(app, "GET", "/orderList", _SIGNED, self._get_order_list)
        r(app, "DELETE", "/orderList", _SIGNED, self._cancel_order_list)
        r(app, "GET", "/openOrderList", _SIGNED, self._open_order_lists)
        r(app, "GET", "/allOrderList", _SIGNED, self._all_order_lists)
        r(app, "GET", "/openOrders", _SIGNED, self._open_orders)
        r(app, "DELETE", "/openOrders", _SIGNED, self._cancel_open_orders)
        r(app, "GET", "/allOrders", _SIGNED, self._all_orders)
        r(app, "GET", "/myTrades", _SIGNED, self._my_trades)
        r(app, "POST", "/userDataStream", _API_KEY, self._new_listen_key)
        r(app, "PUT", "/userDataStream", _API_KEY, self._keep_listen_key)
        r(app, "DELETE", "/userDataStream", _API_KEY, self._close_listen_key)

    # --- public endpoints --------------------------------------------------------------------------

    def _symbol(self, params: Mapping[str, str]) -> str:
        market_id = params.get("symbol")
        if not market_id:
            raise ApiError(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.")
        return self.account.spec_by_id(market_id).symbol

    def _symbols(self, params: Mapping[str, str]) -> list[str] | None:
        """The symbols asked by ``symbol`` or ``symbols`` (JSON list), None for all."""
        if "symbol" in params:
            return [self._symbol(params)]
        if "symbols" in params:
            try:
                ids = json.loads(params["symbols"])
            except ValueError as error:
                raise invalid_symbol() from error
            return [self.account.spec_by_id(i).symbol for i in ids]
        return None

    async def _ping(self, request: web.Request, params: dict) -> object:
        return {}

    async def _time(self, request: web.Request, params: dict) -> object:
        return {"serverTime": self.time_answer()}

    async def _exchange_info(self, request: web.Request, params: dict) -> object:
        return {
            "timezone": "UTC",
            "serverTime": self.server_time_ms(),
            "rateLimits": [
                {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
                {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
                {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000},
            ],
            "exchangeFilters": [],
            "symbols": [spec.exchange_info() for spec in self.markets.values()],
        }

    async def _klines(self, request: web.Request, params: dict) -> object:
        symbol = self._symbol(params)
        return market_data.klines(self.replay.symbols[symbol], self.time_frame, params, self.now_ms)

    async def _ticker_24hr(self, request: web.Request, params: dict) -> object:
        symbols = self._symbols(params)
        answers = [
            market_data.ticker_24hr(self.markets[s], self.replay.symbols[s], self.now_ms)
            for s in (symbols or self.markets)
        ]
        return answers[0] if "symbol" in params else answers

    async def _ticker_price(self, request: web.Request, params: dict) -> object:
        from octobot_exchange_emulator.market import fmt

        answers = [
            {"symbol": self.markets[s].market_id, "price": fmt(self.replay.symbols[s].last_price)}
            for s in (self._symbols(params) or self.markets)
        ]
        return answers[0] if "symbol" in params else answers

    async def _book_ticker(self, request: web.Request, params: dict) -> object:
        answers = [
            market_data.book_ticker(self.markets[s], self.replay.symbols[s])
            for s in (self._symbols(params) or self.markets)
        ]
        return answers[0] if "symbol" in params else answers

    async def _avg_price(self, request: web.Request, params: dict) -> object:
        from octobot_exchange_emulator.market import fmt

        symbol = self._symbol(params)
        return {"mins": 5, "price": fmt(self.replay.symbols[symbol].last_price), "closeTime": self.now_ms}

    async def _depth(self, request: web.Request, params: dict) -> object:
        symbol = self._symbol(params)
        limit = int(params.get("limit", 100))
        if limit not in market_data.DEPTH_LIMITS:
            limit = min((x for x in market_data.DEPTH_LIMITS if x >= limit), default=5000)
        return market_data.depth(
            self.markets[symbol], self.replay.symbols[symbol], limit, self.replay.symbols[symbol].update_id
        )

    async def _trades(self, request: web.Request, params: dict) -> object:
        symbol = self._symbol(params)
        return market_data.recent_trades(
            self.replay.symbols[symbol], min(int(params.get("limit", 500)), 1000)
        )

    async def _agg_trades(self, request: web.Request, params: dict) -> object:
        symbol = self._symbol(params)
        return market_data.agg_trades(self.replay.symbols[symbol], params)

    # --- account endpoints -------------------------------------------------------------------------

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

    async def _system_status(self, request: web.Request, params: dict) -> object:
        return {"status": 0, "msg": "normal"}

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


def _one_time_frame(series: list[PriceSeries], time_frame: str | TimeFrame | None) -> TimeFrame:
    """The time frame every symbol replays on: the one asked for, else the files', else inferred."""
    if time_frame:
        return parse_time_frame(time_frame)
    frames = {one.time_frame for one in series if one.time_frame is not None}
    if len(frames) > 1:
        told = ", ".join(f"{one.symbol} {one.time_frame}" for one in series if one.time_frame is not None)
        raise EmulatorDataError(
            f"every symbol replays on one time frame, the files give {told}: pass time_frame="
        )
    return frames.pop() if frames else infer_time_frame(series[0].candles)


@functools.cache
def _ccxt_api_paths() -> dict[str, str]:
    return {
        name: urlsplit(address).path
        for name, address in ccxt.binance().urls["api"].items()
        if isinstance(address, str)
    }


def ccxt_config(url: str, api_key: str, secret: str) -> dict:
    """Constructor arguments pointing ccxt's binance client (REST and ccxt.pro websockets) at an emulator
    at ``url`` ("http://127.0.0.1:PORT").

    - ``urls["api"]``: every REST base of ccxt's binance replaced by the emulator (paths kept), and
      ``urls["api"]["ws"]`` the websocket bases (market streams and the WebSocket API);
    - ``options.fetchMarkets.types = ["spot"]``: the emulator serves spot only (no futures endpoints);
    - ``options.fetchCurrencies = False``: /sapi/v1/capital/config/getall is not emulated;
    - ``options.fetchMargins = False``: no margin pairs endpoints.
    """
    ws = url.replace("http://", "ws://", 1)
    api: dict = {name: url + path for name, path in _ccxt_api_paths().items()}
    api["ws"] = {
        "spot": ws + "/ws",
        "margin": ws + "/ws",
        "ws-api": {"spot": ws + "/ws-api/v3"},
    }
    return {
        "apiKey": api_key,
        "secret": secret,
        "urls": {"api": api},
        "options": {
            "fetchMarkets": {"types": ["spot"]},
            "fetchCurrencies": False,
            "fetchMargins": False,
            "defaultType": "spot",
        },
    }
