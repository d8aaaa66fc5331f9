"""backtesting's live collector against the exchange emulator replaying real ETH/BTC candles, through
ccxt's real binance client (websockets, REST fallback): tickers, order books and trades recorded into a
data file, an outage of the exchange survived, an interrupted recording resumed. The emulator's clock is
driven step by step (``advance``), never waited for: each step is taken once the recording has committed
what the step before sent (a slow machine only makes the test slower, never changes what it records)."""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest

import octobot_backtesting as ob
from octobot_exchange_emulator import ExchangeEmulator

from .helpers import EMULATOR_HISTORY as HISTORY
from .helpers import needs_eth_btc

SYMBOL = "ETH/BTC"
FIVE_MINUTES = 300_000
STREAMS = ("ethbtc@ticker", "ethbtc@trade", "ethbtc@depth@100ms", "ethbtc@kline_5m")

KINDS = ("ohlcv", "ticker", "trades", "order_book")

pytestmark = needs_eth_btc


@pytest.fixture
async def emulator(candles):
    async with ExchangeEmulator({SYMBOL: candles}, history=HISTORY) as emu:
        yield emu


def _public_config(emulator: ExchangeEmulator) -> dict:
    config = emulator.ccxt_config()  # holds the emulator's key: the collector must leave it out
    # binance's full ticker stream (bid and ask), not ccxt's default mini ticker
    config.setdefault("options", {})["watchTickers"] = {"name": "ticker"}
    return config


#: how long a test waits for the recording to react (generous: CI runs on 2 loaded cores)
PATIENCE_S = 120


async def _subscribed(emulator: ExchangeEmulator) -> None:
    """Returns once a client listens to every stream now (a reconnection included)."""
    for _ in range(PATIENCE_S * 50):
        if all(emulator.streams.subscribers(stream) for stream in STREAMS):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"nobody listens to {STREAMS} after {PATIENCE_S} s")


async def _recorded(path, task: asyncio.Task, **stamps: int) -> None:
    """Returns once the recording into ``path`` has committed a row of each table stamped as given
    (``tickers=ms``...): ccxt hands a slow reader only the latest ticker or book, so a step taken before
    the last one was stored would lose it."""
    for _ in range(PATIENCE_S * 5):
        missing = {table: ms for table, ms in stamps.items() if ms not in ob.staged_timestamps(path, table)}
        if not missing:
            return
        if task.done():
            task.result()  # the recording failed: its error is the test's
            raise AssertionError(f"the recording ended before it stored {missing}")
        # a read blocks this loop, which also runs the emulator and the recording: not too often
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {missing} stored after {PATIENCE_S} s")


async def _step(emulator: ExchangeEmulator, path, task: asyncio.Task, books: bool = True) -> None:
    """Closes the next candle and waits until its ticker (stamped 1 ms before the close), the closed
    candle and, with ``books``, its order book (stamped at the step's instant) are stored."""
    await emulator.advance()
    now = emulator.now_ms
    stamps = {"tickers": now - 1, "ohlcv": now - FIVE_MINUTES}
    await _recorded(path, task, **stamps, **({"order_books": now} if books else {}))


async def _last_step(emulator: ExchangeEmulator, task: asyncio.Task) -> ob.LiveCollectionResult:
    """The step that reaches the end: the recording stops on its own and writes the data file."""
    await emulator.advance()
    return await asyncio.wait_for(task, PATIENCE_S)


def _collector(emulator: ExchangeEmulator, path, end_ms: int, **options) -> ob.LiveCollector:
    request = ob.LiveCollectionRequest("binance", (SYMBOL,), end_ms, book_depth=5, time_frames=("5m",))
    return ob.LiveCollector(
        request,
        path,
        exchange_config=_public_config(emulator),
        now_ms=lambda: emulator.now_ms,
        # no silence watchdog: the test's clock only moves when it advances the emulator
        feed_options={"poll_interval_s": 0.2, "expected_interval_s": dict.fromkeys(KINDS, 0.0)},
        **options,
    )


async def test_tickers_books_trades_and_candles_are_recorded_into_a_data_file(emulator, candles, tmp_path):
    start = emulator.now_ms
    # the 6th step's ticker is stamped on the end itself: excluded, like everything after it
    end = start + 6 * FIVE_MINUTES - 1
    path = tmp_path / "live.sqlite"
    task = asyncio.create_task(_collector(emulator, path, end).run())
    await _subscribed(emulator)
    for _ in range(5):
        await _step(emulator, path, task)
    result = await _last_step(emulator, task)

    assert not result.resumed and path.is_file() and not result.request.to_dict().get("apiKey")
    with ob.DataFileReader(path) as reader:
        assert reader.description.exchange == "binance" and reader.description.symbols == (SYMBOL,)
        tickers = reader.read_market_data(ob.TICKERS)
        books = reader.read_market_data(ob.ORDER_BOOKS)
        trades = reader.read_market_data(ob.TRADES)
        recorded = reader.read_ohlcv(SYMBOL, "5m")
    # a ticker per step (stamped 1 ms before its candle's close: the 6th falls on the end, excluded); a
    # book per step stamped at the step's instant (the 6th after the end), and the snapshot ccxt may take
    # at the start
    assert len(tickers) == 5 and 5 <= len(books) <= 6
    assert [row[1] for row in tickers] == [start + step * FIVE_MINUTES - 1 for step in range(1, 6)]
    closes = candles[HISTORY : HISTORY + 5, 4]
    assert [row[4] for row in tickers] == pytest.approx(closes.tolist())  # the last price of each step
    assert all(start <= row[1] < end for row in tickers + books + trades)
    for _, _, bids, asks in books:
        bids, asks = json.loads(bids), json.loads(asks)
        assert 0 < len(bids) <= 5 and 0 < len(asks) <= 5  # the top 5 levels only
        assert bids[0][0] < asks[0][0] and bids == sorted(bids, reverse=True)
    trade_ids = [row[2] for row in trades]
    assert trades and len(trade_ids) == len(set(trade_ids))  # the stream's repeats stored once
    # the candles closed in the window (the 6th closes on the end: kept if it came before the step's
    # ticker stopped the recording), exactly the emulator's data
    expected = candles[HISTORY : HISTORY + len(recorded)]
    assert np.array_equal(recorded[:, 0], expected[:, 0]), np.abs(recorded - expected).max(axis=0)
    assert np.allclose(recorded[:, 1:], expected[:, 1:], rtol=1e-9, atol=0)
    assert 5 <= len(recorded) <= 6
    assert result.rows == {
        "ohlcv": len(recorded),
        "tickers": 5,
        "order_books": len(books),
        "trades": len(trades),
    }
    assert not result.path.with_name(result.path.name + ob.STAGING_SUFFIX).exists()


async def test_an_exchange_outage_is_survived_and_an_interrupted_recording_resumes(
    emulator, candles, tmp_path
):
    start = emulator.now_ms
    end = start + 8 * FIVE_MINUTES
    path = tmp_path / "resumed.sqlite"
    # the steps wait on tickers and candles only: a reconnected book starts again from a REST snapshot
    task = asyncio.create_task(_collector(emulator, path, end).run())
    await _subscribed(emulator)
    for _ in range(2):
        await _step(emulator, path, task, books=False)

    # the exchange goes away and comes back on the same port: streams reconnect (REST meanwhile)
    port = emulator.port
    await emulator.stop()
    await asyncio.sleep(0.3)
    emulator.port = port
    await emulator.start()
    await _subscribed(emulator)
    for _ in range(2):
        await _step(emulator, path, task, books=False)

    task.cancel()  # Ctrl-C: what was recorded stays in the staging file
    with pytest.raises(asyncio.CancelledError):
        await task
    staging = path.with_name(path.name + ob.STAGING_SUFFIX)
    assert staging.is_file() and not path.exists()

    again = asyncio.create_task(_collector(emulator, path, end).run())
    await _subscribed(emulator)
    for _ in range(3):
        await _step(emulator, path, again, books=False)
    result = await _last_step(emulator, again)
    assert result.resumed and not staging.exists()
    with ob.DataFileReader(path) as reader:
        ticker_rows = reader.read_market_data(ob.TICKERS)
        recorded = reader.read_ohlcv(SYMBOL, "5m")
    # each ticker recorded is the step it was stamped at (close of that candle), once; both runs recorded
    close_at = {int(row[0]) + FIVE_MINUTES - 1: row[4] for row in candles[HISTORY : HISTORY + 8]}
    assert all(row[4] == pytest.approx(close_at[row[1]]) for row in ticker_rows)
    stamps = [row[1] for row in ticker_rows]
    assert len(stamps) == len(set(stamps)) and stamps == sorted(stamps)
    assert stamps[0] == start + FIVE_MINUTES - 1  # the first run's first step
    assert start + 7 * FIVE_MINUTES - 1 in stamps  # the second run's steps
    assert len(recorded) >= 7  # the candle poller caught up on what the outage and the interruption missed
    expected = candles[HISTORY : HISTORY + len(recorded)]
    assert np.array_equal(recorded[:, 0], expected[:, 0])
    assert np.allclose(recorded[:, 1:], expected[:, 1:], rtol=1e-9, atol=0)


async def test_a_bad_request_is_refused_before_recording(tmp_path):
    with pytest.raises(ob.CollectorError, match="tables must be among tickers, order_books, trades"):
        ob.LiveCollectionRequest("binance", (SYMBOL,), 1_600_000_000_000, tables=("books",))
    with pytest.raises(ob.CollectorError, match="book_depth"):
        ob.LiveCollectionRequest("binance", (SYMBOL,), 1_600_000_000_000, book_depth=0)
    existing = tmp_path / "there.sqlite"
    existing.write_bytes(b"")
    request = ob.LiveCollectionRequest("binance", (SYMBOL,), 1_600_000_000_000)
    with pytest.raises(ob.DataFileExistsError):
        await ob.LiveCollector(request, existing).run()
