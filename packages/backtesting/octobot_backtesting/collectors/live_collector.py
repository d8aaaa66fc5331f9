"""Records live tickers, order books (top N levels) and public trades, and optionally closed candles, from
an exchange into one data file, until an end time.

Why through octobot_trading's ``LiveFeed``: it already owns the websocket streams, the REST fallback when
a stream goes silent or drops, and the translation of ccxt's structures; the collector is only the sink
those streams push into (the same ``MarketDataSink`` an ExchangeManager is). Every message is committed
to a staging file as it arrives (one worker thread writes them, in order): an interrupted recording
(Ctrl-C, crash, network gone) keeps what it got, and running the same recording again goes on recording
into it until the end time. The data file is written from the staging file once the end is reached
(``.part`` then rename, like every data file); what happened while nothing recorded is simply absent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from octobot_backtesting import _schema
from octobot_backtesting.collectors.collector_base import CollectorBase
from octobot_backtesting.collectors.errors import CollectorError
from octobot_backtesting.collectors.live_staging import LiveStagingFile
from octobot_backtesting.datafile_writer import DataFileWriter
from octobot_trading.ccxt_connector import ExchangeError
from octobot_trading.time_frames import TimeFrame, parse_time_frame, sort_time_frames
from octobot_trading.timestamps import candle_close_time, check_ms

if TYPE_CHECKING:  # they import ccxt: only a recording that runs needs it
    from octobot_trading.ccxt_connector import CcxtLiveConnector

logger = logging.getLogger(__name__)

#: Order book levels per side recorded by default.
DEFAULT_BOOK_DEPTH = 10


@dataclass(frozen=True, slots=True)
class LiveCollectionRequest:
    """What to record: ``tables`` (of ``tickers``, ``order_books``, ``trades``) of ``symbols`` until
    ``end_ms`` (exchange time, ms UTC), books cut to ``book_depth`` levels per side, and closed candles of
    ``time_frames`` (none by default)."""

    exchange: str
    symbols: tuple[str, ...]
    end_ms: int
    tables: tuple[str, ...] = _schema.MARKET_TABLES
    book_depth: int = DEFAULT_BOOK_DEPTH
    time_frames: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.exchange:
            raise CollectorError("exchange must be a ccxt exchange id, for instance 'binance'")
        symbols = tuple(dict.fromkeys(self.symbols))
        if not symbols:
            raise CollectorError("give at least one symbol to record, for instance ('BTC/USDT',)")
        tables = tuple(table for table in _schema.MARKET_TABLES if table in self.tables)
        unknown = [table for table in self.tables if table not in _schema.MARKET_TABLES]
        if unknown or not tables:
            raise CollectorError(
                f"tables must be among {', '.join(_schema.MARKET_TABLES)}; "
                f"got {', '.join(self.tables) or 'none'}"
            )
        if not 1 <= self.book_depth <= 1000:
            raise CollectorError(f"book_depth must be between 1 and 1000 levels, got {self.book_depth}")
        object.__setattr__(self, "symbols", symbols)
        object.__setattr__(self, "tables", tables)
        object.__setattr__(self, "end_ms", check_ms(self.end_ms))
        object.__setattr__(self, "time_frames", tuple(tf.value for tf in sort_time_frames(self.time_frames)))

    def to_dict(self) -> dict:
        return {
            "live": True,
            "exchange": self.exchange,
            "symbols": list(self.symbols),
            "end_ms": self.end_ms,
            "tables": list(self.tables),
            "book_depth": self.book_depth,
            "time_frames": list(self.time_frames),
        }


@dataclass(frozen=True, slots=True)
class LiveCollectionResult:
    path: Path
    request: LiveCollectionRequest
    #: True when an interrupted recording of the same request was continued
    resumed: bool
    #: rows in the data file per table (``ohlcv`` included when candles were recorded)
    rows: dict[str, int] = field(default_factory=dict)
    #: times a stream switched to REST or back during this run (disconnects, silences)
    source_switches: int = 0


class LiveCollector(CollectorBase["CcxtLiveConnector"]):
    """Records ``request`` into the data file ``path``; ``await collector.run()`` returns at the end time.

    ``connector``: an open ``CcxtLiveConnector`` to use (the caller closes it); by default one without
    credentials is made from ``exchange_config`` (``urls`` of another server, exchange ``options``; API keys
    are never needed nor taken). ``now_ms``: the exchange clock the end time is read on (default: the
    connector's); ``feed_options``: more ``LiveFeed`` arguments (poll interval, expected intervals).
    """

    _verb = "record"
    _purpose = "record market data"

    def __init__(
        self,
        request: LiveCollectionRequest,
        path: str | os.PathLike,
        *,
        connector: CcxtLiveConnector | None = None,
        exchange_config: Mapping[str, Any] | None = None,
        now_ms: Callable[[], int] | None = None,
        feed_options: Mapping[str, Any] | None = None,
        overwrite: bool = False,
        restart: bool = False,
    ) -> None:
        super().__init__(request, path, connector, overwrite, restart)
        self.request = request
        self._exchange_config = {
            key: value
            for key, value in (exchange_config or {}).items()
            if key not in ("apiKey", "secret", "password", "uid")  # public data: credentials stay out
        }
        self._now_ms = now_ms
        self._feed_options = dict(feed_options or {})

    def _new_connector(self) -> CcxtLiveConnector:
        from octobot_trading.ccxt_connector import CcxtLiveConnector

        return CcxtLiveConnector(self.request.exchange, config=self._exchange_config)

    async def run(self) -> LiveCollectionResult:
        async with self._connection() as (connector, owned):
            return await self._run(connector, owned)

    async def _run(self, connector: CcxtLiveConnector, owned: bool) -> LiveCollectionResult:
        # one thread writes the staging file: messages are stored in the order they came
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="octobot-recorder")
        loop = asyncio.get_running_loop()
        stage: LiveStagingFile | None = None
        try:
            await self._first_contact(connector.start() if owned else connector.load_markets())
            stage = await loop.run_in_executor(
                writer,
                lambda: LiveStagingFile(self.staging_path, self.request.to_dict(), restart=self._restart),
            )
            resumed = stage.resumed
            switches = await self._record(connector, stage, writer)
            rows = await loop.run_in_executor(writer, self._write_data_file, stage)
            await loop.run_in_executor(writer, stage.delete)
            stage = None
        except ExchangeError as error:
            raise CollectorError(
                f"recording {self.request.exchange} market data into {self.path} failed: {error}; what was "
                f"recorded is kept in {self.staging_path}: run the same recording again to go on"
            ) from error
        finally:
            if stage is not None:  # interrupted: the staging file stays for the next run
                await loop.run_in_executor(writer, stage.close)
            writer.shutdown(wait=True)
        logger.info("recorded %s into %s", self.request.to_dict(), self.path)
        return LiveCollectionResult(self.path, self.request, resumed, rows, switches)

    async def _record(
        self, connector: CcxtLiveConnector, stage: LiveStagingFile, writer: ThreadPoolExecutor
    ) -> int:
        from octobot_trading.ccxt_connector import LiveFeed

        now_ms = self._now_ms or connector.server_time_ms
        sink = _RecordingSink(self.request, stage, writer)
        if now_ms() >= self.request.end_ms:
            return 0  # the end passed while the recording was interrupted: write what it holds
        tables = self.request.tables
        feed = LiveFeed(
            connector,
            self.request.symbols,
            self.request.time_frames,
            ticker=_schema.TICKERS in tables,
            trades=_schema.TRADES in tables,
            order_book=_schema.ORDER_BOOKS in tables,
            now_ms=now_ms,
            **self._feed_options,
        )
        switches = 0

        def on_mode_change(key: tuple, mode: str) -> None:
            nonlocal switches
            switches += 1

        feed.on_mode_change = on_mode_change
        await feed.start(sink)  # the sink records what an ExchangeManager takes
        try:
            while not sink.done.is_set():
                left_s = max(0.05, (self.request.end_ms - now_ms()) / 1000)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(sink.done.wait(), timeout=left_s)
                if now_ms() >= self.request.end_ms:
                    sink.done.set()
        finally:
            await feed.stop()
            await sink.flush()
        return max(0, switches - len(feed.keys))  # the first mode of each stream is no switch

    def _write_data_file(self, stage: LiveStagingFile) -> dict[str, int]:
        origin = f"live collector: {self.request.exchange} via ccxt"
        rows: dict[str, int] = {}
        with DataFileWriter(
            self.path, exchange=self.request.exchange, origin=origin, overwrite=self._overwrite
        ) as writer:
            for symbol, time_frame in stage.ohlcv_series():
                rows["ohlcv"] = rows.get("ohlcv", 0) + writer.write_ohlcv(
                    symbol, time_frame, stage.read(symbol, time_frame)
                )
            for table in self.request.tables:
                rows[table] = writer.write_market_data(table, stage.read_market(table))
        return rows


class _RecordingSink:
    """What ``LiveFeed`` pushes into, turned into staging rows (a ``MarketDataSink``)."""

    def __init__(
        self, request: LiveCollectionRequest, stage: LiveStagingFile, writer: ThreadPoolExecutor
    ) -> None:
        self._request = request
        self._stage = stage
        self._writer = writer
        self._pending: asyncio.Future | None = None
        #: set once a message at or after the end time arrived
        self.done = asyncio.Event()

    async def _store(self, function: Callable[..., None], *args: Any) -> None:
        loop = asyncio.get_running_loop()
        self._pending = loop.run_in_executor(self._writer, function, *args)
        await asyncio.shield(self._pending)  # a cancelled stream task never abandons a write in flight

    async def flush(self) -> None:
        if self._pending is not None:
            await asyncio.wait([self._pending])

    def _ended(self, time: int) -> bool:
        if time >= self._request.end_ms:
            self.done.set()
            return True
        return False

    async def push_candle(self, symbol: str, time_frame: str | TimeFrame, candle: Sequence) -> None:
        tf = parse_time_frame(time_frame)
        if tf.value not in self._request.time_frames:
            return
        if candle_close_time(int(candle[0]), tf) > self._request.end_ms:
            self.done.set()
            return
        row = np.array([[float(value) for value in candle[:6]]], dtype=np.float64)
        await self._store(self._stage.append, symbol, tf.value, row)

    async def push_kline(self, symbol: str, time_frame: str | TimeFrame, candle: Sequence) -> None:
        return None  # candles still forming are not recorded

    async def push_mark_price(self, symbol: str, price: Decimal, time: int | None = None) -> None:
        return None

    async def push_ticker(self, symbol: str, ticker: dict) -> None:
        time = int(ticker["timestamp"])
        if self._ended(time):
            return
        values = [_number(ticker.get(name)) for name in ("bid", "ask", "last", "baseVolume", "quoteVolume")]
        await self._store(self._stage.append_market, _schema.TICKERS, [(symbol, time, *values)])

    async def push_order_book(self, symbol: str, bids: list, asks: list, time: int | None = None) -> None:
        if time is None or self._ended(int(time)):
            return
        depth = self._request.book_depth
        row = (symbol, int(time), _levels(bids[:depth]), _levels(asks[:depth]))
        await self._store(self._stage.append_market, _schema.ORDER_BOOKS, [row])

    async def push_recent_trades(self, symbol: str, trades: list[dict]) -> None:
        rows = []
        for trade in trades:
            time = int(trade["time"])
            if self._ended(time):
                continue
            trade_id = None if trade.get("id") in (None, "None") else str(trade["id"])
            rows.append(
                (symbol, time, trade_id, trade.get("side"), float(trade["price"]), float(trade["amount"]))
            )
        await self._store(self._stage.append_market, _schema.TRADES, rows)


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _levels(levels: Iterable[Sequence]) -> str:
    return json.dumps([[float(price), float(amount)] for price, amount, *_ in levels])


async def collect_live(
    path: str | os.PathLike,
    *,
    exchange: str,
    symbols: Iterable[str],
    end_ms: int,
    tables: Iterable[str] = _schema.MARKET_TABLES,
    book_depth: int = DEFAULT_BOOK_DEPTH,
    time_frames: Iterable[str] = (),
    **options: Any,
) -> LiveCollectionResult:
    """Records ``tables`` of ``symbols`` live until ``end_ms`` into ``path`` (see ``LiveCollector``;
    ``options`` are its connector, exchange_config, now_ms, feed_options, overwrite, restart)."""
    request = LiveCollectionRequest(
        exchange, tuple(symbols), end_ms, tuple(tables), book_depth, tuple(time_frames)
    )
    return await LiveCollector(request, path, **options).run()
