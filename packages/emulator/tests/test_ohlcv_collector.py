"""The OHLCV collector against a loopback server that answers like Binance, serving real candles."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from octobot_backtesting import DataFileExistsError, DataFileReader, OctoBotFileReader, SimulatedClock
from octobot_backtesting.collectors import STAGING_SUFFIX, CollectorError, OhlcvCollector, collect_ohlcv
from octobot_backtesting.collectors.ohlcv_collector import CollectionRequest
from octobot_exchange_emulator import BinanceLikeServer
from octobot_trading import OctobotTradingError
from octobot_trading.ccxt_connector import CcxtMarketData, RetryPolicy, UnknownExchangeSymbolError

FOUR_SYMBOLS_FILE = "ExchangeHistoryDataCollector_1711122002.311132.data"  # 4 symbols, 4h, 500 each
BTC_2018_FILE = "AbstractExchangeHistoryCollector_1581774962.1269426.data"  # BTC/USDT, 14 time frames
KLINES = "/api/v3/klines"
FAST_RETRIES = RetryPolicy(base_delay_s=0.001, max_delay_s=0.01)
PAGE = 100


@pytest.fixture(scope="module")
def real_candles(octobot_data: Path) -> dict[tuple[str, str], np.ndarray]:
    """Real Binance candles: 4h of four pairs (2024) and 15m / 1h BTC/USDT (2018)."""
    candles = {}
    reader = OctoBotFileReader(octobot_data / FOUR_SYMBOLS_FILE)
    for symbol in ("BTC/USDT", "ETH/USDT", "SOL/USDT"):
        candles[(symbol, "4h")] = reader.read(symbol, "4h")
    reader.close()
    reader = OctoBotFileReader(octobot_data / BTC_2018_FILE)
    for time_frame in ("15m", "1h"):
        candles[("BTC/USDT", time_frame)] = reader.read("BTC/USDT", time_frame)
    reader.close()
    return candles


@pytest.fixture
async def server(real_candles):
    async with BinanceLikeServer(real_candles) as running:
        yield running


@pytest.fixture
async def connector(server):
    async with CcxtMarketData("binance", config=server.ccxt_config(), retry_policy=FAST_RETRIES) as opened:
        yield opened


def _span(candles: np.ndarray) -> tuple[int, int]:
    """[first open time, last open time + 1): the whole series."""
    return int(candles[0, 0]), int(candles[-1, 0]) + 1


def _has_staging_file(path: Path) -> bool:
    return path.with_name(path.name + STAGING_SUFFIX).exists()


def _read_all(path: Path) -> dict[tuple[str, str], np.ndarray]:
    with DataFileReader(path) as reader:
        return {(s.symbol, s.time_frame): reader.read_ohlcv(s.symbol, s.time_frame) for s in reader.series()}


async def test_collects_several_symbols_through_a_5xx_and_a_429(tmp_path, server, connector, real_candles):
    btc = real_candles[("BTC/USDT", "4h")]
    start, end = _span(btc)
    failing_page_start = int(btc[2 * PAGE, 0])  # the third page of BTC/USDT
    server.add_fault(KLINES, [503, 429], match={"symbol": "BTCUSDT", "startTime": failing_page_start})
    path = tmp_path / "binance.data"

    result = await collect_ohlcv(
        path,
        exchange="binance",
        symbols=["BTC/USDT", "ETH/USDT", "SOL/USDT"],
        time_frames=["4h"],
        start_ms=start,
        end_ms=end,
        connector=connector,
        page_limit=PAGE,
        progress=False,
    )

    assert result.retries == 2
    statuses = [
        r.status
        for r in server.requests_to(KLINES)
        if (r.query["symbol"], r.query["startTime"]) == ("BTCUSDT", str(failing_page_start))
    ]
    assert statuses == [503, 429, 200]
    collected = _read_all(path)
    assert set(collected) == {("BTC/USDT", "4h"), ("ETH/USDT", "4h"), ("SOL/USDT", "4h")}
    for key, candles in collected.items():
        np.testing.assert_array_equal(candles, real_candles[key])  # complete: nothing lost, nothing doubled
        assert np.all(np.diff(candles[:, 0]) == 4 * 3_600_000)  # no gap, no duplicate
    assert all(series.gaps == [] and series.candles == 500 for series in result.series)
    assert not (tmp_path / ("binance.data" + STAGING_SUFFIX)).exists()
    with DataFileReader(path) as reader:
        assert reader.description.exchange == "binance"
        assert reader.description.symbols == ("BTC/USDT", "ETH/USDT", "SOL/USDT")
        assert reader.description.first_timestamp_ms == start


async def test_collects_several_time_frames_over_a_date_range(tmp_path, connector, real_candles):
    quarter = real_candles[("BTC/USDT", "15m")]
    start = int(quarter[43, 0])  # on the hour
    end = int(quarter[-10, 0])  # exclusive: the last 10 candles are out of range

    result = await collect_ohlcv(
        tmp_path / "btc.data",
        exchange="binance",
        symbols=["BTC/USDT"],
        time_frames=["1h", "15m"],
        start_ms=start,
        end_ms=end,
        connector=connector,
        page_limit=PAGE,
        progress=False,
    )

    collected = _read_all(result.path)
    for time_frame in ("15m", "1h"):
        source = real_candles[("BTC/USDT", time_frame)]
        expected = source[(source[:, 0] >= start) & (source[:, 0] < end)]
        np.testing.assert_array_equal(collected[("BTC/USDT", time_frame)], expected)
    assert len(collected[("BTC/USDT", "15m")]) == len(quarter) - 53
    assert [(s.time_frame, s.first_timestamp_ms) for s in result.series] == [("15m", start), ("1h", start)]


async def test_an_interrupted_collection_resumes_where_it_stopped(tmp_path, server, connector, real_candles):
    eth = real_candles[("ETH/USDT", "4h")]
    start, end = _span(eth)
    outage_page = int(eth[3 * PAGE, 0])
    server.add_fault(
        KLINES, [503] * FAST_RETRIES.max_attempts, match={"symbol": "ETHUSDT", "startTime": outage_page}
    )
    path = tmp_path / "interrupted.data"
    options = dict(
        exchange="binance",
        symbols=["BTC/USDT", "ETH/USDT"],
        time_frames=["4h"],
        start_ms=start,
        end_ms=end,
        connector=connector,
        page_limit=PAGE,
        progress=False,
    )

    with pytest.raises(CollectorError, match="run the same collection again to resume") as failure:
        await collect_ohlcv(path, **options)
    assert isinstance(failure.value.__cause__, OctobotTradingError)  # never a ccxt error
    assert not path.exists()  # no half file that looks whole
    assert _has_staging_file(path)

    asked_before = len(server.requests_to(KLINES))
    result = await collect_ohlcv(path, **options)

    assert result.resumed
    resumed_requests = server.requests_to(KLINES)[asked_before:]
    # BTC/USDT was complete: not asked again; ETH/USDT restarts at the page that failed
    assert [r.query["symbol"] for r in resumed_requests] == ["ETHUSDT", "ETHUSDT"]
    assert resumed_requests[0].query["startTime"] == str(outage_page)
    collected = _read_all(path)
    np.testing.assert_array_equal(collected[("ETH/USDT", "4h")], eth)
    np.testing.assert_array_equal(collected[("BTC/USDT", "4h")], real_candles[("BTC/USDT", "4h")])
    assert not _has_staging_file(path)


async def test_a_cancelled_collection_resumes_too(tmp_path, server, connector, real_candles):
    sol = real_candles[("SOL/USDT", "4h")]
    start, end = _span(sol)
    path = tmp_path / "cancelled.data"
    collector = OhlcvCollector(
        CollectionRequest("binance", ("SOL/USDT",), ("4h",), start, end),
        path,
        connector=connector,
        page_limit=PAGE,
        progress=False,
    )
    # the second page is rate limited; the task is cancelled (like a Ctrl-C) while it backs off
    server.add_fault(KLINES, [429] * FAST_RETRIES.max_attempts, match={"startTime": int(sol[PAGE, 0])})
    rate_limited = asyncio.Event()
    server.on_request = lambda request: rate_limited.set() if request.status == 429 else None
    task = asyncio.create_task(collector.run())
    await rate_limited.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not path.exists()
    server.faults.clear()

    result = await collector.run()

    assert result.resumed
    assert result.requests == len(sol) // PAGE - 1  # the first page was kept
    np.testing.assert_array_equal(_read_all(path)[("SOL/USDT", "4h")], sol)


async def test_unknown_symbol_fails_before_any_download(tmp_path, server, connector):
    with pytest.raises(UnknownExchangeSymbolError, match="BTC/USDC") as failure:
        await collect_ohlcv(
            tmp_path / "x.data",
            exchange="binance",
            symbols=["BTC/USDT", "BTC/USDC"],
            time_frames=["4h"],
            start_ms=0,
            end_ms=10**12,
            connector=connector,
            progress=False,
        )
    assert isinstance(failure.value, OctobotTradingError)
    assert server.requests_to(KLINES) == []
    assert list(tmp_path.iterdir()) == []


async def test_existing_file_is_not_overwritten(tmp_path, server, connector):
    path = tmp_path / "taken.data"
    path.write_bytes(b"")
    with pytest.raises(DataFileExistsError, match="overwrite=True"):
        await collect_ohlcv(
            path,
            exchange="binance",
            symbols=["BTC/USDT"],
            time_frames=["4h"],
            start_ms=0,
            connector=connector,
            progress=False,
        )
    assert server.requests == []


async def test_resuming_with_other_parameters_is_refused(tmp_path, server, connector, real_candles):
    btc = real_candles[("BTC/USDT", "4h")]
    start, end = _span(btc)
    server.add_fault(KLINES, [503] * FAST_RETRIES.max_attempts)
    path = tmp_path / "a.data"
    common = dict(
        exchange="binance",
        time_frames=["4h"],
        start_ms=start,
        end_ms=end,
        connector=connector,
        progress=False,
    )
    with pytest.raises(CollectorError):
        await collect_ohlcv(path, symbols=["BTC/USDT"], **common)
    server.faults.clear()

    with pytest.raises(CollectorError, match="restart=True"):
        await collect_ohlcv(path, symbols=["ETH/USDT"], **common)
    result = await collect_ohlcv(path, symbols=["ETH/USDT"], restart=True, **common)
    assert not result.resumed
    assert set(_read_all(path)) == {("ETH/USDT", "4h")}


def test_request_validation():
    with pytest.raises(CollectorError, match="at least one symbol"):
        CollectionRequest("binance", (), ("1h",), 0, 10)
    with pytest.raises(CollectorError, match="must be after"):
        CollectionRequest("binance", ("BTC/USDT",), ("1h",), 10, 10)
    with pytest.raises(OctobotTradingError, match="did you mean '1h'"):
        CollectionRequest("binance", ("BTC/USDT",), ("60m",), 0, 10)
    request = CollectionRequest("binance", ("BTC/USDT", "BTC/USDT"), ("1d", "1h"), 0, 10)
    assert request.symbols == ("BTC/USDT",) and request.time_frames == ("1h", "1d")


async def test_candles_still_forming_are_not_stored_and_progress_is_shown(
    tmp_path, connector, real_candles, capsys
):
    btc = real_candles[("BTC/USDT", "4h")]
    # an hour into the last candle: it is still forming, so "until now" stops before it
    clock = SimulatedClock(int(btc[-1, 0]) + 3_600_000)

    result = await collect_ohlcv(
        tmp_path / "now.data",
        exchange="binance",
        symbols=["BTC/USDT"],
        time_frames=["4h"],
        start_ms=int(btc[0, 0]),
        connector=connector,
        clock=clock,
        progress=True,
    )

    np.testing.assert_array_equal(_read_all(result.path)[("BTC/USDT", "4h")], btc[:-1])
    progress = capsys.readouterr().err
    assert "499/499" in progress and "100%" in progress
