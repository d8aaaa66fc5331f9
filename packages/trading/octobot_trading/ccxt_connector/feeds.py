"""Live market data into an ExchangeManager: websocket streams where ccxt.pro has them, REST pollers
otherwise, and a watchdog that switches a silent stream to REST and back when it recovers.

Why one task per stream with the watchdog inside it: the task waits on the stream's next message with
a timeout (``silence_factor`` x the stream's expected interval). When it times out, a REST poller
takes over while the stream's reader keeps waiting on the stream; the first message that arrives
stops the poller. Nothing polls the stream's state and no fixed sleep runs in the bot. The reader
(`LiveFeed._read_stream`) keeps a stream call waiting at every moment: ccxt drops a message nobody
waits for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import ccxt

from octobot_trading.ccxt_connector.errors import ExchangeError, mask
from octobot_trading.ccxt_connector.poller import CandleMark, CandlePoller, IntervalPoller, push_candle_rows
from octobot_trading.ccxt_connector.structures import (
    ExchangeOrder,
    OrderBook,
    public_trade_from_ccxt,
    ticker_from_ccxt,
)
from octobot_trading.ccxt_connector.ws_futures import consume_ws_rejections
from octobot_trading.exchanges.market_data import MarketDataSink, MarketDataSource
from octobot_trading.time_frames import TimeFrame, parse_time_frame

if TYPE_CHECKING:
    from octobot_trading.ccxt_connector.live_connector import CcxtLiveConnector

logger = logging.getLogger(__name__)

STREAM, REST = "stream", "rest"
#: (kind, symbol or None, time frame value or None)
StreamKey = tuple[str, str | None, str | None]
Sleep = Callable[[float], Awaitable[object]]


class LiveFeed(MarketDataSource):
    """Feeds ``sink`` (an ExchangeManager) with live data of ``symbols`` (see module doc).

    ``expected_interval_s`` overrides the profile's per-kind stream intervals; ``poll_interval_s`` is
    the REST interval of tickers, trades, books and own orders; ``now_ms`` the exchange clock used to
    tell closed candles (default: the connector's). ``on_order`` receives own-order updates as
    ``ExchangeOrder``.
    """

    def __init__(
        self,
        connector: CcxtLiveConnector,
        symbols: Iterable[str],
        time_frames: Iterable[str | TimeFrame] = (),
        *,
        ticker: bool = True,
        trades: bool = False,
        order_book: bool = False,
        orders: bool = False,
        on_order: Callable[[ExchangeOrder], Awaitable[object] | None] | None = None,
        silence_factor: float = 3.0,
        expected_interval_s: Mapping[str, float] | None = None,
        poll_interval_s: float | None = None,
        use_streams: bool = True,
        order_book_limit: int | None = None,
        now_ms: Callable[[], int] | None = None,
        sleep: Sleep | None = None,
        close_delay_ms: int = 500,
    ) -> None:
        if silence_factor <= 1:
            raise ValueError(
                f"silence_factor must be > 1 (a multiple of the expected interval), got {silence_factor}"
            )
        if orders and on_order is None:
            raise ValueError(
                "orders=True needs on_order=callback(ExchangeOrder) to receive own-order updates"
            )
        self.connector = connector
        self.symbols = list(symbols)
        self.time_frames = [parse_time_frame(tf) for tf in time_frames]
        self.on_order = on_order
        self.silence_factor = silence_factor
        self.expected_interval_s = {
            **connector.profile.expected_stream_interval_s,
            **(expected_interval_s or {}),
        }
        self.poll_interval_s = poll_interval_s or connector.profile.default_poll_interval_s
        self.use_streams = use_streams
        self.order_book_limit = order_book_limit
        self.now_ms = now_ms or connector.server_time_ms
        self.sleep = sleep or asyncio.sleep
        self.close_delay_ms = close_delay_ms
        keys: list[StreamKey] = [("ohlcv", s, tf.value) for s in self.symbols for tf in self.time_frames]
        for kind, wanted in (("ticker", ticker), ("trades", trades), ("order_book", order_book)):
            if wanted:
                keys += [(kind, s, None) for s in self.symbols]
        if orders:
            keys.append(("orders", None, None))
        self.keys = keys
        #: current source of each stream: "stream" or "rest"
        self.modes: dict[StreamKey, str] = {}
        #: called with (key, mode) on every switch (the watchdog's decisions)
        self.on_mode_change: Callable[[StreamKey, str], None] | None = None
        #: messages received per stream key (websocket messages and REST polls)
        self.messages: dict[StreamKey, int] = dict.fromkeys(keys, 0)
        self.marks: dict[StreamKey, CandleMark] = {k: CandleMark() for k in keys if k[0] == "ohlcv"}
        self._sink: MarketDataSink | None = None
        self._tasks: list[asyncio.Task] = []
        #: own orders seen open (exchange id -> symbol): the REST fallback asks for those that vanish
        self._open_orders: dict[str, str] = {}

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self, sink: MarketDataSink) -> None:
        if self._tasks:
            raise RuntimeError("LiveFeed already started; stop() it first")
        await self.connector.load_markets()
        for symbol in self.symbols:
            await self.connector.check_symbol(symbol)
        for tf in self.time_frames:
            self.connector.check_time_frame(tf)
        self._sink = sink
        if self.use_streams:
            consume_ws_rejections(self.connector.client)
        loop = asyncio.get_running_loop()
        for key in self.keys:
            if self.use_streams and self.connector.has_stream(key[0]):
                self._tasks.append(loop.create_task(self._run_stream(key), name=f"stream {key}"))
            else:
                self._set_mode(key, REST)
                self._tasks.append(
                    loop.create_task(self._rest_poller(key, immediately=True), name=f"poll {key}")
                )

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            await _cancel_and_wait(task)

    # --- the watchdog ----------------------------------------------------------------------------

    def _set_mode(self, key: StreamKey, mode: str) -> None:
        if self.modes.get(key) == mode:
            return
        previous = self.modes.get(key)
        self.modes[key] = mode
        if previous is not None:
            logger.warning("%s %s: %s -> %s", self.connector.exchange_id, key, previous, mode)
        if self.on_mode_change is not None:
            self.on_mode_change(key, mode)

    def silence_timeout_s(self, kind: str) -> float | None:
        """Seconds without a message after which the stream of ``kind`` counts as silent (None: never)."""
        expected = self.expected_interval_s.get(kind, 0.0)
        return expected * self.silence_factor if expected > 0 else None

    async def _run_stream(self, key: StreamKey) -> None:
        self._set_mode(key, STREAM)
        timeout = self.silence_timeout_s(key[0])
        # a ticker or a book supersedes the one before it: only the newest unhandled one is kept
        inbox: _Inbox = _Inbox(latest_only=key[0] in ("ticker", "order_book"))
        reader: asyncio.Task | None = None
        getter: asyncio.Task | None = None
        rest: asyncio.Task | None = None
        failures = 0
        try:
            while True:
                if reader is None:
                    reader = asyncio.ensure_future(self._read_stream(key, inbox))
                if getter is None:
                    getter = asyncio.ensure_future(inbox.get())
                # asyncio.wait, not wait_for: wait_for (before 3.12) may return a message that came
                # with a cancellation and swallow the cancellation
                done, _ = await asyncio.wait({getter}, timeout=timeout if rest is None else None)
                if not done:  # silent: REST takes over while the reader keeps waiting
                    rest = asyncio.ensure_future(self._rest_poller(key, immediately=True))
                    self._set_mode(key, REST)
                    continue
                data, getter = getter.result(), None
                if isinstance(data, _StreamFailure):
                    if not isinstance(data.error, (ccxt.BaseError, ExchangeError, OSError)):
                        raise data.error  # a bug, not the network: the stream's task ends with it
                    failures += 1
                    reader = None  # it ended with the failure: a new one after the delay
                    if rest is None:
                        rest = asyncio.ensure_future(self._rest_poller(key, immediately=True))
                        self._set_mode(key, REST)
                    delay = self.connector.retry_policy.delay_s(min(failures, 10), False)
                    logger.warning(
                        "%s %s: stream failed (%s); REST meanwhile, stream again in %.1f s",
                        self.connector.exchange_id,
                        key,
                        _safe(data.error, self.connector),
                        delay,
                    )
                    await self.sleep(delay)
                    continue
                failures = 0
                if rest is not None:  # the stream is back
                    await _cancel_and_wait(rest)
                    rest = None
                    self._set_mode(key, STREAM)
                await self._handle(key, data)
        finally:
            for task in (reader, getter, rest):
                if task is not None:
                    task.cancel()

    async def _read_stream(self, key: StreamKey, inbox: _Inbox) -> None:
        """Keeps a call of the stream waiting at every moment, its messages into ``inbox``.

        Why a reader apart from the handler: ccxt hands a message to whoever waits on the stream when it
        arrives and drops it when nobody does. Here the next call is made in the same step as the last
        one returned (nothing is awaited in between), however long the handler takes; and a ticker is
        read from ccxt's cache, which holds the newest one: ccxt answers a waiting call with the first
        message of a burst read at once and drops the others."""
        while True:
            try:
                data = await self._watch(key)
            except Exception as error:  # the stream's task decides: REST meanwhile, or the end
                inbox.put(_StreamFailure(error))
                return
            inbox.put(self._received(key, data))

    def _received(self, key: StreamKey, data: Any) -> Any:
        """What a stream call returned, as it is now: ccxt updates its cached candles and orders in place
        (a queued message must not change before it is handled), and its newest ticker is in its cache."""
        kind, symbol, _ = key
        if kind == "ohlcv":
            return [list(row) for row in data]
        if kind == "orders":
            return [dict(raw) for raw in data]
        if kind != "ticker":
            return data  # a book is ccxt's live book; trades never change once received
        cached = getattr(self.connector.client, "tickers", {}).get(symbol)
        newer = isinstance(cached, dict) and (cached.get("timestamp") or 0) >= (data.get("timestamp") or 0)
        return cached if newer else data

    async def _watch(self, key: StreamKey) -> Any:
        kind, symbol, tf = key
        client = self.connector.client
        if kind == "ohlcv":
            return await client.watch_ohlcv(symbol, tf)
        if kind == "ticker":
            return await client.watch_ticker(symbol)
        if kind == "trades":
            return await client.watch_trades(symbol)
        if kind == "order_book":
            return await client.watch_order_book(symbol, self.order_book_limit)
        return await client.watch_orders()

    async def _rest_poller(self, key: StreamKey, immediately: bool) -> None:
        kind, symbol, tf = key
        if kind == "ohlcv":
            if self._sink is None or symbol is None or tf is None:  # stopped before the poller started
                return
            poller = CandlePoller(
                self.connector,
                _CountingSink(self._sink, self.messages, key),
                symbol,
                tf,
                now_ms=self.now_ms,
                sleep=self.sleep,
                close_delay_ms=self.close_delay_ms,
                mark=self.marks[key],
            )
            await poller.run(immediately)
            return

        async def poll() -> None:
            await self._handle(key, await self._fetch(key))

        await IntervalPoller(
            poll, self.poll_interval_s, name=f"{self.connector.exchange_id} {key}", sleep=self.sleep
        ).run(immediately)

    async def _fetch(self, key: StreamKey) -> Any:
        """The REST equivalent of a stream message (in ccxt's shape, so one handler serves both)."""
        kind, symbol, _ = key
        client = self.connector.client
        request = self.connector.request  # the connector's budgeted, retried request path
        if kind == "ticker":
            return await request(lambda: client.fetch_ticker(symbol), f"poll the {symbol} ticker")
        if kind == "trades":
            return await request(lambda: client.fetch_trades(symbol), f"poll {symbol} trades")
        if kind == "order_book":
            return await request(
                lambda: client.fetch_order_book(symbol, self.order_book_limit),
                f"poll the {symbol} order book",
            )
        opened: list = []
        for order_symbol in self.symbols:  # per symbol: exchanges weigh the all-symbols call far heavier
            opened += await request(
                partial(client.fetch_open_orders, order_symbol), f"poll {order_symbol} open orders"
            )
        # orders open at the last poll and gone now closed meanwhile (filled, cancelled): their final state
        still_open = {str(raw.get("id")) for raw in opened}
        for order_id, order_symbol in list(self._open_orders.items()):
            if order_id not in still_open:
                opened.append(
                    await request(
                        partial(client.fetch_order, order_id, order_symbol),
                        f"poll closed order {order_id}",
                    )
                )
        return opened

    # --- messages into the exchange manager ------------------------------------------------------

    async def _handle(self, key: StreamKey, data: Any) -> None:
        self.messages[key] = self.messages.get(key, 0) + 1
        sink = self._sink
        kind, key_symbol, tf = key
        if sink is None:
            return
        symbol = key_symbol or ""  # every stream but the own orders' is of one symbol
        if kind == "ohlcv":
            rows = sorted((list(row) for row in data), key=lambda row: row[0])
            await push_candle_rows(
                sink, symbol, parse_time_frame(tf or ""), rows, self.marks[key], self.now_ms()
            )
        elif kind == "ticker":
            await sink.push_ticker(symbol, ticker_from_ccxt(data, self.now_ms()))
        elif kind == "trades":
            await sink.push_recent_trades(symbol, [public_trade_from_ccxt(t) for t in data])
        elif kind == "order_book":
            book = OrderBook.from_ccxt(symbol, data, self.now_ms())
            await sink.push_order_book(symbol, book.bids, book.asks, book.time)
        elif self.on_order is not None:  # always set when own orders are streamed
            for update in [ExchangeOrder.from_ccxt(raw) for raw in data]:
                if update.is_closed:
                    self._open_orders.pop(update.exchange_order_id, None)
                else:
                    self._open_orders[update.exchange_order_id] = update.symbol
                result = self.on_order(update)
                if asyncio.iscoroutine(result):
                    await result


async def _cancel_and_wait(task: asyncio.Task) -> None:
    """Cancels ``task`` and waits for its end. Why not ``suppress(CancelledError): await task``: that
    also swallows the cancellation of the caller, when it comes while it waits (a feed being stopped
    at that moment then never stopped)."""
    task.cancel()
    await asyncio.wait({task})
    if not task.cancelled():
        task.exception()  # retrieved: it ended on its own just before (a failed poll is logged by it)


class _StreamFailure:
    """A stream call's error, handed by the reader to the stream's task (which falls back to REST)."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Inbox:
    """A stream's messages from its reader to its handler; ``latest_only``: a new message replaces the
    one not handled yet (a ticker, a book: the newest state is what counts)."""

    def __init__(self, latest_only: bool) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._latest_only = latest_only

    def put(self, item: Any) -> None:
        if self._latest_only:
            while not self._queue.empty():
                self._queue.get_nowait()
        self._queue.put_nowait(item)

    async def get(self) -> Any:
        return await self._queue.get()


class _CountingSink:
    """Passes a candle poller's pushes to the feed's sink, counting each poll as a message of ``key``."""

    def __init__(self, sink: MarketDataSink, messages: dict[StreamKey, int], key: StreamKey) -> None:
        self._sink = sink
        self._messages = messages
        self._key = key

    async def push_candle(self, symbol: str, time_frame: str | TimeFrame, candle: list) -> None:
        self._messages[self._key] += 1
        await self._sink.push_candle(symbol, time_frame, candle)

    async def push_kline(self, symbol: str, time_frame: str | TimeFrame, candle: list) -> None:
        await self._sink.push_kline(symbol, time_frame, candle)


def _safe(error: BaseException, connector: CcxtLiveConnector) -> str:
    return mask(str(error), connector.secrets)[:300]
