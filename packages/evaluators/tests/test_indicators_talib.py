"""The vectorised indicators against TA-Lib (a test-only dependency) on real market data."""

from __future__ import annotations

import numpy as np
import pytest
import talib

import octobot_evaluators.indicators as ind

from .indicator_data import DATASETS, assert_series_match, load_candles


@pytest.fixture(params=DATASETS)
def candles(request):
    return load_candles(request.param)


@pytest.mark.parametrize("period", [2, 9, 30])
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (ind.sma, talib.SMA),
        (ind.ema, talib.EMA),
        (ind.wma, talib.WMA),
        (ind.dema, talib.DEMA),
        (ind.tema, talib.TEMA),
        (ind.kama, talib.KAMA),
        (ind.linear_regression, talib.LINEARREG),
    ],
    ids=["sma", "ema", "wma", "dema", "tema", "kama", "linear_regression"],
)
def test_single_series_indicators_match_talib(candles, ours, theirs, period):
    assert_series_match(ours(candles.close, period), theirs(candles.close, timeperiod=period), ours.__name__)


@pytest.mark.parametrize("ma_type", list(ind.MAType))
def test_moving_average_dispatches_like_talib_ma(candles, ma_type):
    assert_series_match(
        ind.moving_average(candles.close, 12, ma_type),
        talib.MA(candles.close, 12, int(ma_type)),
        ma_type.name,
    )


@pytest.mark.parametrize("period", [5, 14, 30])
def test_rsi_matches_talib(candles, period):
    close = candles.close
    ours, theirs = ind.rsi(close, period), talib.RSI(close, period)
    # The one documented difference: no move at all since the start is 50 here, 0 in TA-Lib.
    never_moved = np.concatenate([[True], np.cumsum(np.abs(np.diff(close))) == 0])
    flat = never_moved & ~np.isnan(theirs)
    assert np.all(ours[flat] == ind.FLAT_RSI) and np.all(theirs[flat] == 0.0)
    assert_series_match(ours[~flat], theirs[~flat], "rsi")


@pytest.mark.parametrize(("fast", "slow", "signal"), [(12, 26, 9), (5, 35, 5), (3, 4, 2)])
def test_macd_matches_talib(candles, fast, slow, signal):
    ours = ind.macd(candles.close, fast, slow, signal)
    theirs = talib.MACD(candles.close, fast, slow, signal)
    for name, mine, reference in zip(ours._fields, ours, theirs, strict=True):
        assert_series_match(mine, reference, f"macd.{name}")


@pytest.mark.parametrize(("period", "up", "down"), [(20, 2.0, 2.0), (5, 1.5, 2.5), (50, 3.0, 1.0)])
def test_bollinger_bands_match_talib(candles, period, up, down):
    ours = ind.bollinger_bands(candles.close, period, up, down)
    theirs = talib.BBANDS(candles.close, period, up, down, 0)
    for name, mine, reference in zip(ours._fields, ours, theirs, strict=True):
        assert_series_match(mine, reference, f"bollinger.{name}")


@pytest.mark.parametrize("period", [1, 7, 14, 28])
def test_atr_and_true_range_match_talib(candles, period):
    high, low, close = candles.high, candles.low, candles.close
    assert_series_match(ind.atr(high, low, close, period), talib.ATR(high, low, close, period), "atr")
    assert_series_match(ind.true_range(high, low, close), talib.TRANGE(high, low, close), "true_range")


@pytest.mark.parametrize("period", [2, 14, 30])
def test_adx_matches_talib(candles, period):
    high, low, close = candles.high, candles.low, candles.close
    assert_series_match(ind.adx(high, low, close, period), talib.ADX(high, low, close, period), "adx")


@pytest.mark.parametrize(
    "parameters", [(5, 3, 0, 3, 0), (14, 3, 1, 3, 1), (9, 5, 2, 4, 0), (14, 1, 0, 1, 0), (10, 4, 6, 3, 3)]
)
def test_stochastic_matches_talib(candles, parameters):
    fastk, slowk, slowk_ma, slowd, slowd_ma = parameters
    ours = ind.stochastic(candles.high, candles.low, candles.close, fastk, slowk, slowk_ma, slowd, slowd_ma)
    theirs = talib.STOCH(candles.high, candles.low, candles.close, fastk, slowk, slowk_ma, slowd, slowd_ma)
    for name, mine, reference in zip(ours._fields, ours, theirs, strict=True):
        assert_series_match(mine, reference, f"stochastic.{name}")


@pytest.mark.parametrize("parameters", [(14, 5, 3, 0), (14, 14, 3, 0), (7, 3, 3, 1)])
def test_stochastic_rsi_matches_talib(candles, parameters):
    period, fastk, fastd, fastd_ma = parameters
    ours = ind.stochastic_rsi(candles.close, period, fastk, fastd, fastd_ma)
    theirs = talib.STOCHRSI(candles.close, period, fastk, fastd, fastd_ma)
    for name, mine, reference in zip(ours._fields, ours, theirs, strict=True):
        assert_series_match(mine, reference, f"stochastic_rsi.{name}")


def test_price_transforms_match_talib(candles):
    o, h, low, c = candles.open, candles.high, candles.low, candles.close
    assert_series_match(ind.hl2(h, low), talib.MEDPRICE(h, low), "hl2")
    assert_series_match(ind.hlc3(h, low, c), talib.TYPPRICE(h, low, c), "hlc3")
    assert_series_match(ind.ohlc4(o, h, low, c), talib.AVGPRICE(o, h, low, c), "ohlc4")


@pytest.mark.parametrize("scale", [1e-9, 1e6])
def test_tiny_and_huge_prices_match_talib(candles, scale):
    """Zero tests are relative, as TA-Lib's: a coin quoted at 1e-9 is not 'flat'."""
    high, low, close = candles.high * scale, candles.low * scale, candles.close * scale
    assert_series_match(ind.adx(high, low, close), talib.ADX(high, low, close), "adx")
    assert_series_match(ind.kama(close), talib.KAMA(close), "kama")
    for mine, reference in zip(ind.stochastic(high, low, close), talib.STOCH(high, low, close), strict=True):
        assert_series_match(mine, reference, "stochastic")
    for mine, reference in zip(ind.bollinger_bands(close), talib.BBANDS(close), strict=True):
        assert_series_match(mine, reference, "bollinger")
