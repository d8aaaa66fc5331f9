"""Indicators TA-Lib lacks, against plain loop implementations written here from their definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import talib

import octobot_evaluators.indicators as ind

from .indicator_data import DATASETS, assert_series_match, load_candles

NAN = math.nan


@pytest.fixture(params=DATASETS)
def candles(request):
    return load_candles(request.param)


def loop_ema(values: list[float], period: int) -> list[float]:
    """EMA seeded by the SMA of its first `period` values; NaN inputs (warm-up) are skipped."""
    out, seen, total, prev = [], 0, 0.0, NAN
    alpha = 2.0 / (period + 1)
    for value in values:
        if math.isnan(value):
            out.append(NAN)
            continue
        seen += 1
        if seen < period:
            total += value
            out.append(NAN)
        elif seen == period:
            prev = (total + value) / period
            out.append(prev)
        else:
            prev = prev + alpha * (value - prev)
            out.append(prev)
    return out


def test_klinger_matches_a_loop(candles):
    high, low, close, volume = candles.high, candles.low, candles.close, candles.volume
    signed = [NAN]
    for i in range(1, len(close)):
        now = (high[i] + low[i] + close[i]) / 3
        before = (high[i - 1] + low[i - 1] + close[i - 1]) / 3
        signed.append(volume[i] if now >= before else -volume[i])
    fast, slow = loop_ema(signed, 34), loop_ema(signed, 55)
    kvo = [f - s if not (math.isnan(f) or math.isnan(s)) else NAN for f, s in zip(fast, slow, strict=True)]
    signal = loop_ema(kvo, 13)
    ours = ind.klinger(high, low, close, volume)
    assert_series_match(ours.kvo, np.array(kvo), "klinger.kvo")
    assert_series_match(ours.signal, np.array(signal), "klinger.signal")
    assert np.isnan(ours.kvo[54]) and not np.isnan(ours.kvo[55])


@pytest.mark.parametrize(("period", "multiplier"), [(10, 3.0), (7, 2.0), (22, 1.5)])
def test_supertrend_matches_a_loop_on_talib_atr(candles, period, multiplier):
    high, low, close = candles.high, candles.low, candles.close
    average = talib.ATR(high, low, close, period)
    lines, directions = [], []
    final_upper = final_lower = NAN
    trend = None
    for i in range(len(close)):
        if math.isnan(average[i]):
            lines.append(NAN)
            directions.append(NAN)
            continue
        middle = (high[i] + low[i]) / 2
        upper, lower = middle + multiplier * average[i], middle - multiplier * average[i]
        if trend is None:
            trend = -1
        else:
            if lower > final_lower or close[i - 1] < final_lower:
                pass
            else:
                lower = final_lower
            if upper < final_upper or close[i - 1] > final_upper:
                pass
            else:
                upper = final_upper
            if trend == -1:
                trend = 1 if close[i] > upper else -1
            else:
                trend = -1 if close[i] < lower else 1
        final_upper, final_lower = upper, lower
        lines.append(lower if trend == 1 else upper)
        directions.append(float(trend))
    ours = ind.supertrend(high, low, close, period, multiplier)
    assert_series_match(ours.supertrend, np.array(lines), "supertrend.line")
    assert_series_match(ours.direction, np.array(directions), "supertrend.direction")
    assert set(np.unique(ours.direction[period:])) == {1.0, -1.0}


@pytest.mark.parametrize("period", [1, 5, 20, 50])
def test_vwma_matches_a_loop(candles, period):
    close, volume = candles.close, candles.volume
    expected = []
    for i in range(len(close)):
        if i < period - 1:
            expected.append(NAN)
            continue
        window = range(i - period + 1, i + 1)
        traded = sum(volume[j] for j in window)
        if traded == 0:
            expected.append(sum(close[j] for j in window) / period)
        else:
            expected.append(sum(close[j] * volume[j] for j in window) / traded)
    assert_series_match(ind.vwma(close, volume, period), np.array(expected), "vwma")


def test_vwma_without_volume_is_the_plain_mean():
    close = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    volume = np.array([5.0, 1.0, 0.0, 0.0, 0.0, 2.0])
    expected = [7 / 6, 2.0, 4.0, 6.0]  # the third window traded nothing: mean of 3, 4, 5
    np.testing.assert_allclose(ind.vwma(close, volume, 3)[2:], expected)
    live = ind.VWMA(3)
    rows = zip(close, volume, strict=True)
    assert [live.update(c, v) for c, v in rows][2:] == pytest.approx(expected)


@pytest.mark.parametrize("period", [2, 3, 20, 21])
def test_dpo_matches_a_loop(candles, period):
    close = candles.close
    shift = period // 2 + 1
    expected = []
    for i in range(len(close)):
        if i < period - 1 or i < shift:
            expected.append(NAN)
        else:
            average = sum(close[i - period + 1 : i + 1]) / period
            expected.append(close[i - shift] - average)
    assert_series_match(ind.dpo(close, period), np.array(expected), "dpo")


def test_heikin_ashi_matches_a_loop(candles):
    o, h, low, c = candles.open, candles.high, candles.low, candles.close
    ha_open, ha_high, ha_low, ha_close = [], [], [], []
    for i in range(len(c)):
        close_i = (o[i] + h[i] + low[i] + c[i]) / 4
        open_i = (o[0] + c[0]) / 2 if i == 0 else (ha_open[-1] + ha_close[-1]) / 2
        ha_open.append(open_i)
        ha_close.append(close_i)
        ha_high.append(max(h[i], open_i, close_i))
        ha_low.append(min(low[i], open_i, close_i))
    ours = ind.heikin_ashi(o, h, low, c)
    for name, expected in zip(ours._fields, (ha_open, ha_high, ha_low, ha_close), strict=True):
        assert_series_match(getattr(ours, name), np.array(expected), f"heikin_ashi.{name}")
    assert np.all(ours.high >= np.maximum(ours.open, ours.close))
    assert np.all(ours.low <= np.minimum(ours.open, ours.close))
