"""Public market data of one exchange through ccxt's async client: markets, time frames and candles.

Why a class of its own: collectors and (later) the live connector need the same few public calls, each
with ccxt's rate limiter on, transient failures retried with back-off, ccxt exceptions translated into
``octobot_trading`` errors, and candles handed over as numpy arrays rather than lists of lists. The full
live connector (private calls, websockets) extends this class in a later issue.
"""

from __future__ import annotations

import asyncio
import difflib
import importlib
import logging
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import ccxt
import numpy as np

from octobot_trading.ccxt_connector.errors import (
    ExchangeError,
    UnknownExchangeSymbolError,
    UnsupportedExchangeError,
    UnsupportedTimeFrameError,
    translate_ccxt_error,
)
from octobot_trading.ccxt_connector.retry import RetryPolicy, call_with_retries
from octobot_trading.errors import UnknownTimeFrameError
from octobot_trading.markets import MarketRules
from octobot_trading.time_frames import TimeFrame, parse_time_frame

if TYPE_CHECKING:
    import ccxt.async_support as ccxt_async

logger = logging.getLogger(__name__)

#: Candles per request when ccxt does not tell the exchange's maximum.
DEFAULT_OHLCV_LIMIT = 500

_EMPTY_CANDLES = np.empty((0, 6), dtype=np.float64)


class CcxtMarketData:
    """Public (unauthenticated) market data of one exchange; an async context manager.

    ``config`` is merged into ccxt's constructor arguments (``{"urls": {"api": {...}}}`` points the client
    at another server, ``{"options": {...}}`` sets exchange options); ``enableRateLimit`` is always on so
    that ccxt spaces requests as the exchange requires.
    """

    def __init__(
        self,
        exchange_id: str,
        *,
        config: Mapping[str, Any] | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        if exchange_id not in ccxt.exchanges:
            close = difflib.get_close_matches(str(exchange_id), ccxt.exchanges, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "; see ccxt.exchanges for the list"
            raise UnsupportedExchangeError(
                f"ccxt has no exchange named {exchange_id!r}{hint}", exchange=str(exchange_id)
            )
        settings: dict[str, Any] = dict(config or {})
        if settings.get("enableRateLimit") is False:
            raise UnsupportedExchangeError(
                f"{exchange_id}: enableRateLimit cannot be turned off: the exchange would ban the client",
                exchange=exchange_id,
            )
        settings["enableRateLimit"] = True
        self.exchange_id = exchange_id
        self.retry_policy = retry_policy or RetryPolicy()
        # imported here: ccxt's async package loads every exchange class, seconds on a busy machine
        async_support = importlib.import_module("ccxt.async_support")
        self._client: ccxt_async.Exchange = getattr(async_support, exchange_id)(settings)
        #: transient failures retried so far (network errors, 5xx, 429)
        self.retries = 0
        #: requests sent so far, retries included
        self.requests = 0

    # --- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> CcxtMarketData:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Closes ccxt's HTTP session and websockets; call it (or use ``async with``) when done."""
        await self._client.close()
        await _end_reconnections(self._client)

    def __repr__(self) -> str:  # never the config: it may hold credentials in the live subclass
        return f"{type(self).__name__}({self.exchange_id!r})"

    # --- markets ---------------------------------------------------------------------------------

    async def load_markets(self, reload: bool = False) -> dict[str, dict]:
        """The exchange's markets by unified symbol (ccxt market structures), loaded once."""
        if self._client.markets and not reload:
            return self._client.markets
        return await self._request(lambda: self._client.load_markets(reload), "load markets")

    @property
    def symbols(self) -> list[str]:
        """Unified symbols of the loaded markets (empty before ``load_markets``)."""
        return list(self._client.symbols or [])

    @property
    def time_frames(self) -> list[TimeFrame]:
        """The time frames both the exchange and octobot_trading know, shortest first."""
        known = []
        for name in self._client.timeframes or {}:
            try:
                known.append(parse_time_frame(name))
            except UnknownTimeFrameError:
                continue  # "1s" and other exchange-specific frames
        return sorted(set(known), key=lambda tf: tf.ms)

    @property
    def has_ohlcv(self) -> bool:
        return bool(self._client.has.get("fetchOHLCV"))

    @property
    def ohlcv_limit(self) -> int:
        """Most candles per request (ccxt's ``features``), else ``DEFAULT_OHLCV_LIMIT``."""
        features = self._client.features or {}
        for market_type in ("spot", "swap", "future"):
            section = features.get(market_type) or {}
            # ccxt nests swap/future features one level deeper (linear/inverse)
            candidates = [section] + [v for v in section.values() if isinstance(v, dict)]
            for candidate in candidates:
                limit = (
                    (candidate.get("fetchOHLCV") or {}).get("limit") if isinstance(candidate, dict) else None
                )
                if isinstance(limit, int) and limit > 0:
                    return limit
        return DEFAULT_OHLCV_LIMIT

    async def check_symbol(self, symbol: str) -> None:
        """Raises ``UnknownExchangeSymbolError`` (with close matches) when the exchange has no such market."""
        markets = await self.load_markets()
        if symbol not in markets:
            close = difflib.get_close_matches(symbol, list(markets), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownExchangeSymbolError(
                f"{self.exchange_id} has no market {symbol!r}{hint} (symbols are ccxt unified: 'BTC/USDT')",
                exchange=self.exchange_id,
            )

    def check_time_frame(self, time_frame: str | TimeFrame) -> TimeFrame:
        """The ``TimeFrame``, or ``UnsupportedTimeFrameError`` naming those the exchange offers."""
        tf = parse_time_frame(time_frame)
        if tf not in self.time_frames:
            offered = ", ".join(t.value for t in self.time_frames) or "none"
            raise UnsupportedTimeFrameError(
                f"{self.exchange_id} offers no {tf.value} candles; it offers: {offered}",
                exchange=self.exchange_id,
            )
        return tf

    async def market_rules(self, symbol: str) -> MarketRules:
        """Precision, limits and fees of ``symbol`` as ``MarketRules``."""
        await self.check_symbol(symbol)
        return MarketRules.from_ccxt_market(self._client.markets[symbol], self._client.precisionMode)

    # --- candles ---------------------------------------------------------------------------------

    async def fetch_ohlcv(
        self, symbol: str, time_frame: str | TimeFrame, since_ms: int | None = None, limit: int | None = None
    ) -> np.ndarray:
        """One request: up to ``limit`` candles opened at or after ``since_ms``, as an (n, 6) float64 array
        of open time ms, open, high, low, close, volume, in time order."""
        if not self.has_ohlcv:
            raise UnsupportedExchangeError(
                f"{self.exchange_id} offers no OHLCV history", exchange=self.exchange_id
            )
        await self.check_symbol(symbol)
        tf = self.check_time_frame(time_frame)
        rows = await self._request(
            lambda: self._client.fetch_ohlcv(symbol, tf.value, since_ms, limit),
            f"fetch {symbol} {tf.value} candles since {since_ms}",
        )
        if not rows:
            return _EMPTY_CANDLES.copy()
        # None (a missing volume on some exchanges) becomes NaN
        candles = np.array([row[:6] for row in rows], dtype=np.float64)
        order = np.argsort(candles[:, 0], kind="stable")
        return candles[order]

    async def iter_ohlcv(
        self,
        symbol: str,
        time_frame: str | TimeFrame,
        start_ms: int,
        end_ms: int,
        *,
        limit: int | None = None,
    ) -> AsyncIterator[np.ndarray]:
        """Pages of candles whose open time is in [start_ms, end_ms), in time order, without duplicates.

        Why ``since`` moves to the last candle's open time plus one time frame: it never re-asks a candle
        and never skips one, even across gaps in the exchange's history.
        """
        tf = self.check_time_frame(time_frame)
        page_limit = min(limit or self.ohlcv_limit, self.ohlcv_limit)
        since = start_ms
        while since < end_ms:
            page = await self.fetch_ohlcv(symbol, tf, since, page_limit)
            if len(page):
                # an exchange may resend the candle at `since - 1 tf` or run past the end
                page = page[(page[:, 0] >= since) & (page[:, 0] < end_ms)]
            if not len(page):
                return
            yield page
            next_since = int(page[-1, 0]) + tf.ms
            if next_since <= since:  # defensive: an exchange that ignores `since` would loop forever
                raise ExchangeError(
                    f"{self.exchange_id}: {symbol} {tf.value} candles do not move forward from {since} ms; "
                    "the exchange seems to ignore the start time",
                    exchange=self.exchange_id,
                )
            since = next_since

    # --- plumbing --------------------------------------------------------------------------------

    async def _request(self, call: Any, action: str) -> Any:
        async def translated() -> Any:
            self.requests += 1
            try:
                return await call()
            except ccxt.BaseError as error:
                raise translate_ccxt_error(error, exchange=self.exchange_id, action=action) from error

        def count_retry(*_: object) -> None:
            self.retries += 1

        return await call_with_retries(translated, self.retry_policy, on_retry=count_retry)


async def _end_reconnections(client: Any) -> None:
    """Cancel the reconnection tasks ccxt's websocket clients of ``client`` still have scheduled.

    Why: after a dropped stream a ccxt.pro client schedules ``Client.open`` after a back-off delay, and
    ``exchange.close()`` does not end those tasks: they would outlive the connector, try to reach the
    exchange again and be destroyed pending when the loop closes. A task is this client's when the
    coroutine's ``self`` is a websocket client whose message callback is bound to ``client``.
    """
    mine = []
    for task in asyncio.all_tasks():
        frame = getattr(task.get_coro(), "cr_frame", None)
        owner = frame.f_locals.get("self") if frame is not None else None
        callback = getattr(owner, "on_message_callback", None)
        if getattr(callback, "__self__", None) is client and task is not asyncio.current_task():
            task.cancel()
            mine.append(task)
    if mine:
        await asyncio.gather(*mine, return_exceptions=True)
