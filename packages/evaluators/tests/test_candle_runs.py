"""Candle runs: evaluating a run of closed candles ahead gives what one by one gives, and changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

import octobot_evaluators as oe
from octobot_evaluators.indicators import RSI
from octobot_evaluators.tentacles.ta.momentum import rsi_to_evaluation, rsi_to_evaluations


def _closes(count: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 100.0 + np.cumsum(rng.normal(0.0, 0.7, count))


def test_rsi_preview_is_update_one_by_one_and_leaves_the_indicator_as_it_was():
    closes = _closes(600)
    previewed, reference = RSI(14).warm_up(closes[:100]), RSI(14).warm_up(closes[:100])
    before = previewed.value
    values = previewed.preview(closes[100:400])
    assert np.asarray(values).tolist() == [reference.update(close) for close in closes[100:400]]  # exact
    assert previewed.value == before


def test_rsi_advance_takes_a_prefix_of_the_preview_and_stays_replaceable():
    closes = _closes(400)
    advanced, reference = RSI(14).warm_up(closes[:50]), RSI(14).warm_up(closes[:50])
    advanced.preview(closes[50:300])
    advanced.advance(closes[50:120])
    for close in closes[50:120]:
        reference.update(close)
    assert advanced.value == reference.value
    assert advanced.update(closes[120]) == reference.update(closes[120])
    assert advanced.update(closes[121], replace=True) == reference.update(closes[121], replace=True)
    advanced.advance(closes[122:130])  # without a preview: one by one
    for close in closes[122:130]:
        reference.update(close)
    assert advanced.value == reference.value


def test_a_warming_rsi_previews_nan_then_values():
    closes = _closes(40)
    indicator = RSI(14)
    values = indicator.preview(closes)
    assert all(np.isnan(values[:14])) and not any(np.isnan(values[14:]))
    assert np.isnan(indicator.value)


def test_rsi_evaluations_map_as_the_scalar_mapping():
    rsi = np.array([0.0, 10.0, 30.0, 45.5, 50.0, 69.9, 70.0, 85.0, 100.0, np.nan])
    mapped = rsi_to_evaluations(rsi.copy(), 30.0, 70.0)
    for value, evaluation in zip(rsi[:-1].tolist(), mapped[:-1].tolist(), strict=True):
        assert evaluation == rsi_to_evaluation(value, 30.0, 70.0)
    assert np.isnan(mapped[-1])


@pytest.mark.parametrize(
    "make",
    [
        lambda: oe.SMA(10),
        lambda: oe.EMA(10),
        lambda: oe.WMA(8),
        lambda: oe.DEMA(6),
        lambda: oe.TEMA(5),
        lambda: oe.KAMA(10),
        lambda: oe.MACD(6, 13, 4),
        lambda: oe.BollingerBands(12),
        lambda: oe.StochasticRSI(8, 5, 3, 3),
    ],
)
def test_a_long_preview_of_any_close_indicator_is_its_updates_and_changes_nothing(make):
    """Previews span many steps: a ring buffer's one-step snapshot would not bring it back."""
    closes = _closes(500, seed=11)
    previewed, reference = make().warm_up(closes[:120]), make().warm_up(closes[:120])
    values = previewed.preview(closes[120:400])
    assert list(values) == [reference.update(close) for close in closes[120:400]]
    untouched = make().warm_up(closes[:120])
    assert [previewed.update(close) for close in closes[120:200]] == [
        untouched.update(close) for close in closes[120:200]
    ]


def test_rsi_advance_continues_a_preview_after_one_update_through_the_channels():
    """A run, the candle that acts (pushed one by one), then the rest of the same preview."""
    closes = _closes(400, seed=5)
    advanced, reference = RSI(14).warm_up(closes[:60]), RSI(14).warm_up(closes[:60])
    advanced.preview(closes[60:360])
    advanced.advance(closes[60:100])
    assert advanced.update(closes[100]) == [reference.update(close) for close in closes[60:101]][-1]
    advanced.advance(closes[101:180])
    advanced.advance(closes[180:181])
    for close in closes[101:181]:
        reference.update(close)
    assert advanced.value == reference.value
    assert advanced.update(closes[181], replace=True) == reference.update(closes[181], replace=True)
    assert advanced.update(closes[182]) == reference.update(closes[182])
