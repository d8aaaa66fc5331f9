"""The incremental classes give the vectorised values, candle by candle, including replaced candles."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

import octobot_evaluators.indicators as ind

from .indicator_data import assert_series_match, load_candles

# (id, incremental factory, vectorised function, input columns); both built with the same parameters
CASES = [
    ("sma", lambda: ind.SMA(20), lambda c: ind.sma(c.close, 20), ("close",)),
    ("ema", lambda: ind.EMA(20), lambda c: ind.ema(c.close, 20), ("close",)),
    ("wma", lambda: ind.WMA(20), lambda c: ind.wma(c.close, 20), ("close",)),
    ("dema", lambda: ind.DEMA(15), lambda c: ind.dema(c.close, 15), ("close",)),
    ("tema", lambda: ind.TEMA(15), lambda c: ind.tema(c.close, 15), ("close",)),
    ("kama", lambda: ind.KAMA(10), lambda c: ind.kama(c.close, 10), ("close",)),
    ("rsi", lambda: ind.RSI(14), lambda c: ind.rsi(c.close, 14), ("close",)),
    ("macd", lambda: ind.MACD(12, 26, 9), lambda c: ind.macd(c.close, 12, 26, 9), ("close",)),
    (
        "bollinger",
        lambda: ind.BollingerBands(20, 2, 1.5),
        lambda c: ind.bollinger_bands(c.close, 20, 2, 1.5),
        ("close",),
    ),
    ("atr", lambda: ind.ATR(14), lambda c: ind.atr(c.high, c.low, c.close, 14), ("high", "low", "close")),
    ("true_range", ind.TrueRange, lambda c: ind.true_range(c.high, c.low, c.close), ("high", "low", "close")),
    ("adx", lambda: ind.ADX(14), lambda c: ind.adx(c.high, c.low, c.close, 14), ("high", "low", "close")),
    (
        "stochastic",
        lambda: ind.Stochastic(14, 3, ind.MAType.EMA, 3, ind.MAType.SMA),
        lambda c: ind.stochastic(c.high, c.low, c.close, 14, 3, ind.MAType.EMA, 3, ind.MAType.SMA),
        ("high", "low", "close"),
    ),
    (
        "stochastic_rsi",
        lambda: ind.StochasticRSI(14, 5, 3),
        lambda c: ind.stochastic_rsi(c.close, 14, 5, 3),
        ("close",),
    ),
    (
        "klinger",
        lambda: ind.Klinger(34, 55, 13),
        lambda c: ind.klinger(c.high, c.low, c.close, c.volume, 34, 55, 13),
        ("high", "low", "close", "volume"),
    ),
    (
        "supertrend",
        lambda: ind.SuperTrend(10, 3),
        lambda c: ind.supertrend(c.high, c.low, c.close, 10, 3),
        ("high", "low", "close"),
    ),
    (
        "linear_regression",
        lambda: ind.LinearRegression(14),
        lambda c: ind.linear_regression(c.close, 14),
        ("close",),
    ),
    ("vwma", lambda: ind.VWMA(20), lambda c: ind.vwma(c.close, c.volume, 20), ("close", "volume")),
    ("dpo", lambda: ind.DPO(20), lambda c: ind.dpo(c.close, 20), ("close",)),
    ("hl2", ind.HL2, lambda c: ind.hl2(c.high, c.low), ("high", "low")),
    ("hlc3", ind.HLC3, lambda c: ind.hlc3(c.high, c.low, c.close), ("high", "low", "close")),
    (
        "ohlc4",
        ind.OHLC4,
        lambda c: ind.ohlc4(c.open, c.high, c.low, c.close),
        ("open", "high", "low", "close"),
    ),
    (
        "heikin_ashi",
        ind.HeikinAshi,
        lambda c: ind.heikin_ashi(c.open, c.high, c.low, c.close),
        ("open", "high", "low", "close"),
    ),
]
IDS = [case[0] for case in CASES]


@pytest.fixture(scope="module", params=["freqtrade/UNITTEST_BTC-1m.json", "freqtrade/ETH_BTC-5m.csv"])
def candles(request):
    """The first 4,000 candles: long enough to cross flat stretches and many window wraps, fast to loop."""
    full = load_candles(request.param)
    return full._make(column[:4000] for column in full)


def rows_of(candles, columns):
    return list(zip(*(getattr(candles, column).tolist() for column in columns), strict=True))


@pytest.mark.parametrize(("name", "factory", "vectorised", "columns"), CASES, ids=IDS)
def test_updates_give_the_vectorised_values(candles, name, factory, vectorised, columns):
    indicator = factory()
    rows = rows_of(candles, columns)
    outputs = [indicator.update(*row) for row in rows]
    expected = vectorised(candles)
    fields = expected._fields if isinstance(expected, tuple) else (None,)
    expected_columns = list(expected) if isinstance(expected, tuple) else [expected]
    for position, field in enumerate(fields):
        got = np.array([out[position] if field else out for out in outputs])
        assert_series_match(got, expected_columns[position], f"{name}.{field or 'value'}")
    # the warm-up ends where the class says it does
    first_ready = next(
        i for i, out in enumerate(outputs) if not any(math.isnan(v) for v in np.atleast_1d(out))
    )
    assert first_ready == indicator.lookback
    assert indicator.ready and indicator.value == outputs[-1]


@pytest.mark.parametrize(("name", "factory", "vectorised", "columns"), CASES, ids=IDS)
def test_forming_candle_replaced_and_peeked(candles, name, factory, vectorised, columns):
    """A real-time evaluator updates the forming candle many times: only the last version must count."""
    indicator = factory()
    rows = rows_of(candles, columns)[:1500]
    outputs = []
    for i, row in enumerate(rows):
        if i % 3 == 1:
            indicator.update(*(value * 1.02 for value in row))  # a first, wrong, version of the candle
            peeked_before = indicator.value
            indicator.peek(*(value * 0.97 for value in row))
            indicator.peek(*(value * 0.95 for value in row), replace=True)
            assert _same(indicator.value, peeked_before)  # peeking changed nothing
            indicator.update(*(value * 0.99 for value in row), replace=True)
            preview = indicator.peek(*row, replace=True)
            outputs.append(indicator.update(*row, replace=True))
            assert _same(preview, outputs[-1])
        else:
            preview = indicator.peek(*row)
            outputs.append(indicator.update(*row))
            assert _same(preview, outputs[-1])
    expected = vectorised(candles._make(column[:1500] for column in candles))
    expected_columns = list(expected) if isinstance(expected, tuple) else [expected]
    for position, reference in enumerate(expected_columns):
        got = np.array([out[position] if isinstance(out, tuple) else out for out in outputs])
        assert_series_match(got, reference, f"{name}[{position}] with replaced candles")


@pytest.mark.parametrize(("name", "factory", "vectorised", "columns"), CASES, ids=IDS)
def test_seeded_from_history_then_updated(candles, name, factory, vectorised, columns):
    split = 2000
    history = [getattr(candles, column)[:split] for column in columns]
    indicator = factory()
    seeded = type(indicator).from_history(*history, **_parameters(indicator))
    warmed = factory().warm_up(*history)
    assert _same(seeded.value, warmed.value)
    rows = rows_of(candles, columns)[split : split + 500]
    outputs = [seeded.update(*row) for row in rows]
    assert [_same(warmed.update(*row), out) for row, out in zip(rows, outputs, strict=True)] == [True] * len(
        rows
    )
    expected = vectorised(candles._make(column[: split + 500] for column in candles))
    expected_columns = list(expected) if isinstance(expected, tuple) else [expected]
    for position, reference in enumerate(expected_columns):
        got = np.array([out[position] if isinstance(out, tuple) else out for out in outputs])
        assert_series_match(got, reference[split:], f"{name}[{position}] after from_history")


def test_the_last_history_candle_can_be_replaced(candles):
    closes = candles.close[:300]
    rsi = ind.RSI.from_history([*closes[:-1].tolist(), closes[-1] * 1.5])
    assert rsi.update(float(closes[-1]), replace=True) == pytest.approx(ind.rsi(closes)[-1], rel=1e-12)


def test_decimal_inputs_are_accepted():
    """Prices are Decimal elsewhere in the framework: the incremental classes take them as they come."""
    sma = ind.SMA(2)
    sma.update(Decimal("1.5"))
    assert sma.update(Decimal("2.5")) == 2.0


def _parameters(indicator) -> dict:
    """Constructor arguments of a test case's indicator, to rebuild it through `from_history`."""
    names = ("period", "fast", "slow", "signal", "multiplier")
    known = {name: getattr(indicator, name) for name in names if hasattr(indicator, name)}
    if isinstance(indicator, ind.BollingerBands):
        known |= {"deviations_up": indicator.deviations_up, "deviations_down": indicator.deviations_down}
    if isinstance(indicator, ind.Stochastic):
        return {"fastk_period": 14, "slowk_period": 3, "slowk_ma": ind.MAType.EMA, "slowd_period": 3}
    if isinstance(indicator, ind.StochasticRSI):
        return {"period": 14, "fastk_period": 5, "fastd_period": 3}
    return known


def _same(a, b) -> bool:
    left, right = np.atleast_1d(np.asarray(a, dtype=float)), np.atleast_1d(np.asarray(b, dtype=float))
    return bool(np.array_equal(left, right, equal_nan=True))
