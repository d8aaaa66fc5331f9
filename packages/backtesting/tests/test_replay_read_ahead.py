"""The replay's read-ahead: pieces read and validated on one worker thread while the event loop replays.

Pieces are made small here (a first piece of 300 candles of the smallest time frame, then 1,000), so a
few thousand candles cross many piece boundaries; the reference is the same replay with the whole window
read before the start (READ_AHEAD off, as the pure build does).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
from pathlib import Path

import numpy as np
import pytest

import octobot_backtesting as ob
import octobot_backtesting.replay as replay_module
import octobot_channel as oc
import octobot_trading as ot

from .helpers import make_candles

M1, M5, M15 = 60_000, 300_000, 900_000
START = 1_699_920_000_000  # a day boundary: every time frame's grid
FIRST, PIECE = 300, 1_000


@pytest.fixture
def reads(monkeypatch) -> list[tuple[str, str, int | None, int | None, str]]:
    """Small pieces, and every read of a run: (symbol, time frame, first open, last open, thread name)."""
    monkeypatch.setattr(replay_module, "FIRST_PIECE_CANDLES", FIRST)
    monkeypatch.setattr(replay_module, "PIECE_CANDLES", PIECE)
    seen: list[tuple[str, str, int | None, int | None, str]] = []
    original = ob.DataFileReader.read_ohlcv

    def read_ohlcv(self, symbol, time_frame, start_ms=None, end_ms=None):
        seen.append((symbol, time_frame, start_ms, end_ms, threading.current_thread().name))
        return original(self, symbol, time_frame, start_ms, end_ms)

    monkeypatch.setattr(ob.DataFileReader, "read_ohlcv", read_ohlcv)
    return seen


@pytest.fixture
def synthetic(tmp_path) -> Path:
    """Three series on three time frames: BTC/USDT 1m (6,000) and 15m, ETH/USDT 5m, over the same days."""
    path = tmp_path / "synthetic.data"
    with ob.DataFileWriter(path, exchange="binance", origin="test") as writer:
        writer.write_ohlcv("BTC/USDT", "1m", make_candles(START, M1, 6_000, seed=1))
        writer.write_ohlcv("BTC/USDT", "15m", make_candles(START, M15, 400, seed=2))
        writer.write_ohlcv("ETH/USDT", "5m", make_candles(START, M5, 1_200, seed=3))
    return path


def _write(path: Path, candles: np.ndarray) -> Path:
    with ob.DataFileWriter(path, exchange="binance", origin="test") as writer:
        writer.write_ohlcv("BTC/USDT", "1m", candles)
    return path


class _Run:
    """A manager on a simulated clock with a consumer recording every candle pushed: (now, symbol, time
    frame, open time)."""

    def __init__(self, manager_class: type[ot.ExchangeManager] = ot.ExchangeManager) -> None:
        self.clock = ob.SimulatedClock(0)
        self.synchronizer = oc.Synchronizer()
        self.seen: list[tuple[int, str, str, int]] = []
        self.manager_class = manager_class
        self.manager: ot.ExchangeManager | None = None

    async def __aenter__(self) -> _Run:
        symbols = ("BTC/USDT", "ETH/USDT", "ETH/BTC", "LTC/BTC")
        markets = ot.Markets({s: ot.MarketRules.default(s) for s in symbols}, exchange_id="binance")
        self.manager = self.manager_class(
            "binance", markets, portfolio={"USDT": 1}, clock=self.clock, synchronizer=self.synchronizer
        )
        await self.manager.start()
        channel = self.manager.get_channel("OHLCVChannel")
        await channel.new_consumer(self._on_candle, priority=oc.Priority.MEDIUM)
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.manager.stop()

    async def _on_candle(self, message: dict) -> None:
        self.seen.append(
            (self.clock.now_ms(), message["symbol"], message["time_frame"], int(message["candle"][0]))
        )

    def replay(self, path: Path, **options) -> ob.Replay:
        return ob.Replay(
            [ob.ReplayFeed(self.manager, path)], clock=self.clock, synchronizer=self.synchronizer, **options
        )


async def _replay(monkeypatch, path: Path, read_ahead: bool, **options):
    monkeypatch.setattr(replay_module, "READ_AHEAD", read_ahead)
    async with _Run() as run:
        replay = run.replay(path, **options)
        result = await replay.run()
        with ob.DataFileReader(path) as reader:
            keys = [(s.symbol, s.time_frame) for s in reader.ranges()]
        candles = {key: replay.candles(run.manager, *key) for key in keys}
        buffers = {key: run.manager.symbol_data(key[0]).candle_buffer(key[1]) for key in keys}
        warm = {key: len(buffer) for key, buffer in buffers.items()}
    return run, result, candles, warm


def _pieces(reads, symbol: str, time_frame: str) -> list[tuple[int, int]]:
    """The open-time ranges read ahead for a series (the reads after its first piece)."""
    ranges = [(low, high) for s, tf, low, high, _ in reads if (s, tf) == (symbol, time_frame)]
    return ranges[1:]


def _per_series(result: ob.ReplayResult) -> dict[tuple[str, str], int]:
    """Candles pushed per series, without the exchange id (each run has its own manager)."""
    return {(symbol, time_frame): n for (_, symbol, time_frame), n in result.per_series.items()}


def _worker_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(replay_module.WORKER_THREAD)]


def _open_files(path: Path) -> list[str]:
    """Paths of this process's file descriptors that are ``path`` (Linux)."""
    target = str(path.resolve())
    links = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            links.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # closed meanwhile (the listing's own descriptor)
            continue
    return [link for link in links if link == target]


async def test_read_ahead_replays_exactly_what_a_whole_read_does(monkeypatch, synthetic, reads):
    # a narrowed window and a warm-up: the first piece holds history from before the start
    options = {"start_ms": START + 500 * M1, "end_ms": START + 5_500 * M1, "warmup_candles": 40}
    whole_run, whole, whole_candles, whole_warm = await _replay(monkeypatch, synthetic, False, **options)
    reads.clear()
    run, result, candles, warm = await _replay(monkeypatch, synthetic, True, **options)

    assert run.seen == whole_run.seen and len(run.seen) == result.candles_pushed
    assert (result.steps, result.candles_pushed, _per_series(result)) == (
        whole.steps,
        whole.candles_pushed,
        _per_series(whole),
    )
    assert result.warmup_candles_loaded == whole.warmup_candles_loaded == 40 + 40 + 33  # 15m: 500 min in
    assert warm == whole_warm
    for key, array in candles.items():
        assert array is not None and np.array_equal(array, whole_candles[key]), key
    assert len(candles[("BTC/USDT", "1m")]) == 5_001  # opens in [start, end]
    # the run did cross pieces: consecutive ranges on one grid, read by the worker thread, up to the end
    pieces = _pieces(reads, "BTC/USDT", "1m")
    assert len(pieces) == 5
    assert pieces[0][0] == START + (500 + FIRST) * M1
    assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(pieces))
    assert pieces[-1][1] == START + 5_500 * M1
    assert _pieces(reads, "ETH/USDT", "5m") == pieces  # one grid for every series
    assert {name.split("_")[0] for *_, name in reads} == {replay_module.WORKER_THREAD}


async def test_the_report_candles_are_the_window_without_a_copy(monkeypatch, synthetic, reads):
    # a report holds every series' window at once: a slice of the candles read, not a copy per series
    start, end = START + 500 * M1, START + 5_500 * M1
    monkeypatch.setattr(replay_module, "READ_AHEAD", True)
    async with _Run() as run:
        replay = run.replay(synthetic, start_ms=start, end_ms=end, warmup_candles=40)
        await replay.run()
        first = replay.candles(run.manager, "BTC/USDT", "1m")
        again = replay.candles(run.manager, "BTC/USDT", "1m")
    with ob.DataFileReader(synthetic) as reader:
        expected = reader.read_ohlcv("BTC/USDT", "1m", start, end)
    assert first is not None and again is not None
    assert np.array_equal(first, expected) and len(first) == 5_001
    assert np.shares_memory(first, again)


async def test_read_ahead_on_real_candles_with_two_time_frames(monkeypatch, freqtrade_data, tmp_path, reads):
    path = tmp_path / "eth_ltc.data"
    sources = [freqtrade_data / "ETH_BTC-5m.csv", freqtrade_data / "LTC_BTC-5m.csv"]
    ob.import_files(sources, path, exchange="binance", resample_to=["1h"])
    whole_run, whole, whole_candles, _ = await _replay(monkeypatch, path, False, warmup_candles=20)
    reads.clear()
    run, result, candles, _ = await _replay(monkeypatch, path, True, warmup_candles=20)
    assert len(_pieces(reads, "ETH/BTC", "5m")) >= 5  # 20 days of 5m: about 5,700 candles
    assert run.seen == whole_run.seen
    assert (result.steps, result.candles_pushed, _per_series(result)) == (
        whole.steps,
        whole.candles_pushed,
        _per_series(whole),
    )
    for key, array in candles.items():
        assert np.array_equal(array, whole_candles[key]), key


async def test_a_bad_candle_in_a_late_piece_stops_the_run_before_that_piece(monkeypatch, tmp_path, reads):
    candles = make_candles(START, M1, 6_000, seed=5)
    bad = 4_321
    candles[bad, 5] = -1.0  # a negative volume
    path = _write(tmp_path / "bad_late.data", candles)
    monkeypatch.setattr(replay_module, "READ_AHEAD", True)
    async with _Run() as run:
        replay = run.replay(path)
        bad_open = START + bad * M1
        with pytest.raises(
            ob.DataValidationError, match=f"BTC/USDT 1m @ {bad_open}: .*volume is negative"
        ) as error:
            await replay.run()
    assert str(path) in str(error.value) and error.value.issues[0].timestamp_ms == bad_open
    # the pieces before it were replayed, every candle of them; none of the bad piece
    low = next(low for low, high in _pieces(reads, "BTC/USDT", "1m") if low <= bad_open <= high)
    assert low < bad_open and low > START + FIRST * M1
    assert [o for *_, o in run.seen] == list(range(START, low, M1))
    assert _worker_threads() == []


async def test_a_bad_candle_in_the_first_piece_stops_the_run_before_it_starts(monkeypatch, tmp_path):
    candles = make_candles(START, M1, 6_000, seed=6)
    candles[120, 1] = np.nan  # stored as NULL, read back as NaN
    path = _write(tmp_path / "bad_early.data", candles)
    monkeypatch.setattr(replay_module, "READ_AHEAD", True)
    async with _Run() as run:
        with pytest.raises(ob.DataValidationError, match=f"BTC/USDT 1m @ {START + 120 * M1}: .*NaN"):
            await run.replay(path).run()
    assert run.seen == [] and run.clock.now_ms() == 0


class _FailingManager(ot.ExchangeManager):
    """Raises on its 2,500th candle (a bot that raised mid-run); records the replay's worker threads."""

    async def push_candle(self, symbol, time_frame, candle) -> None:
        self.pushes = getattr(self, "pushes", 0) + 1
        if self.pushes == 2_500:
            self.workers_seen = _worker_threads()
            raise RuntimeError("the bot broke")
        await super().push_candle(symbol, time_frame, candle)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists open files through /proc (Linux)")
async def test_a_raising_manager_leaves_no_worker_and_no_open_file(monkeypatch, tmp_path, reads):
    path = _write(tmp_path / "btc.data", make_candles(START, M1, 6_000, seed=7))
    monkeypatch.setattr(replay_module, "READ_AHEAD", True)
    async with _Run(_FailingManager) as run:
        with pytest.raises(RuntimeError, match="the bot broke"):
            await run.replay(path).run()
        assert len(run.manager.workers_seen) == 1  # one worker while it ran
        assert _worker_threads() == []
        assert _open_files(path) == []
    assert len(run.seen) == 2_499


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists open files through /proc (Linux)")
async def test_a_cancelled_run_leaves_no_worker_and_no_open_file(monkeypatch, tmp_path, reads):
    path = _write(tmp_path / "btc.data", make_candles(START, M1, 6_000, seed=8))
    monkeypatch.setattr(replay_module, "READ_AHEAD", True)
    async with _Run() as run:
        task = asyncio.create_task(run.replay(path).run())
        during: list[list[str]] = []

        async def cancel_midway(message: dict) -> None:
            if len(run.seen) == 1_500:
                during.append(_worker_threads())
                task.cancel()

        await run.manager.get_channel("OHLCVChannel").new_consumer(
            cancel_midway, priority=oc.Priority.OPTIONAL
        )
        with pytest.raises(asyncio.CancelledError):
            await task
        # delivered where the run next waits (a piece not ready yet, or the end: the loop never yields
        # otherwise), it still ends the run's worker and closes the file
        assert during and len(during[0]) == 1
        assert _worker_threads() == []
        assert _open_files(path) == []
    assert len(run.seen) >= 1_500


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists open files through /proc (Linux)")
async def test_a_run_cancelled_while_opening_closes_its_file_after_the_worker(monkeypatch, tmp_path):
    path = _write(tmp_path / "btc.data", make_candles(START, M1, 6_000, seed=9))
    monkeypatch.setattr(replay_module, "READ_AHEAD", True)
    async with _Run() as run:
        task = asyncio.create_task(run.replay(path).run())
        await asyncio.sleep(0)  # one loop turn: the run waits for its worker to open the file
        assert len(_worker_threads()) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert _worker_threads() == []
        assert _open_files(path) == []
    assert run.seen == [] and run.clock.now_ms() == 0


async def test_the_replay_counts_no_rows_to_choose_memory(monkeypatch, synthetic):
    counted: list[str] = []
    monkeypatch.setattr(ob.DataFileReader, "series", lambda self: counted.append("series") or [])
    monkeypatch.setattr(replay_module, "READ_AHEAD", True)
    async with _Run() as run:
        result = await run.replay(synthetic).run()
    assert counted == [] and result.candles_pushed == 6_000 + 400 + 1_200


def test_ranges_list_every_series_without_counting(synthetic):
    with ob.DataFileReader(synthetic) as reader:
        ranges = {(r.symbol, r.time_frame): r for r in reader.ranges()}
        series = {(s.symbol, s.time_frame): s for s in reader.series()}
    assert ranges.keys() == series.keys() == {("BTC/USDT", "1m"), ("BTC/USDT", "15m"), ("ETH/USDT", "5m")}
    for key, info in series.items():
        assert (ranges[key].first_timestamp_ms, ranges[key].last_timestamp_ms) == (
            info.first_timestamp_ms,
            info.last_timestamp_ms,
        )
        assert ranges[key].upper_bound == info.count  # no gap: the grid bound is the count
    assert ranges[("BTC/USDT", "1m")].upper_bound == 6_000


def test_the_grid_bound_covers_a_series_with_gaps(tmp_path):
    candles = np.delete(make_candles(START, M1, 100), [10, 11, 50], axis=0)
    with ob.DataFileReader(_write(tmp_path / "gaps.data", candles)) as reader:
        (only,) = reader.ranges()
        assert only.upper_bound == 100 and reader.count("BTC/USDT", "1m") == 97


@pytest.mark.parametrize("reading", ["read ahead", "whole", "streamed"])
async def test_the_warm_up_reaches_back_across_a_gap(monkeypatch, tmp_path, reads, reading):
    # the history is read from just before the start; a gap there sends it further back
    candles = np.delete(make_candles(START, M1, 3_000, seed=10), np.arange(900, 1_000), axis=0)
    path = _write(tmp_path / "gap.data", candles)
    monkeypatch.setattr(replay_module, "READ_AHEAD", reading == "read ahead")
    if reading == "streamed":
        monkeypatch.setattr(replay_module, "IN_MEMORY_CANDLES", 10)
    start = START + 1_000 * M1
    async with _Run() as run:
        replay = run.replay(path, start_ms=start, end_ms=start + 5 * M1, warmup_candles=150)
        result = await replay.run()
        buffer = run.manager.symbol_data("BTC/USDT").candle_buffer("1m")
        loaded = buffer.timestamps().astype(np.int64).tolist()
    history = [int(t) for t in candles[:, 0] if t + M1 <= start][-150:]
    assert history[0] == START + 750 * M1 and history[-1] == START + 899 * M1
    assert result.warmup_candles_loaded == 150
    assert loaded == history + [start + i * M1 for i in range(5)]
    # the first read stopped short of the file's start; the second one went back for the rest
    assert reads[0][2] == start - 151 * M1 and reads[1][2:4] == (None, start - 151 * M1 - 1)
