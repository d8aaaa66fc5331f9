# cython: annotation_typing=False
"""The replay engine: recorded candles pushed into ExchangeManagers by a simulated clock, deterministically.

How a run goes:
1. the run window is the common part of all series (or their union on request), optionally narrowed;
2. every candle is validated before any candle of its piece is pushed (see below); an error stops the run
   with a DataValidationError naming the file, the series, the candle's open time and the fix;
3. warm-up: up to ``warmup_candles`` candles that closed by the start are bulk-loaded into the candle
   buffers (no fills, no messages), so indicators have history at the first step;
4. the clock jumps from one candle close time to the next on the grid of the smallest time frame in use
   (instants where nothing closes are skipped: nothing would happen there); at each instant every candle
   that closes then is pushed (``push_candle``: smallest time frame first, then symbols in order), then
   ``await synchronizer.drain()`` processes everything it caused before the clock moves again.

No look-ahead: a candle is pushed only when the clock reached its close time.

Reading. A series of at most IN_MEMORY_CANDLES (by its grid bound: no row is counted) is replayed from
memory; what is read, and so validated, is the warm-up's history and the run window. In the compiled build
it is read ahead (READ_AHEAD): before the start, its first piece (the history and the first
FIRST_PIECE_CANDLES of the run) is read and validated; then one worker thread per run reads the rest of
the window in pieces of PIECE_CANDLES, each validated in that thread with the previous piece's last
candle prepended (a gap or disorder across pieces is still found), while the event loop replays. The
replay awaits a piece only when it reaches it (normally long ready); a piece that failed validation stops
the run there, once the instant before it is drained and before any of its candles is pushed (earlier
pieces were replayed: an error late in the window stops the run late, with the same error as before the
start). The pure build reads and validates the whole window before the start. A
longer series is validated whole from the file first (errors stop the run before it starts), then read
chunk by chunk. Every read of a run goes through its worker thread, which is joined before the data
files are closed, whatever ends the run.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import octobot_channel as oc
from octobot_backtesting import _sqlite_rows
from octobot_backtesting._time_frames import checked_time_frame, is_calendar
from octobot_backtesting.clock import SimulatedClock
from octobot_backtesting.datafile_reader import DEFAULT_CHUNK_SIZE, TIMESTAMP, DataFileReader, SeriesRange
from octobot_backtesting.errors import BacktestingError
from octobot_backtesting.market_replay import MarketEvents
from octobot_backtesting.validation import validate_candles, validate_data_file
from octobot_trading import ExchangeManager, candle_close_time, ms_to_iso

try:
    import cython
except ImportError:  # pure build without Cython installed (see octobot_channel.cython_shim)
    from octobot_channel import cython_shim as cython

logger = logging.getLogger(__name__)

COMMON = "common"
UNION = "union"


def _iso(ms: int | None) -> str:
    return "..." if ms is None else ms_to_iso(ms)


class ReplayError(BacktestingError):
    """A replay cannot start: bad configuration, missing series, empty window."""


#: A series of at most this many candles (its grid bound: first to last open time) is replayed from
#: memory, read ahead (about 100 MB); a longer one is validated from the file, then read chunk by chunk.
IN_MEMORY_CANDLES = 2_000_000
#: Read ahead: candles of the smallest time frame read and validated before the start, after the warm-up's
#: history. 16k candles take about 25 ms to read and the event loop about 0.15 s to replay, so the
#: worker's next piece (about 0.1 s) is ready when the replay reaches it.
FIRST_PIECE_CANDLES = 16_384
#: Read ahead: candles of the smallest time frame per piece (about 3 MB of float64, read in about 0.1 s).
PIECE_CANDLES = 65_536
#: The replay looks for a cancel (Ctrl+C) every CANCEL_CHECK_MASK + 1 instants (a power of two).
CANCEL_CHECK_MASK = 255
#: Read ahead: pieces of a series queued for the worker beyond the one being replayed.
PIECES_AHEAD = 2
#: Read ahead while replaying: in the compiled build, where the reader's C loop steps SQLite with the GIL
#: released (a year of 1m, full chain: 4.76 -> 4.33 s, first step 0.64 s -> 0.03 s; medians of 9). The
#: pure build reads the whole window before the start: its stdlib sqlite3 reads make a Python float per
#: value with the GIL held, so reading beside the event loop slowed the run (9.9 -> 10.7 s, medians of 6)
#: though the first step came 2.6 s sooner.
READ_AHEAD: bool = _sqlite_rows.AVAILABLE
#: Rows listed as Python values at once for candles pushed one by one.
ROWS_BLOCK = 256
#: Name prefix of the run's worker thread (every read of the run goes through it).
WORKER_THREAD = "octobot-replay"


@dataclass(slots=True)
class ReplayFeed:
    """One data file replayed into one ExchangeManager (``None``: every symbol / time frame of the file)."""

    exchange_manager: ExchangeManager
    data_file: str | os.PathLike
    symbols: Sequence[str] | None = None
    time_frames: Sequence[str] | None = None
    #: recorded market data replayed too (of ``tickers``, ``order_books``, ``trades``; see market_replay)
    market_data: Sequence[str] = ()


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
    #: recorded market events pushed per table (tickers, order_books, trades), every feed together
    market_events: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Series:
    manager: ExchangeManager
    reader: DataFileReader
    symbol: str
    time_frame: str
    first_open_ms: int
    last_close_ms: int
    order: tuple[int, int, str]  # time frame length, feed index, symbol: push order within an instant
    #: the data file's name, as validation errors give it
    source: str
    #: replayed from memory and read ahead by pieces; else streamed chunk by chunk from ``chunks``
    in_memory: bool
    chunks: Generator[np.ndarray, None, None] | None = None
    chunk: np.ndarray | None = None
    closes: np.ndarray | None = None
    #: where the current block starts in the chunk
    position: int = 0
    #: a block of the chunk as Python rows (int open time, floats) and their close times (ints), from
    #: ``position``: listed once per block (in C, column by column), so a candle costs no conversion
    rows: list = field(default_factory=list)
    close_times: list = field(default_factory=list)
    #: the next row of the block to push
    offset: int = 0
    #: candles pushed before the current block
    pushed: int = 0
    # --- read ahead (in memory) ---
    #: open-time ranges [low, high] of the pieces not yet queued for the worker
    piece_ranges: deque[tuple[int, int]] = field(default_factory=deque)
    #: queued pieces, in order (the first one read before the start)
    pending: deque[Future] = field(default_factory=deque)
    #: the pieces reached by the replay, in order (the report's candles); ``complete`` once all are
    pieces: list[np.ndarray] = field(default_factory=list)
    complete: bool = False
    #: the first piece: the warm-up's history and the start of the run
    head: np.ndarray | None = None
    #: the last candle read, prepended to the next piece to validate across pieces (worker thread only)
    last_read: np.ndarray | None = None
    #: the pieces joined, once asked for
    data: np.ndarray | None = None


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
        self._series: list[_Series] = []
        #: recorded market events per feed that replays some (pushed between candles, in time order)
        self._market: list[MarketEvents] = []
        self._run_window: tuple[int, int] | None = None
        self._worker: ThreadPoolExecutor | None = None
        self._readers: list[DataFileReader] = []
        #: what stopped the reading of a series mid-run (raised once the current instant is drained)
        self._failures: list[Exception] = []
        #: what was replayed so far (also after a cancelled run: the partial result)
        self.result: ReplayResult | None = None

    async def run(self) -> ReplayResult:
        """Validates, warms up and replays; returns what was pushed."""
        # one thread for every read of the run: joined below, so no reader is closed while in use
        worker = self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=WORKER_THREAD)
        self._readers = []
        series: list[_Series] = []
        try:
            series = self._series = await self._in_worker(self._open)
            start, end = self._run_window = self._window(series)
            if self.clock.now_ms() > start:
                raise ReplayError(
                    f"the clock is at {self.clock.now_ms()} ms, after the run start {start} ms; "
                    "create the SimulatedClock at or before the start"
                )
            await self._in_worker(self._read_heads, series, start, end)
            self._market = await self._in_worker(self._read_market, start, end)
            self.clock.advance_to(start)
            result = self.result = ReplayResult(start, end)
            for item in series:
                result.warmup_candles_loaded += await self._in_worker(self._warm_up, item, start)
            for item in series:
                await self._seek(item, start)  # the worker reads ahead from here on
            await self._replay(series, end, result)
            await self._read_rest(series)
            return result
        finally:
            worker.shutdown(wait=True, cancel_futures=True)
            for item in series:
                if item.chunks is not None:
                    item.chunks.close()  # ends the SQLite cursor before its connection closes
            for reader in self._readers:
                reader.close()

    async def _in_worker(self, function: Callable[..., Any], *args: Any) -> Any:
        # the worker exists while a run is going on, the only time this is called
        return await asyncio.wrap_future(self._worker.submit(function, *args))  # type: ignore[union-attr]

    # --- preparation (worker thread) ---------------------------------------------------------------
    def _open(self) -> list[_Series]:
        series: list[_Series] = []
        for index, feed in enumerate(self.feeds):
            reader = DataFileReader(feed.data_file)
            self._readers.append(reader)
            ranges = {(item.symbol, item.time_frame): item for item in reader.ranges()}
            wanted = [
                key
                for key in ranges
                if (feed.symbols is None or key[0] in feed.symbols)
                and (feed.time_frames is None or key[1] in feed.time_frames)
            ]
            missing = [
                (symbol, time_frame)
                for symbol in feed.symbols or ()
                for time_frame in feed.time_frames or ()
                if (symbol, time_frame) not in ranges
            ]
            streamed = bool(missing) or any(_size(reader, ranges[key]) > IN_MEMORY_CANDLES for key in wanted)
            if self.validate and streamed:  # the file's own check (streamed; names missing series)
                report = validate_data_file(
                    feed.data_file, symbols=feed.symbols, time_frames=feed.time_frames
                )
                report.raise_for_errors(str(feed.data_file))
            for symbol, time_frame in missing:
                raise ReplayError(f"{Path(feed.data_file).name} has no {symbol} {time_frame} candles")
            for symbol, time_frame in wanted:
                info = ranges[(symbol, time_frame)]
                tf = checked_time_frame(time_frame)
                series.append(
                    _Series(
                        feed.exchange_manager,
                        reader,
                        symbol,
                        time_frame,
                        info.first_timestamp_ms,
                        candle_close_time(info.last_timestamp_ms, tf),
                        (tf.ms, index, symbol),
                        str(feed.data_file),
                        not streamed,
                    )
                )
        if not series:
            raise ReplayError("the feeds select no series: check their symbols and time_frames")
        series.sort(key=lambda item: item.order)
        return series

    def _window(self, series: list[_Series]) -> tuple[int, int]:
        firsts = [item.first_open_ms for item in series]
        lasts = [item.last_close_ms for item in series]
        start, end = (max(firsts), min(lasts)) if self.window == COMMON else (min(firsts), max(lasts))
        if start < end and not self._requested_overlap(start, end):
            raise ReplayError(
                f"the requested run window [{_iso(self.requested_start_ms)}, {_iso(self.requested_end_ms)}) "
                f"holds no candle of the data, which covers [{ms_to_iso(start)}, {ms_to_iso(end)})",
                fix_key="range",
                fix="choose start_ms and end_ms inside that period",
            )
        if self.requested_start_ms is not None:
            start = max(start, self.requested_start_ms)
        if self.requested_end_ms is not None:
            end = min(end, self.requested_end_ms)
        if start >= end:
            raise ReplayError(
                f"empty run window [{start}, {end}) ms: the series do not overlap ({self.window} window)",
                fix_key="window",
                fix="use window='union' or pick files that cover the same period",
            )
        return start, end

    def _requested_overlap(self, start: int, end: int) -> bool:
        requested_start = start if self.requested_start_ms is None else self.requested_start_ms
        requested_end = end if self.requested_end_ms is None else self.requested_end_ms
        return max(start, requested_start) < min(end, requested_end)

    def _read_heads(self, series: list[_Series], start: int, end: int) -> None:
        """Reads and validates the first piece of every series replayed from memory, and cuts the rest of
        the run window (open times up to ``end``) into pieces on one grid for all of them."""
        in_memory = [item for item in series if item.in_memory]
        grid = [item for item in in_memory if not is_calendar(item.time_frame)]
        smallest = min((checked_time_frame(item.time_frame).ms for item in grid), default=0)
        head_end = min(end, start + FIRST_PIECE_CANDLES * smallest - 1) if READ_AHEAD and grid else end
        span = PIECE_CANDLES * smallest
        for item in in_memory:
            # calendar time frames (a few hundred rows at most) are read whole
            last = end if is_calendar(item.time_frame) else head_end
            item.head = self._read_piece(item, self._read_from(item, start, last))
            if last < end:
                item.piece_ranges.extend(
                    (low, min(low + span - 1, end)) for low in range(last + 1, end + 1, span)
                )
            done: Future = Future()
            done.set_result(item.head)
            item.pending.append(done)

    def _read_market(self, start: int, end: int) -> list[MarketEvents]:
        return [
            MarketEvents.read(
                feed.exchange_manager,
                reader,
                tuple(feed.market_data),
                sorted({item.symbol for item in self._series if item.reader is reader}),
                start,
                end,
            )
            for feed, reader in zip(self.feeds, self._readers, strict=True)
            if feed.market_data
        ]

    def _read_from(self, item: _Series, start: int, high: int) -> np.ndarray:
        """The candles opened up to ``high``, from far enough back for the warm-up and for the candle in
        progress at ``start`` (a grid time frame: not from the first candle of a long file)."""
        reader, symbol, time_frame = item.reader, item.symbol, item.time_frame
        if is_calendar(time_frame):
            return reader.read_ohlcv(symbol, time_frame, end_ms=high)
        step = checked_time_frame(time_frame).ms
        low = start - (self.warmup_candles + 1) * step
        candles = reader.read_ohlcv(symbol, time_frame, low, high)
        if self.warmup_candles and low > item.first_open_ms:
            closed = np.count_nonzero(candles[:, TIMESTAMP] + step <= start)
            if closed < self.warmup_candles:  # gaps: the history goes further back
                earlier = reader.read_ohlcv(symbol, time_frame, end_ms=low - 1)
                candles = np.concatenate((earlier, candles))
        return candles

    def _read_piece(self, item: _Series, piece: np.ndarray | tuple[int, int]) -> np.ndarray:
        """Reads a piece (when given its open-time range) and validates it after the previous one."""
        if isinstance(piece, tuple):
            piece = item.reader.read_ohlcv(item.symbol, item.time_frame, *piece)
        if self.validate and len(piece):
            previous = item.last_read
            checked = piece if previous is None else np.concatenate((previous[np.newaxis], piece))
            validate_candles(checked, item.symbol, item.time_frame).raise_for_errors(item.source)
        if len(piece):
            item.last_read = piece[-1]
        return piece

    def _request(self, item: _Series) -> None:
        """Queues the next pieces of ``item`` for the worker, up to PIECES_AHEAD."""
        submit = self._worker.submit  # type: ignore[union-attr]  # called during a run: the worker exists
        while item.piece_ranges and len(item.pending) < PIECES_AHEAD:
            item.pending.append(submit(self._read_piece, item, item.piece_ranges.popleft()))

    def _warm_up(self, item: _Series, start: int) -> int:
        if not self.warmup_candles:
            return 0
        candles = item.head if item.in_memory else self._read_from(item, start, start - 1)
        assert candles is not None  # an in-memory series has read its first piece before the warm-up
        history = candles[_close_times(candles, item.time_frame) <= start][-self.warmup_candles :]
        if len(history):
            item.manager.symbol_data(item.symbol).candle_buffer(item.time_frame).load(history)
        return len(history)

    async def _seek(self, item: _Series, start: int) -> None:
        """Positions the series on its first candle closing after ``start``."""
        if not item.in_memory:
            # a candle closing after start opened after start - its length (months: at most 31 days)
            tf_ms = checked_time_frame(item.time_frame).ms
            earliest_open = start - (31 * 86_400_000 if is_calendar(item.time_frame) else tf_ms) + 1
            item.chunks = item.reader.iter_ohlcv(
                item.symbol, item.time_frame, start_ms=earliest_open, chunk_size=self.chunk_size
            )
        item.head = None
        await self._next_chunk(item)
        while item.chunk is not None and item.closes is not None:  # set together
            item.position = int(np.searchsorted(item.closes, start, side="right"))
            if item.position < len(item.chunk):
                _list_block(item)
                return
            await self._next_chunk(item)

    async def _next_chunk(self, item: _Series) -> None:
        """Moves ``item`` to its next non-empty chunk or piece (None past the last)."""
        while True:
            if item.in_memory:
                chunk = await self._next_piece(item)
            else:
                chunk = await self._in_worker(next, item.chunks, None)
            if chunk is None or len(chunk):
                break
        item.chunk = chunk
        item.position = 0
        item.closes = None if chunk is None else _close_times(chunk, item.time_frame)
        item.rows = []
        item.close_times = []
        item.offset = 0

    async def _next_piece(self, item: _Series) -> np.ndarray | None:
        """The next piece read ahead; awaited only if the worker is not done with it (its validation error,
        if any, is raised here, before any of its candles is pushed)."""
        if not item.pending:
            return None
        future = item.pending.popleft()
        self._request(item)
        piece = future.result() if future.done() else await asyncio.wrap_future(future)
        item.pieces.append(piece)
        return piece

    async def _read_rest(self, series: list[_Series]) -> None:
        """The pieces the run did not reach (candles opened by the end that close after it) complete the
        report's candles."""
        for item in series:
            if item.in_memory:
                while await self._next_piece(item) is not None:
                    pass
                item.complete = True

    def candles(self, manager: ExchangeManager, symbol: str, time_frame: str) -> np.ndarray | None:
        """The candles of a series opened within the run window, when the run replayed it from memory to
        the end (so a report does not read them again); None otherwise."""
        for item in self._series:
            if (item.manager, item.symbol, item.time_frame) == (manager, symbol, time_frame):
                if not item.complete or self._run_window is None:
                    return None
                if item.data is None:
                    item.data = item.pieces[0] if len(item.pieces) == 1 else np.concatenate(item.pieces)
                    item.pieces = [item.data]
                return _window_rows(item.data, *self._run_window)
        return None

    # --- the run ----------------------------------------------------------------------------------
    async def _replay(self, series: list[_Series], end: int, result: ReplayResult) -> None:
        # heap of (next close time, push order, index): the next instant is its smallest close time
        heap = [
            (item.close_times[0], item.order, index)
            for index, item in enumerate(series)
            if item.close_times  # listed with the chunk: empty past the last one
        ]
        # recorded market events: after the candles of their instant (an order above any time frame's)
        count = len(series)
        heap += [
            (events.next_time, (2**62, position, ""), count + position)
            for position, events in enumerate(self._market)
            if events.next_time is not None
        ]
        heapq.heapify(heap)
        advance_to = self.clock.advance_to
        drain = self.synchronizer.drain
        heappop = heapq.heappop
        steps = 0
        progress = self.progress
        heapreplace = heapq.heapreplace
        pushes = [item.manager.push_candle for item in series]  # bound once, not per candle
        failures = self._failures = []
        begin = heap[0][0] if heap else end  # the first instant of the run
        span = max(1, end - begin)
        next_mark = begin if progress is not None else end + 1  # one comparison a step when unused
        task = asyncio.current_task()
        future_type = asyncio.Future
        delivered = self.synchronizer.delivered()  # what a send that did not wait hands back
        # typed in the compiled build (C ints, no boxing per comparison); plain values in pure Python
        instant = cython.declare(cython.longlong, 0)
        offset = cython.declare(cython.Py_ssize_t, 0)
        index = cython.declare(cython.Py_ssize_t, 0)
        try:
            while heap:
                top = heap[0]
                instant = top[0]
                if instant > end:
                    break
                advance_to(instant)
                while True:
                    _, order, index = top
                    if index >= count:
                        heappop(heap)
                        await self._push_market(index, order, heap)
                    else:
                        item = series[index]
                        offset = item.offset
                        # push_candle hands back a completed future unless something had to wait: that
                        # one is read (raising what awaiting it would raise), not awaited
                        delivery = pushes[index](item.symbol, item.time_frame, item.rows[offset])
                        if delivery is delivered:  # the OHLCV message was queued: nothing to wait for
                            pass
                        elif type(delivery) is future_type and delivery.done():
                            delivery.result()
                        else:
                            await delivery
                        offset += 1
                        item.offset = offset
                        closes = item.close_times
                        if offset < len(closes):
                            # one sift instead of a pop and a push: (close time, order, index) are
                            # unique, so the heap gives the same sequence whatever its layout
                            heapreplace(heap, (closes[offset], order, index))
                        else:  # the block is done
                            heappop(heap)
                            await self._move_on(item, heap, order, index)
                    if not heap:
                        break
                    top = heap[0]
                    if top[0] != instant:
                        break
                drained = drain()  # a completed future unless a callback had to wait (see Synchronizer)
                if type(drained) is future_type and drained.done():
                    drained.result()
                else:
                    await drained
                steps += 1
                if failures:  # the instant before the bad piece was pushed and drained whole
                    raise failures[0]
                if not steps & CANCEL_CHECK_MASK and task is not None and task.cancelling():
                    # a step never suspends, so a cancel (Ctrl+C) would wait for the end of the run:
                    # yield once to receive it, between two whole instants
                    await asyncio.sleep(0)
                if instant >= next_mark and progress is not None:
                    progress(min(1.0, (instant - begin) / span))
                    next_mark = instant + span // 100
            if progress is not None:
                progress(1.0)  # the window is done (its last instants may fall between two marks)
        finally:
            result.steps += steps
            for item in series:
                pushed = item.pushed + item.offset
                if pushed:
                    key = (item.manager.exchange_id, item.symbol, item.time_frame)
                    result.per_series[key] = result.per_series.get(key, 0) + pushed
                    result.candles_pushed += pushed
            for events in self._market:
                for table, done in events.pushed.items():
                    result.market_events[table] = result.market_events.get(table, 0) + done
        logger.info(
            "replayed %d candles in %d steps from %d to %d",
            result.candles_pushed,
            result.steps,
            result.start_ms,
            end,
        )

    async def _push_market(self, index: int, order: tuple, heap: list) -> None:
        events = self._market[index - len(self._series)]
        await events.push_next()
        following = events.next_time
        if following is not None:
            heapq.heappush(heap, (following, order, index))

    async def _move_on(self, item: _Series, heap: list, order: tuple, index: int) -> None:
        """The block of ``item`` was pushed: list the next one (from the next chunk when this one is
        done) and put the series back in the heap at its next close time."""
        item.pushed += item.offset
        item.position += item.offset
        item.offset = 0
        chunk = item.chunk
        if chunk is None or item.position == len(chunk):
            try:
                await self._next_chunk(item)
            except Exception as error:  # a piece failed validation (or reading): stop once drained
                self._failures.append(error)
                item.rows, item.close_times = [], []
                return
        if item.chunk is None:  # past the last chunk
            return
        _list_block(item)
        heapq.heappush(heap, (item.close_times[0], order, index))


def _list_block(item: _Series) -> None:
    """Lists the block of ``item`` from its position: rows (int open time, floats) and close times."""
    chunk, closes, position = item.chunk, item.closes, item.position
    assert chunk is not None and closes is not None  # only a series positioned on a chunk is listed
    block = chunk[position : position + ROWS_BLOCK]
    item.rows = list(
        zip(
            block[:, TIMESTAMP].astype(np.int64).tolist(),
            *(block[:, column].tolist() for column in range(1, 6)),
            strict=True,
        )
    )
    item.close_times = closes[position : position + ROWS_BLOCK].tolist()
    item.offset = 0


def _window_rows(candles: np.ndarray, start: int, end: int) -> np.ndarray:
    """The rows of ``candles`` opened in [start, end].

    Why a slice: the rows come in open-time order (read ``ORDER BY timestamp``), so the window is one
    contiguous range, returned as a view; a boolean mask would copy it, and a report holds every
    series' window at once (10 pairs x a year of 1m: 250 MB more at the end of the run). Rows out of
    order (not produced by the reader) still get the mask.
    """
    opens = candles[:, TIMESTAMP]
    if len(opens) > 1 and not bool(np.all(opens[1:] > opens[:-1])):
        return candles[(opens >= start) & (opens <= end)]
    low = int(np.searchsorted(opens, start, side="left"))
    high = int(np.searchsorted(opens, end, side="right"))
    return candles[low:high]


def _close_times(candles: np.ndarray, time_frame: str) -> np.ndarray:
    opens = candles[:, TIMESTAMP].astype(np.int64)
    tf = checked_time_frame(time_frame)
    if is_calendar(time_frame):
        return np.array([candle_close_time(int(t), tf) for t in opens.tolist()], dtype=np.int64)
    return opens + tf.ms


def _size(reader: DataFileReader, series: SeriesRange) -> int:
    """Candles of a series at most (grid bound: two index lookups, no row counted); calendar time frames
    are counted (a few hundred rows)."""
    bound = series.upper_bound
    return reader.count(series.symbol, series.time_frame) if bound is None else bound
