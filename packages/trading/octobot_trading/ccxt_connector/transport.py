"""The transport of the live exchange connector: ccxt's async client (ccxt.pro when the exchange has
websockets) for one account, the one request path every call goes through, and the exchange's clock.

Why one request path (``_request``): the shared request budget, ccxt exception translation with secrets
masked, Retry-After honoured, the clock offset re-measured on a timestamp refusal and transient failures
retried with jittered back-off happen in one place, whatever the call.
"""

from __future__ import annotations

import asyncio
import contextvars
import importlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

import ccxt

from octobot_trading.ccxt_connector.budget import RequestBudget, shared_budget
from octobot_trading.ccxt_connector.client_ids import ClientOrderIds, base36
from octobot_trading.ccxt_connector.credentials import Credentials
from octobot_trading.ccxt_connector.errors import (
    ExchangeAuthenticationError,
    ExchangeDuplicateOrderError,
    ExchangeError,
    ExchangeInsufficientFundsError,
    ExchangeOrderNotFoundError,
    ExchangeRateLimitError,
    ExchangeTimestampError,
    UnsupportedExchangeError,
    mask,
    mask_exception,
    translate_ccxt_error,
)
from octobot_trading.ccxt_connector.profiles import ErrorKind, ExchangeProfile, profile_for
from octobot_trading.ccxt_connector.public_market_data import CcxtMarketData
from octobot_trading.ccxt_connector.retry import RetryPolicy, call_with_retries
from octobot_trading.ccxt_connector.structures import OrderBook, public_trade_from_ccxt, ticker_from_ccxt
from octobot_trading.markets import Markets
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


_Transport = TypeVar("_Transport", bound="CcxtTransport")


class CcxtTransport(CcxtMarketData):
    """ccxt's client for one account, its request path, clock offset and public reads (see module doc).

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

    async def start(self: _Transport) -> _Transport:
        """Loads the markets and measures the clock offset with the exchange."""
        if not self._started:
            await self.load_markets()
            await self.sync_time()
            self._started = True
        return self

    async def stop(self) -> None:
        self._started = False
        await self.close()

    async def __aenter__(self: _Transport) -> _Transport:
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

    async def request(self, call: Callable[[], Awaitable[Any]], action: str) -> Any:
        """A read through the connector's request path: the shared budget, errors translated with secrets
        masked, transient failures retried. For the connector's own feeds and pollers, which call the ccxt
        client (``client``) in ways the connector has no method for; ``action`` names it in errors."""
        return await self._request(call, action)

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
