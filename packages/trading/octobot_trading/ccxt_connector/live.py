"""The live exchange connector: one account on one exchange through ccxt's async client (ccxt.pro when
the exchange has websockets), for market data, balances, orders and own trades.

Why it looks the way it does:
- every request goes through one path (``_request``): the shared request budget, ccxt exception
  translation with secrets masked, Retry-After honoured, the clock offset re-measured on a timestamp
  refusal, transient failures retried with jittered back-off;
- order creation is the one request that is never blindly retried: each order carries a client order
  id, and a lost answer is resolved by looking the order up by that id (see ``create_order``);
- only this project's types leave the class (``ExchangeOrder``, ``ExchangeTrade``, ``ot.Balance``,
  ``OrderBook``, Decimal numbers), never ccxt's dicts or exceptions.
"""

from __future__ import annotations

import asyncio
import contextvars
import importlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit

import ccxt

from octobot_trading.ccxt_connector.budget import RequestBudget, shared_budget
from octobot_trading.ccxt_connector.client_ids import ClientOrderIds, base36
from octobot_trading.ccxt_connector.credentials import Credentials
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
    UnsupportedExchangeError,
    mask,
    mask_exception,
    translate_ccxt_error,
)
from octobot_trading.ccxt_connector.market_data import CcxtMarketData
from octobot_trading.ccxt_connector.profiles import ErrorKind, ExchangeProfile, OcoLegRequest, profile_for
from octobot_trading.ccxt_connector.retry import RetryPolicy, call_with_retries
from octobot_trading.ccxt_connector.structures import (
    ExchangeOrder,
    ExchangeOrderList,
    ExchangeTrade,
    OrderBook,
    balances_from_ccxt,
    public_trade_from_ccxt,
    ticker_from_ccxt,
)
from octobot_trading.markets import Markets, to_decimal
from octobot_trading.orders.enums import OrderKind, OrderSide
from octobot_trading.portfolio import Balance
from octobot_trading.timestamps import Clock, WallClock

logger = logging.getLogger(__name__)

#: a local clock this close to the exchange's is fine (ms)
CLOCK_TOLERANCE_MS = 1_000
#: an offset this large is no machine clock drift: the exchange runs a clock of its own (ms)
OWN_CLOCK_MS = 3_600_000


def _duration(ms: int) -> str:
    """``ms`` for reading: days, hours or minutes."""
    for unit, size in (("day", 86_400_000), ("hour", 3_600_000), ("minute", 60_000)):
        if ms >= size:
            count = ms // size
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return f"{ms} ms"


#: what a create request gives back: an order or an order list
_Sent = TypeVar("_Sent")

#: default retries of the live connector: jittered, patient enough for a short exchange outage
LIVE_RETRY_POLICY = RetryPolicy(
    max_attempts=6, base_delay_s=0.5, multiplier=2.0, max_delay_s=30.0, jitter=0.2
)

#: Retry-After (seconds) of the last rate-limit answer seen by the current task's request
_retry_after: contextvars.ContextVar[float | None] = contextvars.ContextVar("retry_after", default=None)

#: ccxt.pro method per stream kind
STREAM_METHODS = {
    "ohlcv": "watchOHLCV",
    "ticker": "watchTicker",
    "trades": "watchTrades",
    "order_book": "watchOrderBook",
    "orders": "watchOrders",
}

Sleep = Callable[[float], Awaitable[object]]


def _wire(value: Decimal | str | int | None, what: str) -> str | None:
    """A number as the exact decimal string ccxt sends (never a float)."""
    if value is None:
        return None
    return format(to_decimal(value, what), "f")


class CcxtLiveConnector(CcxtMarketData):
    """One exchange account (see module doc); an async context manager (``start`` / ``stop``).

    ``credentials`` may be None for market data only. ``clock`` is the local machine's clock (ccxt's
    time source, so tests can skew it); ``sleep`` the back-off sleeper (tests drive it).
    """

    def __init__(
        self,
        exchange_id: str,
        *,
        credentials: Credentials | None = None,
        config: Mapping[str, Any] | None = None,
        profile: ExchangeProfile | None = None,
        bot_prefix: str = "octobot",
        session: str | None = None,
        retry_policy: RetryPolicy | None = None,
        budget: RequestBudget | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        settings = dict(config or {})
        for key in ("apiKey", "secret", "password"):
            if key in settings:
                raise UnsupportedExchangeError(
                    f"{exchange_id}: pass API keys as credentials=Credentials(...), not in config['{key}'] "
                    "(config is logged and shown; credentials never are)",
                    exchange=str(exchange_id),
                )
        super().__init__(exchange_id, config=settings, retry_policy=retry_policy or LIVE_RETRY_POLICY)
        self.credentials = credentials
        self.profile = profile or profile_for(exchange_id)
        self.clock: Clock = clock or WallClock()
        self.sleep: Sleep = sleep or asyncio.sleep
        settings["enableRateLimit"] = True
        if credentials is not None:
            settings.update(credentials.ccxt_config())
        self._client = self._make_client(exchange_id, settings)
        self.budget = budget or shared_budget(
            self._budget_key(), float(self._client.rateLimit or 50), capacity=1.0
        )
        self._client.throttle = self.budget.acquire  # one limiter: ours, shared, with ccxt's costs
        self._install_hooks()
        start_ms = self.clock.now_ms()
        self.client_order_ids = ClientOrderIds(
            bot_prefix,
            session or base36(start_ms)[-8:],
            max_length=self.profile.client_order_id_max_length,
        )
        #: local clock minus the exchange's, in ms (measured by ``sync_time``)
        self.time_offset_ms = 0
        self._started = False

    # --- construction helpers --------------------------------------------------------------------

    def _make_client(self, exchange_id: str, settings: dict[str, Any]) -> Any:
        pro = importlib.import_module("ccxt.pro")
        if exchange_id in getattr(pro, "exchanges", ()):
            return getattr(pro, exchange_id)(settings)
        return getattr(importlib.import_module("ccxt.async_support"), exchange_id)(settings)

    def _budget_key(self) -> str:
        # one budget per exchange host: the real exchange is shared by every connector of the process,
        # a loopback emulator (its own port) gets its own
        hosts = sorted(
            {
                urlsplit(url).netloc
                for url in self._client.urls.get("api", {}).values()
                if isinstance(url, str)
            }
        )
        return f"{self.exchange_id}@{hosts[0] if hosts else ''}"

    def _install_hooks(self) -> None:
        client = self._client
        original = client.on_rest_response

        def on_rest_response(
            code: int,
            reason: str,
            url: str,
            method: str,
            headers: Any,
            body: Any,
            request_headers: Any,
            request_body: Any,
        ) -> Any:
            if code in (418, 429):
                _retry_after.set(_retry_after_seconds(headers))
            return original(code, reason, url, method, headers, body, request_headers, request_body)

        client.on_rest_response = on_rest_response
        if not isinstance(self.clock, WallClock):
            clock = self.clock
            client.milliseconds = lambda: clock.now_ms()  # ccxt stamps signed requests with it

    @property
    def secrets(self) -> tuple[str, ...]:
        return self.credentials.values() if self.credentials is not None else ()

    def __repr__(self) -> str:  # never the credentials nor the config
        return f"{type(self).__name__}({self.exchange_id!r}, authenticated={self.credentials is not None})"

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> CcxtLiveConnector:
        """Loads the markets and measures the clock offset with the exchange."""
        if not self._started:
            await self.load_markets()
            await self.sync_time()
            self._started = True
        return self

    async def stop(self) -> None:
        self._started = False
        await self.close()

    async def __aenter__(self) -> CcxtLiveConnector:
        try:
            return await self.start()
        except BaseException:
            await self.close()
            raise

    # --- time ------------------------------------------------------------------------------------

    async def sync_time(self) -> int:
        """Measures local - server time (ms, half the round trip corrected) and makes ccxt stamp signed
        requests on the exchange's clock; the offset."""
        if not self._client.has.get("fetchTime"):
            return self.time_offset_ms
        before = self.clock.now_ms()
        server = await self._request(self._client.fetch_time, "fetch the server time")
        after = self.clock.now_ms()
        if server is None:
            return self.time_offset_ms
        self.time_offset_ms = int((before + after) // 2 - int(server))
        option = self.profile.time_difference_option
        if option:
            self._client.options[option] = self.time_offset_ms
        self._advise_on_clock()
        return self.time_offset_ms

    def _advise_on_clock(self) -> None:
        """Say what the measured offset means, with the advice that fits its cause: a few seconds is a
        drifting machine clock (NTP fixes it); hours or more is no drift: the exchange keeps a clock of
        its own (a replayed market, a test exchange), and NTP would change nothing."""
        offset = self.time_offset_ms
        if abs(offset) <= CLOCK_TOLERANCE_MS:
            return
        if abs(offset) < OWN_CLOCK_MS:
            logger.warning(
                "%s: local clock is %+d ms off the exchange's; requests are stamped on the "
                "exchange's clock (sync the machine's clock with NTP)",
                self.exchange_id,
                offset,
            )
            return
        logger.info(
            "%s: the exchange's clock is %s %s the local clock: it keeps a clock of its own (a replayed or "
            "test market), not a drift of this machine's; requests are stamped on the exchange's clock",
            self.exchange_id,
            _duration(abs(offset)),
            "behind" if offset > 0 else "ahead of",
        )

    def server_time_ms(self) -> int:
        """The exchange's clock now, as far as the local clock and the measured offset tell."""
        return self.clock.now_ms() - self.time_offset_ms

    # --- the one request path ---------------------------------------------------------------------

    def _translate(self, error: ccxt.BaseError, action: str, retry_after_s: float | None) -> ExchangeError:
        secrets = self.secrets
        if secrets:
            mask_exception(error, secrets)
        text = str(error)
        kind = self.profile.classify(text)
        detail = f"{self.exchange_id}: {action} failed: {type(error).__name__}: {mask(text, secrets)[:300]}"
        if kind is ErrorKind.DUPLICATE_ORDER:
            return ExchangeDuplicateOrderError(
                f"{detail}; the order exists already: look it up by its client order id",
                exchange=self.exchange_id,
            )
        if kind is ErrorKind.INSUFFICIENT_FUNDS and not isinstance(error, ccxt.InsufficientFunds):
            return ExchangeInsufficientFundsError(
                f"{detail}; lower the amount or free funds", exchange=self.exchange_id
            )
        if kind is ErrorKind.ORDER_NOT_FOUND and not isinstance(error, ccxt.OrderNotFound):
            return ExchangeOrderNotFoundError(
                f"{detail}; the order may be closed already", exchange=self.exchange_id
            )
        if kind is ErrorKind.TIMESTAMP and not isinstance(error, ccxt.InvalidNonce):
            return ExchangeTimestampError(
                f"{detail}; the clock offset is re-measured", exchange=self.exchange_id
            )
        if kind is ErrorKind.RATE_LIMIT and not isinstance(
            error, ccxt.RateLimitExceeded | ccxt.DDoSProtection
        ):
            return ExchangeRateLimitError(
                f"{detail}; slow down", exchange=self.exchange_id, retry_after_s=retry_after_s
            )
        if kind is ErrorKind.AUTHENTICATION and not isinstance(error, ccxt.AuthenticationError):
            return ExchangeAuthenticationError(
                f"{detail}; check the API key, secret and permissions", exchange=self.exchange_id
            )
        return translate_ccxt_error(
            error, exchange=self.exchange_id, action=action, secrets=secrets, retry_after_s=retry_after_s
        )

    async def _attempt(self, call: Callable[[], Awaitable[Any]], action: str) -> Any:
        """One try of ``call``: translated errors, Retry-After and clock offset handled, no retry."""
        self.requests += 1
        _retry_after.set(None)
        try:
            return await call()
        except ccxt.BaseError as error:
            retry_after_s = _retry_after.get()
            translated = self._translate(error, action, retry_after_s)
            if isinstance(translated, ExchangeRateLimitError):
                pause_s = retry_after_s if retry_after_s is not None else self.retry_policy.base_delay_s
                self.budget.pause(pause_s)
            elif isinstance(translated, ExchangeTimestampError) and action != "fetch the server time":
                try:
                    await self.sync_time()
                except ExchangeError as sync_error:  # the retry will tell
                    logger.warning("%s: clock offset not re-measured: %s", self.exchange_id, sync_error)
            raise translated from error

    async def _request(self, call: Callable[[], Awaitable[Any]], action: str) -> Any:
        """``call`` with transient failures retried (reads, cancels: safe to repeat)."""

        async def attempt() -> Any:
            return await self._attempt(call, action)

        def count_retry(*_: object) -> None:
            self.retries += 1

        return await call_with_retries(attempt, self.retry_policy, on_retry=count_retry, sleep=self.sleep)

    # --- capabilities ----------------------------------------------------------------------------

    def has_stream(self, kind: str) -> bool:
        """True when ccxt.pro offers a websocket stream of ``kind`` for this exchange."""
        method = STREAM_METHODS.get(kind)
        if method is None:
            raise ValueError(f"unknown stream kind {kind!r}; use one of {', '.join(STREAM_METHODS)}")
        return bool(self._client.has.get(method)) and hasattr(self._client, "watch_ohlcv")

    @property
    def client(self) -> Any:
        """The ccxt client (for the connector's own modules: streams and pollers)."""
        return self._client

    async def markets(self) -> Markets:
        """Market rules (precision, limits, fees) of every market of the exchange."""
        await self.load_markets()
        return Markets.from_ccxt_exchange(self._client)

    # --- public market data ----------------------------------------------------------------------

    async def fetch_ticker(self, symbol: str) -> dict[str, Any]:
        await self.check_symbol(symbol)
        raw = await self._request(lambda: self._client.fetch_ticker(symbol), f"fetch the {symbol} ticker")
        return ticker_from_ccxt(raw, self.server_time_ms())

    async def fetch_order_book(self, symbol: str, limit: int | None = None) -> OrderBook:
        await self.check_symbol(symbol)
        raw = await self._request(
            lambda: self._client.fetch_order_book(symbol, limit), f"fetch the {symbol} order book"
        )
        return OrderBook.from_ccxt(symbol, raw, self.server_time_ms())

    async def fetch_recent_trades(self, symbol: str, limit: int | None = None) -> list[dict[str, Any]]:
        await self.check_symbol(symbol)
        raw = await self._request(
            lambda: self._client.fetch_trades(symbol, None, limit), f"fetch {symbol} recent trades"
        )
        return [public_trade_from_ccxt(t) for t in raw]

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
        self, kind: OrderKind, price: Decimal | str | None, trigger_price: Decimal | str | None, symbol: str
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
            params[key] = _wire(trigger_price, "trigger_price")
        ccxt_type = "limit" if needs_price else "market"
        return ccxt_type, _wire(price, "price") if needs_price else None, params

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
        amount_wire = _wire(amount, "amount")
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
                    _wire(new_amount, "amount"),
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
        amount_wire = _wire(amount, "amount")
        requests = []
        for kind, price, trigger, client_id in legs:
            kind = OrderKind(kind)
            client_id = client_id or self.new_client_order_id()
            self.profile.check_client_order_id(client_id)
            requests.append(
                OcoLegRequest(kind.value, _wire(price, "price"), _wire(trigger, "trigger_price"), client_id)
            )
        list_client_order_id = list_client_order_id or self.new_client_order_id()
        self.profile.check_client_order_id(list_client_order_id)
        market_id = self._client.market(symbol)["id"]
        try:
            method, params = self.profile.oco_request(
                market_id,
                side.value,
                amount_wire,
                requests,
                list_client_order_id,  # type: ignore[arg-type]
            )
        except ValueError as error:
            raise ExchangeInvalidOrderError(f"{symbol}: {error}", exchange=self.exchange_id) from None
        action = f"create {side.value} order list {amount_wire} {symbol} ({list_client_order_id})"

        async def send() -> Any:
            return await getattr(self._client, method)(dict(params))

        async def parse(raw: Any) -> ExchangeOrderList:
            return self._parse_list(symbol, raw)

        async def lookup(cause: ExchangeError | None) -> ExchangeOrderList | None:
            return await self._list_lookup_after_loss(symbol, list_client_order_id, cause)  # type: ignore[arg-type]

        return await self._send_once(send, parse, lookup, action, "list", symbol, side, amount)

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
                error.required = to_decimal(amount, "amount") if side is OrderSide.SELL else None  # type: ignore[assignment]
                raise

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


def _retry_after_seconds(headers: Any) -> float | None:
    """Retry-After in seconds (delta form; an HTTP date is ignored), None when absent."""
    if not headers:
        return None
    for name, value in dict(headers).items():
        if str(name).lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return None
    return None
