"""Downloads OHLCV history of several symbols and time frames from an exchange into one data file.

Why it goes through octobot_trading's ccxt connector: the connector already owns ccxt's rate limiter, the
retries with back-off and the translation of ccxt errors, so the collector only decides which pages to
ask for, keeps them (in a staging file, to resume after an interruption) and writes the data file.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from tqdm import tqdm

from octobot_backtesting.collectors.collector_base import CollectorBase
from octobot_backtesting.collectors.errors import CollectorError
from octobot_backtesting.collectors.staging import StagingFile
from octobot_backtesting.datafile_writer import DataFileWriter
from octobot_backtesting.gaps import Gap, find_gaps
from octobot_trading.ccxt_connector import ExchangeError, RetryPolicy
from octobot_trading.time_frames import TimeFrame, parse_time_frame, sort_time_frames
from octobot_trading.timestamps import Clock, WallClock, candle_open_time, check_ms

if TYPE_CHECKING:  # it imports ccxt: only a collection that runs needs it
    from octobot_trading.ccxt_connector import CcxtMarketData

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CollectionRequest:
    """What to collect: candles whose open time is in [start_ms, end_ms) (``end_ms=None``: until now).

    Candles still forming at the time of the collection are never stored.
    """

    exchange: str
    symbols: tuple[str, ...]
    time_frames: tuple[str, ...]
    start_ms: int
    end_ms: int | None = None

    def __post_init__(self) -> None:
        if not self.exchange:
            raise CollectorError("exchange must be a ccxt exchange id, for instance 'binance'")
        symbols = tuple(dict.fromkeys(self.symbols))
        if not symbols:
            raise CollectorError("give at least one symbol to collect, for instance ('BTC/USDT',)")
        time_frames = tuple(tf.value for tf in sort_time_frames(self.time_frames))
        if not time_frames:
            raise CollectorError("give at least one time frame to collect, for instance ('1h',)")
        start_ms = check_ms(self.start_ms)
        end_ms = None if self.end_ms is None else check_ms(self.end_ms)
        if end_ms is not None and end_ms <= start_ms:
            raise CollectorError(f"end_ms ({end_ms}) must be after start_ms ({start_ms})")
        object.__setattr__(self, "symbols", symbols)
        object.__setattr__(self, "time_frames", time_frames)
        object.__setattr__(self, "start_ms", start_ms)
        object.__setattr__(self, "end_ms", end_ms)

    def to_dict(self) -> dict:
        return {
            "exchange": self.exchange,
            "symbols": list(self.symbols),
            "time_frames": list(self.time_frames),
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
        }


@dataclass(frozen=True, slots=True)
class CollectedSeries:
    symbol: str
    time_frame: str
    candles: int
    first_timestamp_ms: int | None
    last_timestamp_ms: int | None
    #: holes in the exchange's own history (the collector never creates one)
    gaps: list[Gap] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CollectionResult:
    path: Path
    request: CollectionRequest
    series: list[CollectedSeries]
    #: True when an interrupted collection of the same request was continued
    resumed: bool
    #: HTTP requests sent by this run, retries included, and how many of them were retries
    requests: int
    retries: int


class OhlcvCollector(CollectorBase["CcxtMarketData"]):
    """Collects ``request`` into the data file ``path``; ``await collector.run()``.

    ``connector``: an open ``CcxtMarketData`` to use (the caller closes it); by default one is created
    for ``request.exchange`` with ``exchange_config`` and ``retry_policy``, and closed at the end.
    ``restart=True`` discards the staging file of an interrupted collection instead of resuming it.
    """

    def __init__(
        self,
        request: CollectionRequest,
        path: str | os.PathLike,
        *,
        connector: CcxtMarketData | None = None,
        exchange_config: Mapping[str, Any] | None = None,
        retry_policy: RetryPolicy | None = None,
        page_limit: int | None = None,
        progress: bool | Callable[[int, int], None] = True,
        clock: Clock | None = None,
        overwrite: bool = False,
        restart: bool = False,
    ) -> None:
        super().__init__(request, path, connector, overwrite, restart)
        if page_limit is not None and page_limit < 1:
            raise CollectorError(f"page_limit must be at least 1, got {page_limit}")
        self.request = request
        self._exchange_config = exchange_config
        self._retry_policy = retry_policy
        self._page_limit = page_limit
        self._progress = progress
        self._clock = clock or WallClock()

    def _new_connector(self) -> CcxtMarketData:
        from octobot_trading.ccxt_connector import CcxtMarketData

        return CcxtMarketData(
            self.request.exchange, config=self._exchange_config, retry_policy=self._retry_policy
        )

    async def run(self) -> CollectionResult:
        async with self._connection() as (connector, _owned):
            requests_before, retries_before = connector.requests, connector.retries
            # a bad symbol or time frame raises the connector's own error, before any download
            await self._first_contact(self._check_request(connector))
            stage = await asyncio.to_thread(
                StagingFile, self.staging_path, self.request.to_dict(), restart=self._restart
            )
            series = await self._collect(connector, stage)
        logger.info("collected %s into %s", self.request.to_dict(), self.path)
        return CollectionResult(
            path=self.path,
            request=self.request,
            series=series,
            resumed=stage.resumed,
            requests=connector.requests - requests_before,
            retries=connector.retries - retries_before,
        )

    async def _collect(self, connector: CcxtMarketData, stage: StagingFile) -> list[CollectedSeries]:
        try:
            await self._download(connector, stage)
            series = await asyncio.to_thread(self._write_data_file, stage)
        except ExchangeError as error:
            await asyncio.to_thread(stage.close)
            raise CollectorError(
                f"collecting {self.request.exchange} candles into {self.path} failed: {error}; what was "
                f"downloaded is kept in {self.staging_path}: run the same collection again to resume"
            ) from error
        except BaseException:  # cancelled, interrupted: the staging file stays for a later resume
            await asyncio.to_thread(stage.close)
            raise
        await asyncio.to_thread(stage.delete)
        return series

    async def _check_request(self, connector: CcxtMarketData) -> None:
        """Every symbol and time frame is checked before the first candle is asked for."""
        await connector.load_markets()
        for symbol in self.request.symbols:
            await connector.check_symbol(symbol)
        for time_frame in self.request.time_frames:
            connector.check_time_frame(time_frame)

    def _series_end(self, time_frame: TimeFrame) -> int:
        # the candle open now is still forming: stop before it
        forming = candle_open_time(self._clock.now_ms(), time_frame)
        return forming if self.request.end_ms is None else min(self.request.end_ms, forming)

    async def _download(self, connector: CcxtMarketData, stage: StagingFile) -> None:
        pairs = [(s, parse_time_frame(tf)) for s in self.request.symbols for tf in self.request.time_frames]
        total = sum(max(0, (self._series_end(tf) - self.request.start_ms) // tf.ms) for _, tf in pairs)
        done = 0
        for symbol, tf in pairs:
            done += await asyncio.to_thread(stage.count, symbol, tf.value)
        with tqdm(
            total=total,
            initial=min(done, total),
            unit="candle",
            desc=f"{self.request.exchange} OHLCV",
            disable=self._progress is not True,
        ) as tqdm_bar:
            bar: tqdm | _CallbackBar = tqdm_bar
            if callable(self._progress):  # a caller's own display (the web interface): (done, total)
                bar = _CallbackBar(tqdm_bar, self._progress)
            for symbol, tf in pairs:
                if await asyncio.to_thread(stage.is_complete, symbol, tf.value):
                    continue
                bar.set_postfix_str(f"{symbol} {tf.value}")
                last = await asyncio.to_thread(stage.last_timestamp, symbol, tf.value)
                since = self.request.start_ms if last is None else last + tf.ms
                end = self._series_end(tf)
                if since < end:
                    pages = connector.iter_ohlcv(symbol, tf, since, end, limit=self._page_limit)
                    await _store_pages(pages, stage, symbol, tf.value, bar)
                await asyncio.to_thread(stage.mark_complete, symbol, tf.value)

    def _write_data_file(self, stage: StagingFile) -> list[CollectedSeries]:
        origin = f"collector: {self.request.exchange} via ccxt"
        series = []
        with DataFileWriter(
            self.path, exchange=self.request.exchange, origin=origin, overwrite=self._overwrite
        ) as writer:
            for symbol in self.request.symbols:
                for time_frame in self.request.time_frames:
                    candles = stage.read(symbol, time_frame)
                    writer.write_ohlcv(symbol, time_frame, candles)
                    series.append(_summary(symbol, time_frame, candles))
        return series


async def _store_pages(
    pages: AsyncIterator[np.ndarray],
    stage: StagingFile,
    symbol: str,
    time_frame: str,
    bar: tqdm | _CallbackBar,
) -> None:
    """Stores each page in a worker thread while the next one is downloaded (one write in flight at most,
    so pages are committed in order and a resume never finds a hole)."""
    writing: asyncio.Future | None = None
    try:
        async for page in pages:
            if writing is not None:
                await asyncio.shield(writing)  # a cancellation must not abandon a write in flight
            writing = asyncio.ensure_future(asyncio.to_thread(stage.append, symbol, time_frame, page))
            bar.update(len(page))
        if writing is not None:
            await asyncio.shield(writing)
    finally:
        if writing is not None:
            if not writing.done():  # interrupted: let the write finish before the staging file is closed
                await asyncio.wait([writing])
            if not writing.cancelled():
                writing.exception()  # retrieved: the interruption is what propagates


class _CallbackBar:
    """The progress bar's ``update`` and ``set_postfix_str``, reported to a callback as (done, total)."""

    def __init__(self, bar: tqdm, callback: Callable[[int, int], None]) -> None:
        self._bar = bar
        self._callback = callback
        callback(int(bar.n), int(bar.total or 0))

    def update(self, count: int) -> None:
        self._bar.update(count)
        self._callback(min(int(self._bar.n), int(self._bar.total or 0)), int(self._bar.total or 0))

    def set_postfix_str(self, text: str) -> None:
        self._bar.set_postfix_str(text)


def _summary(symbol: str, time_frame: str, candles: np.ndarray) -> CollectedSeries:
    if not len(candles):
        logger.warning("%s %s: the exchange has no candles in the requested range", symbol, time_frame)
        return CollectedSeries(symbol, time_frame, 0, None, None)
    times = candles[:, 0].astype("int64")
    gaps = find_gaps(symbol, time_frame, times)
    for gap in gaps:
        logger.warning(
            "%s %s: the exchange has no candle from %d ms (%d missing)",
            symbol,
            time_frame,
            gap.start_ms,
            gap.missing,
        )
    return CollectedSeries(symbol, time_frame, len(candles), int(times[0]), int(times[-1]), gaps)


async def collect_ohlcv(
    path: str | os.PathLike,
    *,
    exchange: str,
    symbols: Iterable[str],
    time_frames: Iterable[str],
    start_ms: int,
    end_ms: int | None = None,
    **options: Any,
) -> CollectionResult:
    """Collects candles of ``symbols`` x ``time_frames`` opened in [start_ms, end_ms) into ``path``.

    ``options`` are those of ``OhlcvCollector`` (connector, exchange_config, retry_policy, page_limit,
    progress, clock, overwrite, restart).
    """
    request = CollectionRequest(exchange, tuple(symbols), tuple(time_frames), start_ms, end_ms)
    return await OhlcvCollector(request, path, **options).run()
