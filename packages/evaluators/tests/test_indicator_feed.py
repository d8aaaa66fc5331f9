"""The indicator feed of the shipped TA evaluators: whatever way candles arrive (one at a time, in bursts,
after a gap larger than the buffer, with a forming candle), its values are the vectorised indicators'."""

from __future__ import annotations

import math

import numpy as np
import pytest

import octobot_evaluators.indicators as ind
from octobot_evaluators.tentacles.ta._indicator_feed import CandleFeed, CloseFeed, CloseFeeds
from octobot_trading import CandleBuffer

from .indicator_data import load_candles

MINUTE_MS = 60_000


def _closes() -> np.ndarray:
    return load_candles("freqtrade/UNITTEST_BTC-1m.json").close[:400]


def _append(buffer: CandleBuffer, index: int, close: float) -> None:
    buffer.append(index * MINUTE_MS, close, close, close, close, 1.0)


def _same(actual: float, expected: float) -> bool:
    return (math.isnan(actual) and math.isnan(expected)) or actual == pytest.approx(expected, rel=1e-9)


def test_one_candle_at_a_time_gives_the_vectorised_values() -> None:
    closes = _closes()
    expected_rsi, expected_sma = ind.rsi(closes, 14), ind.sma(closes, 10)
    feed = CloseFeed(lambda: (ind.RSI(14), ind.SMA(10)))
    buffer = CandleBuffer("BTC/USDT", "1m", max_size=100)
    for index, close in enumerate(closes.tolist()):
        _append(buffer, index, close)
        values = feed.values(buffer, forming=False)
        assert type(values) is tuple and all(type(value) is float for value in values)
        assert _same(values[0], expected_rsi[index]) and _same(values[1], expected_sma[index]), index
        assert feed.values(buffer, forming=False) == values or math.isnan(values[0])  # no double update


def test_bursts_and_a_gap_larger_than_the_buffer_catch_up() -> None:
    closes = _closes()
    feed = CloseFeed(lambda: (ind.EMA(20),))
    buffer = CandleBuffer("BTC/USDT", "1m", max_size=60)
    for index, close in enumerate(closes[:150].tolist()):
        _append(buffer, index, close)
        if index % 7 == 0:  # several candles closed between two reads
            feed.sync(buffer)
    (burst,) = feed.values(buffer, forming=False)
    assert burst == pytest.approx(ind.ema(closes[:150], 20)[-1], rel=1e-12)
    for index in range(150, 400):  # 250 candles unseen: more than the buffer holds
        _append(buffer, index, float(closes[index]))
    (after_gap,) = feed.values(buffer, forming=False)
    # warmed up again from what the buffer holds
    assert after_gap == pytest.approx(ind.ema(closes[400 - 60 : 400], 20)[-1], rel=1e-12)


def test_the_forming_candle_is_peeked_not_kept() -> None:
    closes = _closes()
    feed = CloseFeed(lambda: (ind.RSI(14),))
    buffer = CandleBuffer("BTC/USDT", "1m", max_size=100)
    for index, close in enumerate(closes[:50].tolist()):
        _append(buffer, index, close)
        feed.values(buffer, forming=False)
    forming = float(closes[50]) * 1.01
    buffer.update(50 * MINUTE_MS, forming, forming, forming, forming, 1.0)
    (peeked,) = feed.values(buffer, forming=True)
    assert peeked == pytest.approx(ind.rsi(np.append(closes[:50], forming), 14)[-1], rel=1e-12)
    (closed,) = feed.values(buffer, forming=False)
    assert closed == pytest.approx(ind.rsi(closes[:50], 14)[-1], rel=1e-12)
    _append(buffer, 50, float(closes[50]))
    (next_value,) = feed.values(buffer, forming=False)
    assert next_value == pytest.approx(ind.rsi(closes[:51], 14)[-1], rel=1e-12)


def test_a_candle_feed_reads_the_fields_its_indicators_name() -> None:
    candles = load_candles("freqtrade/UNITTEST_BTC-1m.json")
    expected = ind.atr(candles.high[:200], candles.low[:200], candles.close[:200], 14)
    feed = CandleFeed(lambda: (ind.ATR(14),))
    buffer = CandleBuffer("BTC/USDT", "1m", max_size=100)
    for index in range(200):
        row = (candles.open[index], candles.high[index], candles.low[index], candles.close[index], 1.0)
        buffer.append(index * MINUTE_MS, *map(float, row))
        (value,) = feed.values(buffer, forming=False)
        assert _same(value, expected[index]), index


def test_one_feed_per_symbol_and_time_frame() -> None:
    feeds = CloseFeeds(lambda: (ind.SMA(3),))
    first = feeds.get("BTC/USDT", "1m")
    assert feeds.get("BTC/USDT", "1m") is first
    assert feeds.get("ETH/USDT", "1m") is not first and feeds.get("BTC/USDT", "1h") is not first
    feeds.clear()
    assert feeds.get("BTC/USDT", "1m") is not first


def test_a_feed_is_found_by_equal_names_not_only_the_same_objects() -> None:
    """`get` remembers the last feed by reference: an equal name built anew must still find it."""
    feeds = CloseFeeds(lambda: (ind.SMA(3),))
    btc = feeds.get("BTC/USDT", "1m")
    eth = feeds.get("ETH/USDT", "1m")
    assert feeds.get("".join(["BTC/", "USDT"]), "".join(["1", "m"])) is btc
    assert feeds.get("ETH/USDT", "1m") is eth and feeds.get("BTC/USDT", "1m") is btc
    feeds.clear()
    assert feeds.get("ETH/USDT", "1m") is not eth
