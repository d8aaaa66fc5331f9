"""backtesting's live collector against the exchange emulator replaying real ETH/BTC candles, through
ccxt's real binance client (websockets, REST fallback): tickers, order books and trades recorded into a
data file, an outage of the exchange survived, an interrupted recording resumed. The emulator's clock is
driven step by step (``advance``), never waited for."""

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


async def _subscribed(emulator: ExchangeEmulator) -> None:
    """Returns once a client listens to every stream now (a reconnection included)."""

    for _ in range(1000):  # at most 20 s
        if all(emulator.streams.subscribers(stream) for stream in STREAMS):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"nobody listens to {STREAMS} after 20 s")


async def _advance_until_done(emulator: ExchangeEmulator, task: asyncio.Task, steps: int) -> None:
    for _ in range(steps):
        if task.done():
            return
        await emulator.advance()
        await asyncio.sleep(0.05)  # the streams deliver the step's events
    await asyncio.wait_for(task, 20)


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
    end = start + 6 * FIVE_MINUTES
    path = tmp_path / "live.sqlite"
    task = asyncio.create_task(_collector(emulator, path, end).run())
    await _subscribed(emulator)
    await _advance_until_done(emulator, task, 10)
    result = task.result()

    assert not result.resumed and path.is_file() and not result.request.to_dict().get("apiKey")
    with ob.DataFileReader(path) as reader:
        assert reader.description.exchange == "binance" and reader.description.symbols == (SYMBOL,)
        tickers = reader.read_market_data(ob.TICKERS)
        books = reader.read_market_data(ob.ORDER_BOOKS)
        trades = reader.read_market_data(ob.TRADES)
        recorded = reader.read_ohlcv(SYMBOL, "5m")
    # a ticker per step (stamped 1 ms before its candle's close); a book per step stamped at the step's
    # instant (the 6th falls on the end, excluded), and the snapshot ccxt may take at the start
    assert len(tickers) == 6 and 5 <= len(books) <= 6
    closes = candles[HISTORY : HISTORY + 6, 4]
    assert [row[4] for row in tickers] == pytest.approx(closes.tolist())  # the last price of each step
    assert all(start <= row[1] < end for row in tickers + books + trades)
    for _, _, bids, asks in books:
        bids, asks = json.loads(bids), json.loads(asks)
        assert 0 < len(bids) <= 5 and 0 < len(asks) <= 5  # the top 5 levels only
        assert bids[0][0] < asks[0][0] and bids == sorted(bids, reverse=True)
    trade_ids = [row[2] for row in trades]
    assert trades and len(trade_ids) == len(set(trade_ids))  # the stream's repeats stored once
    # the candles closed in the window, exactly the emulator's data
    expected = candles[HISTORY : HISTORY + len(recorded)]
    assert np.array_equal(recorded[:, 0], expected[:, 0]), np.abs(recorded - expected).max(axis=0)
    assert np.allclose(recorded[:, 1:], expected[:, 1:], rtol=1e-9, atol=0)
    assert 5 <= len(recorded) <= 6
    assert result.rows == {
        "ohlcv": len(recorded),
        "tickers": 6,
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
    task = asyncio.create_task(_collector(emulator, path, end).run())
    await _subscribed(emulator)
    for _ in range(2):
        await emulator.advance()
        await asyncio.sleep(0.05)

    # the exchange goes away and comes back on the same port: streams reconnect (REST meanwhile)
    port = emulator.port
    await emulator.stop()
    await asyncio.sleep(0.3)
    emulator.port = port
    await emulator.start()
    await _subscribed(emulator)
    for _ in range(2):
        await emulator.advance()
        await asyncio.sleep(0.1)

    task.cancel()  # Ctrl-C: what was recorded stays in the staging file
    with pytest.raises(asyncio.CancelledError):
        await task
    staging = path.with_name(path.name + ob.STAGING_SUFFIX)
    assert staging.is_file() and not path.exists()

    again = asyncio.create_task(_collector(emulator, path, end).run())
    await _subscribed(emulator)
    await _advance_until_done(emulator, again, 10)
    result = again.result()
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
    assert stamps[-1] > start + 4 * FIVE_MINUTES  # the second run's steps
    assert len(recorded) >= 6  # the candle poller caught up on what the outage and the interruption missed
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
