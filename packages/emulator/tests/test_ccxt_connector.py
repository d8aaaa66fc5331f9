"""The public-market-data connector, with ccxt's real binance client talking to a loopback server."""

from __future__ import annotations

import json
import os
import sqlite3
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from octobot_exchange_emulator import BinanceLikeServer
from octobot_trading import OctobotTradingError, TimeFrame
from octobot_trading.ccxt_connector import (
    CcxtMarketData,
    ExchangeNetworkError,
    ExchangeRateLimitError,
    ExchangeRequestError,
    RetryPolicy,
    UnknownExchangeSymbolError,
    UnsupportedExchangeError,
    UnsupportedTimeFrameError,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
FOUR_SYMBOLS_FILE = SHARED_DATA / "octobot" / "ExchangeHistoryDataCollector_1711122002.311132.data"
KLINES = "/api/v3/klines"
FAST_RETRIES = RetryPolicy(max_attempts=3, base_delay_s=0.001, max_delay_s=0.01)


def _octobot_candles(symbol: str, time_frame: str) -> np.ndarray:
    """Candles of an OctoBot data file (JSON candle [open time s, o, h, l, c, v]) with ms open times."""
    connection = sqlite3.connect(f"{FOUR_SYMBOLS_FILE.as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT candle FROM ohlcv WHERE symbol = ? AND time_frame = ? ORDER BY timestamp",
            (symbol, time_frame),
        ).fetchall()
    finally:
        connection.close()
    candles = np.array([json.loads(row[0]) for row in rows], dtype=np.float64)
    candles[:, 0] *= 1000
    return candles


@pytest.fixture(scope="module")
def btc() -> np.ndarray:
    if not FOUR_SYMBOLS_FILE.is_file():
        pytest.skip(f"real market data not found at {SHARED_DATA} (set OCTOBOT_SHARED_DATA to shared/data)")
    return _octobot_candles("BTC/USDT", "4h")


@pytest.fixture
async def server(btc):
    async with BinanceLikeServer({("BTC/USDT", "4h"): btc, ("ETH/USDT", "1h"): btc[:10]}) as running:
        yield running


@pytest.fixture
async def market_data(server):
    async with CcxtMarketData("binance", config=server.ccxt_config(), retry_policy=FAST_RETRIES) as connector:
        yield connector


async def test_markets_and_rules_come_from_the_exchange(market_data):
    markets = await market_data.load_markets()

    assert set(markets) == {"BTC/USDT", "ETH/USDT"}
    assert market_data.ohlcv_limit == 1000  # ccxt's binance spot maximum
    assert TimeFrame.FOUR_HOURS in market_data.time_frames and TimeFrame.ONE_MONTH in market_data.time_frames
    rules = await market_data.market_rules("BTC/USDT")
    assert rules.price_precision == Decimal("0.01")  # PRICE_FILTER tickSize
    assert rules.amount_precision == Decimal("0.00001")  # LOT_SIZE stepSize
    assert rules.min_cost == Decimal("5")  # NOTIONAL minNotional


async def test_one_page_of_candles(market_data, btc, server):
    page = await market_data.fetch_ohlcv("BTC/USDT", "4h", int(btc[10, 0]), 25)

    np.testing.assert_array_equal(page, btc[10:35])
    request = server.requests_to(KLINES)[-1]
    assert request.query == {
        "symbol": "BTCUSDT",
        "interval": "4h",
        "limit": "25",
        "startTime": str(int(btc[10, 0])),
    }


async def test_pages_cover_a_range_without_gap_or_duplicate(market_data, btc, server):
    start, end = int(btc[7, 0]), int(btc[432, 0])  # end is exclusive

    pages = [page async for page in market_data.iter_ohlcv("BTC/USDT", "4h", start, end, limit=100)]

    assert [len(page) for page in pages] == [100, 100, 100, 100, 25]
    np.testing.assert_array_equal(np.concatenate(pages), btc[7:432])
    starts = [int(r.query["startTime"]) for r in server.requests_to(KLINES)]
    assert starts == [int(btc[i, 0]) for i in (7, 107, 207, 307, 407)]


async def test_a_5xx_then_a_429_are_retried(market_data, btc, server):
    server.add_fault(KLINES, [503, 429])

    page = await market_data.fetch_ohlcv("BTC/USDT", "4h", int(btc[0, 0]), 10)

    np.testing.assert_array_equal(page, btc[:10])
    assert [r.status for r in server.requests_to(KLINES)] == [503, 429, 200]
    assert market_data.retries == 2


async def test_retries_give_up_with_an_octobot_error(market_data, btc, server):
    server.add_fault(KLINES, [429] * FAST_RETRIES.max_attempts)

    with pytest.raises(ExchangeRateLimitError) as failure:
        await market_data.fetch_ohlcv("BTC/USDT", "4h", int(btc[0, 0]), 10)

    assert isinstance(failure.value, ExchangeNetworkError)  # the retryable branch
    assert isinstance(failure.value, OctobotTradingError)
    assert failure.value.exchange == "binance"
    assert type(failure.value.__cause__).__module__.startswith("ccxt")  # kept for debugging, never raised
    assert len(server.requests_to(KLINES)) == FAST_RETRIES.max_attempts


async def test_a_refused_request_is_not_retried(market_data, server):
    # the server has no 1d candles for BTC/USDT: Binance answers 400 "Invalid interval"
    with pytest.raises(ExchangeRequestError, match="Invalid interval"):
        await market_data.fetch_ohlcv("BTC/USDT", "1d", 0, 10)
    assert len(server.requests_to(KLINES)) == 1


async def test_bad_names_are_clear_errors(market_data, server):
    with pytest.raises(UnknownExchangeSymbolError, match="did you mean BTC/USDT"):
        await market_data.fetch_ohlcv("BTC/USDTT", "4h")
    with pytest.raises(UnsupportedExchangeError, match="did you mean binance"):
        CcxtMarketData("binanse")
    with pytest.raises(UnsupportedExchangeError, match="enableRateLimit"):
        CcxtMarketData("binance", config={"enableRateLimit": False})
    with pytest.raises(OctobotTradingError, match="unknown time frame"):
        await market_data.fetch_ohlcv("BTC/USDT", "4hours")
    assert server.requests_to(KLINES) == []


async def test_time_frames_the_exchange_lacks_are_refused(server):
    async with CcxtMarketData("kraken") as kraken:  # no request: kraken's time frames are static in ccxt
        with pytest.raises(UnsupportedTimeFrameError, match="kraken offers no 3m candles"):
            kraken.check_time_frame("3m")


def test_back_off_grows_and_waits_longer_after_a_rate_limit():
    policy = RetryPolicy(base_delay_s=1, multiplier=2, max_delay_s=10, rate_limit_factor=4)
    assert [policy.delay_s(n, rate_limited=False) for n in (1, 2, 3, 4, 5)] == [1, 2, 4, 8, 10]
    assert policy.delay_s(1, rate_limited=True) == 4
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
