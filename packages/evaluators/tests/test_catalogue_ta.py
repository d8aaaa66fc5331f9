"""The catalogue's TA evaluators on real candles, each checked against an independent computation
(TA-Lib or plain numpy), plus the edge cases every one of them must handle the same way."""

from __future__ import annotations

import math

import numpy as np
import pytest
import talib

import octobot_channel as oc
import octobot_evaluators as oe
from octobot_evaluators.tentacles.ta.adx import ADXMomentumEvaluator
from octobot_evaluators.tentacles.ta.bollinger import BBMomentumEvaluator, band_position_to_evaluation
from octobot_evaluators.tentacles.ta.cross import DeathAndGoldenCrossEvaluator
from octobot_evaluators.tentacles.ta.ema_divergence import EMADivergenceTrendEvaluator
from octobot_evaluators.tentacles.ta.ema_momentum import EMAMomentumEvaluator
from octobot_evaluators.tentacles.ta.klinger import (
    KlingerOscillatorMomentumEvaluator,
    KlingerOscillatorReversalConfirmationMomentumEvaluator,
)
from octobot_evaluators.tentacles.ta.macd import MACDMomentumEvaluator
from octobot_evaluators.tentacles.ta.rsi_weight import RSIWeightMomentumEvaluator
from octobot_evaluators.tentacles.ta.stochastic_rsi import StochasticRSIVolatilityEvaluator
from octobot_evaluators.tentacles.ta.supertrend import SuperTrendEvaluator
from octobot_trading import InvalidCandleError

from .catalogue_helpers import SYMBOL, as_array, flat_rows, replay
from .helpers import Buffers, load_csv

CATALOGUE = (
    MACDMomentumEvaluator,
    BBMomentumEvaluator,
    EMAMomentumEvaluator,
    ADXMomentumEvaluator,
    StochasticRSIVolatilityEvaluator,
    DeathAndGoldenCrossEvaluator,
    SuperTrendEvaluator,
    RSIWeightMomentumEvaluator,
    KlingerOscillatorMomentumEvaluator,
    KlingerOscillatorReversalConfirmationMomentumEvaluator,
    EMADivergenceTrendEvaluator,
)


@pytest.fixture(scope="module")
def rows() -> np.ndarray:
    return load_csv("ETH_BTC-5m.csv")[:1500]


@pytest.fixture
async def matrix():
    matrix = oe.EvaluationMatrix()
    await matrix.start(oc.Synchronizer())
    yield matrix
    await matrix.stop()


def make(cls, matrix, buffers: Buffers, config: dict | None = None):
    return cls(oe.EvaluatorContext(matrix, "binance", candles=buffers), [SYMBOL], ["5m"], config)


async def evaluations(cls, matrix, rows: np.ndarray, config: dict | None = None) -> np.ndarray:
    buffers = Buffers()
    return as_array(await replay(make(cls, matrix, buffers, config), buffers, rows))


# ------------------------------------------------------------------ every tentacle
@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.__name__)
def test_declares_a_documented_schema_that_validates_its_defaults(cls) -> None:
    assert cls.EVALUATOR_TYPE is oe.EvaluatorType.TA and not cls.ABSTRACT
    assert cls.validate_config(dict(cls.DEFAULT_CONFIG)) == cls.DEFAULT_CONFIG
    properties = cls.CONFIG_SCHEMA["properties"]
    assert set(properties) == set(cls.DEFAULT_CONFIG) == set(cls.CONFIG_SCHEMA["required"])
    for key, rule in properties.items():
        assert rule.get("title"), f"{cls.__name__}.{key} is not documented"
    assert cls.__doc__ and cls.TENTACLE_VERSION


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.__name__)
async def test_a_bad_config_value_is_refused_naming_the_key(cls, matrix) -> None:
    properties = cls.CONFIG_SCHEMA["properties"]
    key = next(k for k, rule in properties.items() if rule.get("type") == "integer")
    with pytest.raises(oe.EvaluatorConfigError, match=rf"at '{key}'.*{cls.__name__}\.CONFIG_SCHEMA"):
        make(cls, matrix, Buffers(), {key: -5})
    with pytest.raises(oe.EvaluatorConfigError, match="unknown_key"):
        make(cls, matrix, Buffers(), {"unknown_key": 1})


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.__name__)
async def test_warm_up_gives_no_opinion_then_evaluations_in_range(cls, matrix, rows) -> None:
    # the cross has no opinion between crosses by default: its side says when it is warm
    config = {"cross_only": False} if cls is DeathAndGoldenCrossEvaluator else None
    values = await evaluations(cls, matrix, rows, config)
    assert math.isnan(values[0])  # no opinion on the first candle
    found = values[~np.isnan(values)]
    assert len(found) > 5 and np.all(np.abs(found) <= 1.0)
    evaluator = make(cls, matrix, Buffers(), config)
    assert evaluator.required_history >= int(np.argmax(~np.isnan(values)))  # loads enough to have an opinion


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.__name__)
async def test_a_nan_candle_is_refused_clearly_and_changes_nothing(cls, matrix, rows) -> None:
    buffers = Buffers()
    evaluator = make(cls, matrix, buffers)
    values = await replay(evaluator, buffers, rows[:400])
    bad = rows[400].copy()
    bad[4] = np.nan
    with pytest.raises(InvalidCandleError, match="NaN"):
        buffers(SYMBOL, "5m").append(*bad)
    values += await replay(evaluator, buffers, rows[400:600])
    np.testing.assert_array_equal(as_array(values), await evaluations(cls, matrix, rows[:600]))


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.__name__)
async def test_flat_prices_give_finite_neutral_or_no_opinion(cls, matrix) -> None:
    values = await evaluations(cls, matrix, flat_rows(700))
    found = values[~np.isnan(values)]
    assert np.all(np.isfinite(found)) and np.all(np.abs(found) <= 1.0)
    if cls in (
        MACDMomentumEvaluator,
        BBMomentumEvaluator,
        EMAMomentumEvaluator,
        StochasticRSIVolatilityEvaluator,
    ):
        assert len(found) > 500 and np.all(found == 0.0)  # nothing moved: neutral


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.__name__)
async def test_a_refresh_on_the_forming_candle_is_what_its_close_gives(cls, matrix, rows) -> None:
    buffers = Buffers()
    evaluator = make(cls, matrix, buffers)
    key = evaluator.matrix_key(SYMBOL, "5m")
    await replay(evaluator, buffers, rows[:500])
    buffer = buffers(SYMBOL, "5m")
    for row in rows[500:560]:
        buffer.update(*row)  # the candle still forming
        await evaluator.on_refresh(SYMBOL, "5m", buffer, int(row[0]) + 60_000)
        refreshed = matrix.get_value(key)
        buffer.append(*row)
        await evaluator.on_closed_candle(SYMBOL, "5m", buffer)
        assert matrix.get_value(key) == refreshed
    reference = await evaluations(cls, matrix, rows[:560])
    assert as_array([matrix.get_value(key)])[0] == pytest.approx(reference[-1], nan_ok=True)


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.__name__)
async def test_a_history_load_then_candles_equal_candle_by_candle(cls, matrix, rows) -> None:
    """Warming up from a loaded buffer (the bot's start) and updating gives the per-candle values."""
    buffers = Buffers()
    evaluator = make(cls, matrix, buffers)
    buffers(SYMBOL, "5m").load(rows[:700])
    values = as_array(await replay(evaluator, buffers, rows[700:900]))
    np.testing.assert_allclose(values, (await evaluations(cls, matrix, rows[:900]))[700:], atol=1e-9)


# ------------------------------------------------------------------ behaviour, one by one
def _zero_crosses(series: np.ndarray) -> np.ndarray:
    signs = np.sign(series)
    return np.flatnonzero((signs[1:] * signs[:-1]) < 0) + 1


async def test_macd_sign_flips_at_the_histogram_zero_crosses(matrix, rows) -> None:
    values = await evaluations(MACDMomentumEvaluator, matrix, rows)
    histogram = talib.MACD(rows[:, 4], 12, 26, 9)[2]
    valid = ~np.isnan(histogram)
    np.testing.assert_array_equal(np.isnan(values), ~valid)
    assert np.all(np.sign(values[valid]) == -np.sign(histogram[valid]))  # negative histogram: buy
    crosses = _zero_crosses(np.where(valid, histogram, 0.0))
    assert len(crosses) > 30
    assert np.all(np.sign(values[crosses]) != np.sign(values[crosses - 1]))
    # the size: |histogram| over the extreme of its wave so far, x 0.75 (single) or 1 (double wave)
    expected_ratio = np.empty(len(values))
    extreme, sign = 0.0, 0.0
    for index, value in enumerate(histogram):
        if np.isnan(value):
            expected_ratio[index] = np.nan
            continue
        if np.sign(value) != sign:
            sign, extreme = np.sign(value), abs(value)
        extreme = max(extreme, abs(value))
        expected_ratio[index] = abs(value) / extreme
    strength = np.abs(values[valid]) / expected_ratio[valid]
    assert np.all(np.isclose(strength, 0.75) | np.isclose(strength, 1.0))
    assert np.isclose(strength, 1.0).sum() > 50  # double waves exist on real data
    trend = await evaluations(MACDMomentumEvaluator, matrix, rows, {"trend_following": True})
    np.testing.assert_allclose(trend[valid], -values[valid])


async def test_bollinger_position_matches_an_independent_band_computation(matrix, rows) -> None:
    values = await evaluations(BBMomentumEvaluator, matrix, rows)
    closes = rows[:, 4]
    windows = np.lib.stride_tricks.sliding_window_view(closes, 20)
    middle = windows.mean(axis=1)
    deviation = windows.std(axis=1)
    upper, lower = middle + 2 * deviation, middle - 2 * deviation
    expected = [
        band_position_to_evaluation(c, u, m, lo)
        for c, u, m, lo in zip(closes[19:], upper, middle, lower, strict=True)
    ]
    np.testing.assert_allclose(values[19:], expected, atol=1e-6)
    assert np.all(values[19:][closes[19:] > upper + 1e-12] == -1.0)
    assert np.all(values[19:][closes[19:] < lower - 1e-12] == 1.0)
    assert (closes[19:] > upper).sum() > 10 and (closes[19:] < lower).sum() > 10


async def test_ema_momentum_is_the_close_beyond_the_threshold_around_its_ema(matrix, rows) -> None:
    config = {"period": 21, "price_threshold_percent": 0.5, "reverse_signal": False}
    values = await evaluations(EMAMomentumEvaluator, matrix, rows, config)
    ema = talib.EMA(rows[:, 4], 21)
    gap = rows[:, 4] / ema - 1.0
    valid = ~np.isnan(ema)
    expected = np.where(gap >= 0.005, -1.0, np.where(gap <= -0.005, 1.0, 0.0))
    near = np.abs(np.abs(gap) - 0.005) < 1e-9  # a rounding away from the threshold: either side is right
    assert np.all((values[valid] == expected[valid]) | near[valid])
    assert (expected[valid] == 1).sum() > 10 and (expected[valid] == -1).sum() > 10
    reverse = await evaluations(EMAMomentumEvaluator, matrix, rows, {**config, "reverse_signal": True})
    np.testing.assert_array_equal(reverse[valid], -values[valid])


async def test_adx_is_signed_against_the_ema_trend_and_follows_the_adx_zones(matrix, rows) -> None:
    values = await evaluations(ADXMomentumEvaluator, matrix, rows)
    high, low, close = rows[:, 2], rows[:, 3], rows[:, 4]
    adx = talib.ADX(high, low, close, 14)
    fast, slow = talib.EMA(close, 2), talib.EMA(close, 20)
    valid = ~np.isnan(values)
    assert np.array_equal(valid, ~np.isnan(adx) & ~np.isnan(slow))
    rising = fast[valid] >= slow[valid]
    assert np.all(values[valid][rising] <= 0) and np.all(values[valid][~rising] >= 0)
    weak = valid & (adx <= 25.0)
    assert weak.sum() > 50
    np.testing.assert_allclose(np.abs(values[weak]), np.minimum(1.0, (25.0 - adx[weak]) / 17.5), atol=1e-6)
    strong = valid & (adx > 25.0)
    assert strong.sum() > 50
    for index in np.flatnonzero(strong):
        peak = np.nanmax(adx[max(0, index - 14) : index + 1])
        if adx[index] < peak - 1e-9:
            assert abs(values[index]) == pytest.approx((adx[index] - 25.0) / (peak - 25.0), abs=1e-6)
        else:
            assert abs(values[index]) == pytest.approx(min(1.0, adx[index] / 45.0) * 0.75, abs=1e-6)


async def test_stochastic_rsi_levels_match_ta_lib(matrix, rows) -> None:
    values = await evaluations(
        StochasticRSIVolatilityEvaluator, matrix, rows, {"period": 14, "low_level": 5, "high_level": 95}
    )
    fast_k, _ = talib.STOCHRSI(rows[:, 4], 14, 14, 1)
    valid = ~np.isnan(fast_k)
    np.testing.assert_array_equal(~np.isnan(values), valid)
    k = fast_k[valid]
    expected = np.where(k >= 95, -1.0, np.where(k <= 5, 1.0, 0.5 - k / 100.0))
    np.testing.assert_allclose(values[valid], expected, atol=1e-6)
    assert (expected == 1).sum() > 10 and (expected == -1).sum() > 10


async def test_golden_and_death_crosses_are_the_sign_changes_of_the_average_gap(matrix, rows) -> None:
    config = {
        "fast_period": 20,
        "slow_period": 50,
        "fast_ma_type": "EMA",
        "slow_ma_type": "SMA",
        "cross_only": True,
    }
    values = await evaluations(DeathAndGoldenCrossEvaluator, matrix, rows, config)
    gap = talib.EMA(rows[:, 4], 20) - talib.SMA(rows[:, 4], 50)
    crosses = _zero_crosses(np.nan_to_num(gap))
    crosses = crosses[crosses > 50]
    assert len(crosses) > 5
    np.testing.assert_array_equal(np.flatnonzero(~np.isnan(values)), crosses)
    np.testing.assert_array_equal(values[crosses], np.sign(gap[crosses]))  # golden +1, death -1
    sides = await evaluations(DeathAndGoldenCrossEvaluator, matrix, rows, {**config, "cross_only": False})
    valid = ~np.isnan(gap)
    np.testing.assert_array_equal(sides[valid], np.sign(gap[valid]))
    defaults = await evaluations(DeathAndGoldenCrossEvaluator, matrix, rows)  # 50/200 SMA
    sma_gap = talib.SMA(rows[:, 4], 50) - talib.SMA(rows[:, 4], 200)
    default_crosses = _zero_crosses(np.nan_to_num(sma_gap))
    default_crosses = default_crosses[default_crosses > 200]
    np.testing.assert_array_equal(np.flatnonzero(~np.isnan(defaults)), default_crosses)


async def test_supertrend_direction_and_reversals(matrix, rows) -> None:
    values = await evaluations(SuperTrendEvaluator, matrix, rows)
    direction = oe.indicators.supertrend(rows[:, 2], rows[:, 3], rows[:, 4], 10, 3.0).direction
    valid = ~np.isnan(direction)
    np.testing.assert_array_equal(values[valid], direction[valid])
    flips = np.flatnonzero(np.diff(direction[valid]) != 0) + 1 + int(np.argmax(valid))
    assert len(flips) > 10
    reversals = await evaluations(SuperTrendEvaluator, matrix, rows, {"reversals_only": True})
    np.testing.assert_array_equal(np.flatnonzero(~np.isnan(reversals)), flips)
    np.testing.assert_array_equal(reversals[flips], direction[flips])


async def test_ema_divergence_is_plus_one_far_below_minus_one_far_above(matrix, rows) -> None:
    values = await evaluations(
        EMADivergenceTrendEvaluator, matrix, rows, {"period": 50, "long_percent": -1.0, "short_percent": 1.0}
    )
    gap = (rows[:, 4] / talib.EMA(rows[:, 4], 50) - 1.0) * 100.0
    expected = np.where(gap <= -1.0, 1.0, np.where(gap >= 1.0, -1.0, np.nan))
    np.testing.assert_array_equal(values, expected)
    assert (expected == 1).sum() > 10 and (expected == -1).sum() > 10


def _klinger_difference(rows: np.ndarray, fast: int = 35, slow: int = 55, signal: int = 13) -> np.ndarray:
    """KVO - signal written out with numpy (TradingView's definition, SMA-seeded EMAs)."""
    typical = rows[:, 2:5].mean(axis=1)
    signed = np.where(typical[1:] >= typical[:-1], rows[1:, 5], -rows[1:, 5])

    def ema(values: np.ndarray, period: int) -> np.ndarray:
        out = np.full(len(values), np.nan)
        out[period - 1] = values[:period].mean()
        for index in range(period, len(values)):
            out[index] = (values[index] - out[index - 1]) * 2 / (period + 1) + out[index - 1]
        return out

    kvo = ema(signed, fast) - ema(signed, slow)
    start = slow - 1
    line = np.full(len(kvo), np.nan)
    line[start:] = ema(kvo[start:], signal)
    return np.concatenate([[np.nan], kvo - line])


async def test_klinger_is_against_the_kvo_signal_difference_scaled_by_its_deviation(matrix, rows) -> None:
    values = await evaluations(KlingerOscillatorMomentumEvaluator, matrix, rows)
    difference = _klinger_difference(rows)
    valid = ~np.isnan(values)
    assert valid.sum() > 1000
    assert np.all(np.sign(values[valid]) == -np.sign(difference[valid]))
    for index in np.flatnonzero(valid)[::25]:
        deviation = np.std(difference[index - 99 : index + 1])
        ratio = abs(values[index]) * deviation / abs(difference[index])
        assert min(1.0, ratio) == pytest.approx(ratio, abs=1e-9) or abs(values[index]) == 1.0
        assert (
            any(ratio == pytest.approx(factor, rel=1e-6) for factor in (0.2, 0.5, 1.0))
            or abs(values[index]) == 1.0
        )


async def test_klinger_reversal_confirms_fresh_bottoms_of_the_difference(matrix, rows) -> None:
    values = await evaluations(KlingerOscillatorReversalConfirmationMomentumEvaluator, matrix, rows)
    difference = _klinger_difference(rows)
    valid = ~np.isnan(values)
    assert set(np.unique(values[valid])) == {0.0, 1.0}
    signs = np.sign(difference)
    expected = np.zeros(len(values))
    for index in np.flatnonzero(valid):
        start = index
        while start > 0 and signs[start - 1] == signs[index] and index - start < 6:
            start -= 1
        wave = difference[start : index + 1]
        if len(wave) >= 2 and wave.min() < 0 and wave.min() in wave[-2:] and wave[-1] / 0.9 > wave.min():
            expected[index] = 1.0
    np.testing.assert_array_equal(values[valid], expected[valid])
    assert 20 < expected.sum() < valid.sum() / 4


async def test_rsi_weight_weights_fresh_rsi_bottoms_by_zone(matrix, rows) -> None:
    values = await evaluations(RSIWeightMomentumEvaluator, matrix, rows)
    rsi = talib.RSI(rows[:, 4], 14)
    dips = np.flatnonzero(values > 0)
    assert len(dips) > 10 and np.all(values[~np.isnan(values)] >= 0)
    first = int(np.argmax(~np.isnan(rsi)))
    for index in range(first, len(values)):
        recent = rsi[max(first, index - 4) : index + 1]
        slow = rsi[max(first, index - 15) : index + 1].mean()
        fast = rsi[max(first, index - 3) : index + 1].mean()
        expected = 0.0
        if len(recent) > 1 and recent.min() in recent[-3:] and recent[-1] / 0.95 > recent.min():
            zones = {
                30: ((20, (3, 3)), (25, (2, 3)), (30, (2, 2))),
                40: ((25, (2, 2)), (35, (1, 2))),
                50: ((30, (1, 1)),),
            }
            for slow_threshold, fast_zones in zones.items():
                if slow < slow_threshold:
                    for fast_threshold, weights in fast_zones:
                        if fast < fast_threshold and rsi[index] < fast_threshold:
                            expected = oe.dip_evaluation(*weights)
                            break
                    break
        assert values[index] == pytest.approx(expected, abs=1e-9), index
    assert {oe.dip_weights(value) for value in values[dips]} >= {(1, 1), (2, 2)}


def test_dip_weights_round_trip_and_order() -> None:
    pairs = [(price, volume) for price in (1, 2, 3) for volume in (1, 2, 3)]
    values = [oe.dip_evaluation(*pair) for pair in pairs]
    assert values == sorted(values) and values[-1] == 1.0 and values[0] > 0.0  # buy strength, price first
    assert [oe.dip_weights(value) for value in values] == pairs
    assert oe.dip_weights(None) is None and oe.dip_weights(0.0) is None and oe.dip_weights(-0.5) is None
    with pytest.raises(oe.InvalidEvaluationError, match="1, 2 or 3"):
        oe.dip_evaluation(4, 1)
