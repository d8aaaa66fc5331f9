"""The replay engine: recorded candles pushed into ExchangeManagers by a simulated clock, deterministically.

How a run goes:
1. every data file is validated for the series the run uses; any error stops the run before it starts;
2. the run window is the common part of all series (or their union on request), optionally narrowed;
3. warm-up: up to ``warmup_candles`` candles that closed by the start are bulk-loaded into the candle
   buffers (no fills, no messages), so indicators have history at the first step;
4. the clock jumps from one candle close time to the next on the grid of the smallest time frame in use
   (instants where nothing closes are skipped: nothing would happen there); at each instant every candle
   that closes then is pushed (``push_candle``: smallest time frame first, then symbols in order), then
   ``await synchronizer.drain()`` processes everything it caused before the clock moves again.

No look-ahead: a candle is pushed only when the clock reached its close time.

Candle runs: with a ``run_handler``, when a single series closes at several consecutive instants (nothing
else closes in between), the replay offers those candles to the handler at once; the handler takes the
first k of them (their instants count as steps) and the replay pushes the next one as usual. The handler
(the orchestrator's candle-run coordinator) evaluates them ahead, up to the first candle on which
anything would happen, so that only that one goes through the channels.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import octobot_channel as oc
from octobot_backtesting._time_frames import checked_time_frame, is_calendar
from octobot_backtesting.clock import SimulatedClock
from octobot_backtesting.datafile_reader import DEFAULT_CHUNK_SIZE, TIMESTAMP, DataFileReader
from octobot_backtesting.errors import BacktestingError
from octobot_backtesting.validation import ValidationReport, validate_candles, validate_data_file
from octobot_trading import ExchangeManager, candle_close_time

logger = logging.getLogger(__name__)

COMMON = "common"
UNION = "union"


class ReplayError(BacktestingError):
    """A replay cannot start: bad configuration, missing series, empty window."""


#: (exchange manager, symbol, time frame, candles as an (n, 6) array, their close times) -> how many of
#: the candles, from the first, the handler took (0..n).
CandleRunHandler = Callable[[ExchangeManager, str, str, np.ndarray, np.ndarray], int]

#: Fewer candles than this at consecutive instants are pushed one by one (a run would not pay).
MIN_RUN = 2
#: A series of at most this many candles is read once, validated and replayed from memory (about 100 MB);
#: a longer one is validated, then read again chunk by chunk.
IN_MEMORY_CANDLES = 2_000_000
#: Rows listed as Python values at once for candles pushed one by one.
ROWS_BLOCK = 64


@dataclass(slots=True)
class ReplayFeed:
    """One data file replayed into one ExchangeManager (``None``: every symbol / time frame of the file)."""

    exchange_manager: ExchangeManager
    data_file: str | os.PathLike
    symbols: Sequence[str] | None = None
    time_frames: Sequence[str] | None = None


@dataclass(slots=True)
class ReplayResult:
    start_ms: int
    end_ms: int
    #: instants the clock stopped at (one drain each)
    steps: int = 0
    candles_pushed: int = 0
    warmup_candles_loaded: int = 0
    #: candles pushed per (exchange id, symbol, time frame)
    per_series: dict[tuple[str, str, str], int] = field(default_factory=dict)


@dataclass(slots=True)
class _Series:
    manager: ExchangeManager
    reader: DataFileReader
    symbol: str
    time_frame: str
    first_open_ms: int
    last_close_ms: int
    order: tuple[int, int, str]  # time frame length, feed index, symbol: push order within an instant
    chunks: Iterator[np.ndarray] | None = None
    chunk: np.ndarray | None = None
    closes: np.ndarray | None = None
    position: int = 0
    #: a block of the chunk as Python rows (int open time, floats), from ``rows_start``: listed once per
    #: block, not per step, and only where candles are pushed one by one
    rows: list | None = None
    rows_start: int = 0
    pushed: int = 0
    #: the whole series when it was read at once (see IN_MEMORY_CANDLES), and its close times
    data: np.ndarray | None = None
    data_closes: np.ndarray | None = None


class Replay:
    """Replays ``feeds`` between ``start_ms`` and ``end_ms`` (open/close bounds of the run).

    The ExchangeManagers must use this replay's ``clock`` and ``synchronizer``: the replay refuses to start
    otherwise, since a manager on the wall clock or in normal mode would make the run non-deterministic.
    """

    def __init__(
        self,
        feeds: Iterable[ReplayFeed],
        *,
        clock: SimulatedClock,
        synchronizer: oc.Synchronizer,
        start_ms: int | None = None,
        end_ms: int | None = None,
        window: str = COMMON,
        warmup_candles: int = 0,
        validate: bool = True,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: Callable[[float], None] | None = None,
        run_handler: CandleRunHandler | None = None,
    ) -> None:
        self.feeds = list(feeds)
        if not self.feeds:
            raise ReplayError("no feed to replay: give at least one ReplayFeed(exchange_manager, data_file)")
        if window not in (COMMON, UNION):
            raise ReplayError(f"window must be {COMMON!r} or {UNION!r}, got {window!r}")
        if warmup_candles < 0:
            raise ReplayError(f"warmup_candles must be >= 0, got {warmup_candles}")
        for feed in self.feeds:
            manager = feed.exchange_manager
            if manager.clock is not clock:
                raise ReplayError(
                    f"{manager.exchange_id}: create the ExchangeManager with clock=replay clock"
                )
            if manager.synchronizer is not synchronizer:
                raise ReplayError(
                    f"{manager.exchange_id}: create the ExchangeManager with synchronizer=the replay's "
                    "synchronizer (synchronized mode)"
                )
        self.clock = clock
        self.synchronizer = synchronizer
        self.requested_start_ms, self.requested_end_ms = start_ms, end_ms
        self.window = window
        self.warmup_candles = warmup_candles
        self.validate = validate
        self.chunk_size = chunk_size
        #: called with the share of the run window replayed (0..1), at most about 100 times a run
        self.progress = progress
        #: takes runs of candles of one series at once (see the module doc); None: one by one
        self.run_handler = run_handler
        self._series: list[_Series] = []
        self._run_window: tuple[int, int] | None = None

    async def run(self) -> ReplayResult:
        """Validates, warms up and replays; returns what was pushed."""
        series, readers = await asyncio.to_thread(self._open)
        self._series = series
        try:
            start, end = self._window(series)
            self._run_window = (start, end)
            if self.clock.now_ms() > start:
                raise ReplayError(
                    f"the clock is at {self.clock.now_ms()} ms, after the run start {start} ms; "
                    "create the SimulatedClock at or before the start"
                )
            self.clock.advance_to(start)
            result = ReplayResult(start, end)
            for item in series:
                result.warmup_candles_loaded += await asyncio.to_thread(self._warm_up, item, start)
                await asyncio.to_thread(self._seek, item, start)
            await self._replay(series, end, result)
            return result
        finally:
            for item in series:
                if item.chunks is not None:
                    item.chunks.close()  # ends the SQLite cursor before its connection closes
            for reader in readers:
                reader.close()

    # --- preparation (worker thread) ---------------------------------------------------------------
    def _open(self) -> tuple[list[_Series], list[DataFileReader]]:
        series: list[_Series] = []
        readers: list[DataFileReader] = []
        try:
            for index, feed in enumerate(self.feeds):
                reader = DataFileReader(feed.data_file)
                readers.append(reader)
                infos = {(info.symbol, info.time_frame): info for info in reader.series()}
                wanted_keys = [
                    key
                    for key in infos
                    if (feed.symbols is None or key[0] in feed.symbols)
                    and (feed.time_frames is None or key[1] in feed.time_frames)
                ]
                streamed = any(infos[key].count > IN_MEMORY_CANDLES for key in wanted_keys) or any(
                    (symbol, time_frame) not in infos
                    for symbol in feed.symbols or ()
                    for time_frame in feed.time_frames or ()
                )
                if self.validate and streamed:  # the file's own check (streamed; names missing series)
                    report = validate_data_file(
                        feed.data_file, symbols=feed.symbols, time_frames=feed.time_frames
                    )
                    report.raise_for_errors(str(feed.data_file))
                loaded: dict[tuple[str, str], np.ndarray] = {}
                if not streamed:
                    report = ValidationReport()
                    for symbol, time_frame in wanted_keys:
                        candles = reader.read_ohlcv(symbol, time_frame)
                        if self.validate:
                            report.issues.extend(validate_candles(candles, symbol, time_frame).issues)
                        loaded[(symbol, time_frame)] = candles
                    report.raise_for_errors(str(feed.data_file))
                wanted = wanted_keys
                for symbol in feed.symbols or ():
                    for time_frame in feed.time_frames or ():
                        if (symbol, time_frame) not in infos:
                            raise ReplayError(
                                f"{Path(feed.data_file).name} has no {symbol} {time_frame} candles"
                            )
                for symbol, time_frame in wanted:
                    info = infos[(symbol, time_frame)]
                    tf = checked_time_frame(time_frame)
                    item = _Series(
                        feed.exchange_manager,
                        reader,
                        symbol,
                        time_frame,
                        info.first_timestamp_ms,
                        candle_close_time(info.last_timestamp_ms, tf),
                        (tf.ms, index, symbol),
                    )
                    data = loaded.get((symbol, time_frame))
                    if data is not None:
                        item.data, item.data_closes = data, _close_times(data, time_frame)
                    series.append(item)
        except BaseException:
            for reader in readers:
                reader.close()
            raise
        if not series:
            raise ReplayError("the feeds select no series: check their symbols and time_frames")
        series.sort(key=lambda item: item.order)
        return series, readers

    def _window(self, series: list[_Series]) -> tuple[int, int]:
        firsts = [item.first_open_ms for item in series]
        lasts = [item.last_close_ms for item in series]
        start, end = (max(firsts), min(lasts)) if self.window == COMMON else (min(firsts), max(lasts))
        if self.requested_start_ms is not None:
            start = max(start, self.requested_start_ms)
        if self.requested_end_ms is not None:
            end = min(end, self.requested_end_ms)
        if start >= end:
            raise ReplayError(
                f"empty run window [{start}, {end}) ms: the series do not overlap ({self.window} window); "
                "use window='union' or pick files that cover the same period"
            )
        return start, end

    def _warm_up(self, item: _Series, start: int) -> int:
        if not self.warmup_candles:
            return 0
        if item.data is not None:
            history = item.data[item.data_closes <= start][-self.warmup_candles :]
            if len(history):
                item.manager.symbol_data(item.symbol).candle_buffer(item.time_frame).load(history)
            return len(history)
        history = item.reader.read_ohlcv(item.symbol, item.time_frame, end_ms=start - 1)
        if len(history):
            closes = _close_times(history, item.time_frame)
            history = history[closes <= start][-self.warmup_candles :]
            buffer = item.manager.symbol_data(item.symbol).candle_buffer(item.time_frame)
            buffer.load(history)
        return len(history)

    def _seek(self, item: _Series, start: int) -> None:
        """Positions the series on its first candle closing after ``start``."""
        if item.data is not None:
            item.chunks = (chunk for chunk in (item.data,))  # one chunk: the whole series
            self._next_chunk(item)
            item.position = int(np.searchsorted(item.closes, start, side="right"))
            if item.position == len(item.chunk):
                self._next_chunk(item)
            return
        tf_ms = checked_time_frame(item.time_frame).ms
        # a candle closing after start opened after start - its length (months: at most 31 days)
        earliest_open = start - (31 * 86_400_000 if is_calendar(item.time_frame) else tf_ms) + 1
        item.chunks = item.reader.iter_ohlcv(
            item.symbol, item.time_frame, start_ms=earliest_open, chunk_size=self.chunk_size
        )
        self._next_chunk(item)
        while (
            item.chunk is not None and item.position < len(item.chunk) and item.closes[item.position] <= start
        ):
            item.position += 1
            if item.position == len(item.chunk):
                self._next_chunk(item)

    def _next_chunk(self, item: _Series) -> None:
        item.chunk = next(item.chunks, None)
        item.position = 0
        if item.chunk is None:
            item.closes = None
        elif item.data is not None and item.chunk is item.data:
            item.closes = item.data_closes
        else:
            item.closes = _close_times(item.chunk, item.time_frame)
        item.rows = None

    @staticmethod
    def _row(item: _Series) -> tuple:
        """The current candle as Python values (int open time, floats): rows are listed a block at a
        time, column by column in C."""
        offset = item.position - item.rows_start
        rows = item.rows
        if rows is None or not 0 <= offset < len(rows):
            block = item.chunk[item.position : item.position + ROWS_BLOCK]
            rows = item.rows = list(
                zip(
                    block[:, TIMESTAMP].astype(np.int64).tolist(),
                    *(block[:, column].tolist() for column in range(1, 6)),
                    strict=True,
                )
            )
            item.rows_start, offset = item.position, 0
        return rows[offset]

    def candles(self, manager: ExchangeManager, symbol: str, time_frame: str) -> np.ndarray | None:
        """The candles of a series opened within the run window, when the series was read at once (so a
        report does not read them again); None otherwise."""
        for item in self._series:
            if (item.manager, item.symbol, item.time_frame) == (manager, symbol, time_frame):
                if item.data is None or self._run_window is None:
                    return None
                opens = item.data[:, TIMESTAMP]
                start, end = self._run_window
                return item.data[(opens >= start) & (opens <= end)]
        return None

    # --- the run ----------------------------------------------------------------------------------
    async def _replay(self, series: list[_Series], end: int, result: ReplayResult) -> None:
        # heap of (next close time, push order, index): the next instant is its smallest close time
        heap = [
            (int(item.closes[item.position]), item.order, index)
            for index, item in enumerate(series)
            if item.chunk is not None
        ]
        heapq.heapify(heap)
        advance_to = self.clock.advance_to
        drain = self.synchronizer.drain
        heappop = heapq.heappop
        steps = 0
        progress = self.progress
        run_handler = self.run_handler
        row = self._row
        begin = heap[0][0] if heap else end  # the first instant of the run
        span = max(1, end - begin)
        next_mark = begin if progress is not None else end + 1  # one comparison a step when unused
        try:
            while heap and heap[0][0] <= end:
                instant = heap[0][0]
                advance_to(instant)
                while heap and heap[0][0] == instant:
                    _, order, index = heappop(heap)
                    item = series[index]
                    await item.manager.push_candle(item.symbol, item.time_frame, row(item))
                    await self._move_on(item, 1, heap, order, index)
                await drain()
                steps += 1
                if instant >= next_mark:
                    progress(min(1.0, (instant - begin) / span))
                    next_mark = instant + span // 100
                if run_handler is not None and heap:
                    taken = await self._offer_run(series, heap, end)
                    steps += taken
                    reached = self.clock.now_ms()
                    if taken and reached >= next_mark:
                        progress(min(1.0, (reached - begin) / span))
                        next_mark = reached + span // 100
            if progress is not None:
                progress(1.0)  # the window is done (its last instants may fall between two marks)
        finally:
            result.steps += steps
            for item in series:
                if item.pushed:
                    key = (item.manager.exchange_id, item.symbol, item.time_frame)
                    result.per_series[key] = result.per_series.get(key, 0) + item.pushed
                    result.candles_pushed += item.pushed
        logger.info(
            "replayed %d candles in %d steps from %d to %d",
            result.candles_pushed,
            result.steps,
            result.start_ms,
            end,
        )

    async def _offer_run(self, series: list[_Series], heap: list, end: int) -> int:
        """Offer the handler the candles the next series closes before any other series closes (after the
        instant just drained); returns how many it took (the heap and the clock follow)."""
        _, order, index = heap[0]
        others = [entry[0] for entry in heap[1:3]]  # a heap's second smallest is one of its children
        bound = min(min(others) - 1, end) if others else end
        item = series[index]
        start = item.position
        stop = start + int(np.searchsorted(item.closes[start:], bound, side="right"))
        if stop - start < MIN_RUN:
            return 0
        taken = self.run_handler(  # type: ignore[misc]
            item.manager, item.symbol, item.time_frame, item.chunk[start:stop], item.closes[start:stop]
        )
        if not taken:
            return 0
        if not 0 < taken <= stop - start:
            raise ReplayError(f"the candle-run handler took {taken} candles of {stop - start} offered")
        self.clock.advance_to(int(item.closes[start + taken - 1]))
        heapq.heappop(heap)
        await self._move_on(item, taken, heap, order, index)
        return taken

    async def _move_on(self, item: _Series, count: int, heap: list, order: tuple, index: int) -> None:
        """``count`` candles of ``item`` were pushed (or taken in a run): move past them, to the next chunk
        when this one is done, and put the series back in the heap at its next close time."""
        item.pushed += count
        item.position += count
        if item.position == len(item.chunk):
            await asyncio.to_thread(self._next_chunk, item)
        if item.chunk is not None:
            heapq.heappush(heap, (int(item.closes[item.position]), order, index))


def _close_times(candles: np.ndarray, time_frame: str) -> np.ndarray:
    opens = candles[:, TIMESTAMP].astype(np.int64)
    tf = checked_time_frame(time_frame)
    if is_calendar(time_frame):
        return np.array([candle_close_time(int(t), tf) for t in opens.tolist()], dtype=np.int64)
    return opens + tf.ms
