"""Edge cases: short inputs, flat markets, NaN and bad parameters refused with a clear error."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
import talib

import octobot_evaluators
import octobot_evaluators.indicators as ind

# every vectorised indicator, called with default parameters on (open, high, low, close, volume)
VECTORISED = {
    "sma": lambda o, h, lo, c, v: ind.sma(c),
    "ema": lambda o, h, lo, c, v: ind.ema(c),
    "wma": lambda o, h, lo, c, v: ind.wma(c),
    "dema": lambda o, h, lo, c, v: ind.dema(c),
    "tema": lambda o, h, lo, c, v: ind.tema(c),
    "kama": lambda o, h, lo, c, v: ind.kama(c),
    "moving_average": lambda o, h, lo, c, v: ind.moving_average(c, 30, ind.MAType.TEMA),
    "rsi": lambda o, h, lo, c, v: ind.rsi(c),
    "macd": lambda o, h, lo, c, v: ind.macd(c),
    "bollinger_bands": lambda o, h, lo, c, v: ind.bollinger_bands(c),
    "true_range": lambda o, h, lo, c, v: ind.true_range(h, lo, c),
    "atr": lambda o, h, lo, c, v: ind.atr(h, lo, c),
    "adx": lambda o, h, lo, c, v: ind.adx(h, lo, c),
    "stochastic": lambda o, h, lo, c, v: ind.stochastic(h, lo, c),
    "stochastic_rsi": lambda o, h, lo, c, v: ind.stochastic_rsi(c),
    "klinger": lambda o, h, lo, c, v: ind.klinger(h, lo, c, v),
    "supertrend": lambda o, h, lo, c, v: ind.supertrend(h, lo, c),
    "linear_regression": lambda o, h, lo, c, v: ind.linear_regression(c),
    "vwma": lambda o, h, lo, c, v: ind.vwma(c, v),
    "dpo": lambda o, h, lo, c, v: ind.dpo(c),
    "hl2": lambda o, h, lo, c, v: ind.hl2(h, lo),
    "hlc3": lambda o, h, lo, c, v: ind.hlc3(h, lo, c),
    "ohlc4": lambda o, h, lo, c, v: ind.ohlc4(o, h, lo, c),
    "heikin_ashi": lambda o, h, lo, c, v: ind.heikin_ashi(o, h, lo, c),
}
WITHOUT_WARM_UP = {"hl2", "hlc3", "ohlc4", "heikin_ashi"}
INCREMENTAL = [
    ind.SMA,
    ind.EMA,
    ind.WMA,
    ind.DEMA,
    ind.TEMA,
    ind.KAMA,
    ind.RSI,
    ind.MACD,
    ind.BollingerBands,
    ind.ATR,
    ind.TrueRange,
    ind.ADX,
    ind.Stochastic,
    ind.StochasticRSI,
    ind.Klinger,
    ind.SuperTrend,
    ind.LinearRegression,
    ind.VWMA,
    ind.DPO,
    ind.HL2,
    ind.HLC3,
    ind.OHLC4,
    ind.HeikinAshi,
]


def candles(length: int, flat: bool = False):
    rng = np.random.default_rng(7)
    close = np.full(length, 100.0) if flat else 100.0 + np.cumsum(rng.normal(0, 1, length))
    spread = 0.0 if flat else np.abs(rng.normal(0, 0.5, length))
    return close, close + spread, close - spread, close, np.full(length, 10.0)


def columns(values) -> list[np.ndarray]:
    return list(values) if isinstance(values, tuple) else [values]


@pytest.mark.parametrize("name", VECTORISED)
def test_input_shorter_than_the_warm_up_gives_nan_of_the_same_length(name):
    for length in (0, 1) if name == "true_range" else (0, 1, 5):
        for series in columns(VECTORISED[name](*candles(length))):
            assert len(series) == length
            assert name in WITHOUT_WARM_UP or np.isnan(series).all()


@pytest.mark.parametrize("cls", INCREMENTAL, ids=lambda cls: cls.__name__)
def test_incremental_is_not_ready_during_warm_up(cls):
    indicator = cls()
    rows = list(zip(*candles(indicator.lookback + 1), strict=True))
    for row in rows[:-1]:
        indicator.update(*_inputs_for(indicator, row))
        assert not indicator.ready
        assert any(math.isnan(field) for field in np.atleast_1d(indicator.value))
    indicator.update(*_inputs_for(indicator, rows[-1]))
    assert indicator.ready


def _inputs_for(indicator, row):
    o, h, lo, c, v = row
    by_name = {"open": o, "high": h, "low": lo, "close": c, "volume": v}
    return [by_name[name] for name in indicator.INPUTS]


def test_flat_market():
    _, h, lo, c, _ = candles(200, flat=True)
    assert np.all(ind.rsi(c)[14:] == ind.FLAT_RSI)  # no gain, no loss: neutral, not a division by zero
    assert talib.RSI(c)[-1] == 0.0  # (TA-Lib's choice, which would read as "oversold")
    rsi = ind.RSI(14)
    assert [rsi.update(100.0) for _ in range(20)][14:] == [ind.FLAT_RSI] * 6
    k, d = ind.stochastic(h, lo, c)
    assert np.all(k[8:] == 0.0) and np.all(d[8:] == 0.0)  # empty range: TA-Lib's 0
    k, d = ind.stochastic_rsi(c)
    assert np.all(k[20:] == 0.0) and np.all(d[20:] == 0.0)
    upper, middle, lower = ind.bollinger_bands(c)
    assert np.all(upper[19:] == 100.0) and np.all(lower[19:] == 100.0) and np.all(middle[19:] == 100.0)
    assert np.all(ind.atr(h, lo, c)[14:] == 0.0)
    assert np.all(ind.adx(h, lo, c)[27:] == 0.0)
    np.testing.assert_array_equal(ind.adx(h, lo, c), talib.ADX(h, lo, c))
    np.testing.assert_allclose(ind.kama(c)[30:], 100.0)
    np.testing.assert_allclose(ind.linear_regression(c)[13:], 100.0)
    assert np.all(ind.dpo(c)[19:] == 0.0)
    np.testing.assert_array_equal(ind.macd(c).histogram[33:], 0.0)
    line, direction = ind.supertrend(h, lo, c)
    assert np.all(line[10:] == 100.0) and not np.isnan(direction[10:]).any()


def test_flat_window_after_moves_is_flat_not_rounding_noise():
    """A window whose prices are all equal, after the running sums saw other prices, still has no range."""
    close = np.concatenate([np.linspace(0.1, 0.3, 50), np.full(40, 0.3)])
    assert np.all(ind.stochastic(close, close, close)[0][-30:] == 0.0)
    upper, _, lower = ind.BollingerBands.from_history(close).value
    assert upper == pytest.approx(0.3, abs=1e-15) and lower == pytest.approx(0.3, abs=1e-15)


@pytest.mark.parametrize("name", VECTORISED)
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_nan_input_refused_naming_the_indicator(name, bad):
    series = [np.array(column, dtype=float) for column in candles(60)]
    for column in series:
        column[42] = bad
    with pytest.raises(ind.IndicatorInputError, match=rf"^{name}: .*\[42\]") as error:
        VECTORISED[name](*series)
    assert isinstance(error.value, ValueError)
    assert isinstance(error.value, octobot_evaluators.errors.EvaluatorsError)


@pytest.mark.parametrize("cls", INCREMENTAL, ids=lambda cls: cls.__name__)
def test_nan_update_refused_and_state_kept(cls):
    indicator = cls()
    rows = list(zip(*candles(120), strict=True))
    for row in rows[:-1]:
        indicator.update(*_inputs_for(indicator, row))
    before = indicator.value
    bad = [math.nan] * len(indicator.INPUTS)
    with pytest.raises(ind.IndicatorInputError, match=rf"^{cls.NAME}: .*NaN"):
        indicator.update(*bad)
    with pytest.raises(ind.IndicatorInputError, match=cls.NAME):
        indicator.update(*bad, replace=True)
    with pytest.raises(ind.IndicatorInputError, match=cls.NAME):
        indicator.peek(*bad)
    assert _same(indicator.value, before)
    fresh = cls().warm_up(*(np.array(column) for column in _columns_for(indicator, rows)))
    assert _same(indicator.update(*_inputs_for(indicator, rows[-1])), fresh.value)


def _columns_for(indicator, rows):
    return list(zip(*(_inputs_for(indicator, row) for row in rows), strict=True))


def _same(a, b) -> bool:
    return bool(np.array_equal(np.atleast_1d(a), np.atleast_1d(b), equal_nan=True))


def test_other_bad_inputs():
    with pytest.raises(ind.IndicatorInputError, match=r"^atr: input series must have the same length"):
        ind.atr([1.0, 2.0], [1.0], [1.0, 2.0])
    with pytest.raises(ind.IndicatorInputError, match="one-dimensional"):
        ind.sma(np.ones((3, 3)), 2)
    with pytest.raises(ind.IndicatorInputError, match="sequence of numbers"):
        ind.ema(["a", "b"], 2)
    with pytest.raises(ind.IndicatorInputError, match=r"^RSI: close must be a number"):
        ind.RSI().update("abc")
    with pytest.raises(TypeError, match=r"ATR\.update takes 3 values: high, low, close"):
        ind.ATR().update(1.0)
    with pytest.raises(TypeError, match="warm_up takes 2 series"):
        ind.VWMA().warm_up([1.0, 2.0])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ind.sma([1.0], 0), "sma: period must be an integer >= 1"),
        (lambda: ind.kama([1.0], 1), "kama: period must be an integer >= 2"),
        (lambda: ind.KAMA(1), "KAMA: period must be an integer >= 2"),
        (lambda: ind.RSI(True), "RSI: period must be an integer >= 1"),
        (lambda: ind.EMA(2.5), "EMA: period must be an integer >= 1"),
        (lambda: ind.macd([1.0], 26, 12), r"macd: fast \(26\) must be shorter than slow \(12\)"),
        (lambda: ind.Klinger(55, 34), r"Klinger: fast \(55\) must be shorter than slow \(34\)"),
        (lambda: ind.bollinger_bands([1.0], 20, -1.0), "deviations_up must be a finite number >= 0"),
        (lambda: ind.SuperTrend(10, math.nan), "multiplier must be a finite number >= 0"),
        (lambda: ind.moving_average([1.0], 5, 5), "unknown moving-average type 5; supported: SMA=0"),
        (lambda: ind.Stochastic(slowk_ma=8), "unknown moving-average type 8"),
    ],
)
def test_bad_parameters_refused(call, message):
    with pytest.raises(ind.IndicatorParameterError, match=message) as error:
        call()
    assert isinstance(error.value, ValueError)


def test_replace_needs_a_committed_candle():
    sma = ind.SMA(3)
    with pytest.raises(ind.NothingToReplaceError, match=r"SMA: replace=True needs a committed update"):
        sma.update(1.0, replace=True)
    with pytest.raises(ind.NothingToReplaceError):
        sma.peek(1.0, replace=True)
    sma.update(1.0)
    assert sma.update(2.0, replace=True) is not None and sma.peek(5.0) != sma.peek(5.0, replace=True)


@pytest.mark.parametrize(
    "factory", [ind.MACD, lambda: ind.SMA(20), lambda: ind.ATR(14)], ids=["declared", "children", "dict"]
)
def test_updating_and_replacing_many_times_keeps_memory_flat(factory):
    """Each snapshot forgets the previous one: a bot running for months does not accumulate history."""
    indicator = factory()
    arity = len(indicator.INPUTS)

    def run(candles: int) -> None:
        for price in range(candles):
            indicator.update(*[100.0 + price % 17] * arity)
            indicator.update(*[101.0 + price % 13] * arity, replace=True)

    run(1_000)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        run(20_000)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 20_000, f"{grown} bytes kept after 20,000 updates"  # a chain would keep megabytes


def test_public_names_are_exported():
    for name in ind.__all__:
        assert getattr(ind, name) is not None
    assert ind.MAType.KAMA == talib.MA_Type.KAMA and ind.MAType.TEMA == talib.MA_Type.TEMA


def test_running_sums_do_not_drift_over_a_long_live_run():
    """50,000 updates at BTC-like prices: the ring buffers' running sums stay exact (resynced each wrap)."""
    rng = np.random.default_rng(11)
    close = 60_000.0 + np.cumsum(rng.normal(0, 5, 50_000))
    live = [ind.SMA(20), ind.WMA(20), ind.BollingerBands(20), ind.LinearRegression(14), ind.KAMA(10)]
    for price in close.tolist():
        for indicator in live:
            indicator.update(price)
    tail = close[-200:]
    expected = [
        ind.sma(tail, 20)[-1],
        ind.wma(tail, 20)[-1],
        *(band[-1] for band in ind.bollinger_bands(tail, 20)),
        ind.linear_regression(tail, 14)[-1],
    ]
    got = [live[0].value, live[1].value, *live[2].value, live[3].value]
    assert got == pytest.approx(expected, rel=1e-12)
    assert live[4].value == pytest.approx(ind.kama(close, 10)[-1], rel=1e-12)


def test_bollinger_keeps_its_digits_at_large_prices():
    """Price 1e6, moves of 1e-3: E[x^2] - E[x]^2 would lose every digit; the shifted sums do not.

    (1e-6: the band is read back as a difference of two numbers near 1e6, which keeps ~7 digits.)
    """
    close = 1e6 + np.tile([0.0, 0.001, 0.002, 0.001], 30)
    upper, middle, _ = ind.BollingerBands.from_history(close, period=20).value
    exact = np.std(close[-20:])
    assert upper - middle == pytest.approx(2 * exact, rel=1e-6)
    vectorised = ind.bollinger_bands(close, 20)
    assert vectorised.upper[-1] - vectorised.middle[-1] == pytest.approx(2 * exact, rel=1e-6)


class _MACDWithHigh(ind.MACD):
    """A user's indicator: a subclass of a shipped one (which declares STEP_STATE) adding its own state."""

    def __init__(self) -> None:
        super().__init__()
        self.highest = -math.inf

    def _step(self, close: float) -> ind.MACDValue:
        self.highest = max(self.highest, close)
        return super()._step(close)


def test_a_subclass_state_is_rewound_with_its_base_state():
    closes = [100.0 + (index % 23) * 0.5 for index in range(80)]
    user, reference = _MACDWithHigh(), ind.MACD()
    for close in closes:
        user.update(close)
        reference.update(close)
    user.update(1_000.0, replace=True)  # a spike on the forming candle, replaced by the real close
    assert user.highest == 1_000.0
    assert user.peek(closes[-1], replace=True) == reference.value
    assert user.update(closes[-1], replace=True) == reference.value
    assert user.highest == max(closes)
    assert user.update(99.0) == reference.update(99.0)


class _SMAWithCount(ind.SMA):
    """A user's subclass of a shipped indicator that keeps its own undo: the subclass's state (what it
    adds to `_step`) must be rewound too, though it declares nothing."""

    def __init__(self, period: int) -> None:
        super().__init__(period)
        self.updates = 0
        self.last_close = math.nan

    def _step(self, close: float) -> float:
        self.updates += 1
        self.last_close = close
        return super()._step(close)


@pytest.mark.parametrize("shipped", [ind.SMA, ind.EMA, ind.WMA, ind.RSI])
def test_a_subclass_of_an_indicator_with_its_own_undo_is_rewound_whole(shipped: type) -> None:
    class Counting(shipped):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__(5)
            self.updates = 0

        def _step(self, close: float) -> float:
            self.updates += 1
            return super()._step(close)

    closes = [100.0 + (index % 7) * 0.25 for index in range(40)]
    user, reference = Counting(), shipped(5)
    for close in closes:
        user.update(close)
        reference.update(close)
    for wrong in (1_000.0, 0.5):  # the forming candle, replaced twice, then by the real close
        user.update(wrong, replace=True)
    assert user.update(closes[-1], replace=True) == reference.value
    assert user.updates == len(closes)  # the replaced steps were rewound, the subclass's count too
    assert user.peek(99.0) == reference.peek(99.0) and user.updates == len(closes)
    assert user.update(99.0) == reference.update(99.0)


def test_a_subclass_adding_state_to_a_windowed_indicator_is_rewound() -> None:
    closes = [50.0 + (index % 11) * 0.5 for index in range(30)]
    user, reference = _SMAWithCount(4), ind.SMA(4)
    for close in closes:
        user.update(close)
        reference.update(close)
    user.update(7.0, replace=True)
    assert (user.updates, user.last_close) == (len(closes), 7.0)
    assert user.update(closes[-1], replace=True) == reference.value
    assert (user.updates, user.last_close) == (len(closes), closes[-1])
    assert user.update(51.0) == reference.update(51.0)


def test_replacing_many_times_rewinds_to_the_same_kept_state() -> None:
    """The undo a shipped indicator keeps is not consumed by a replace or a peek: the forming candle of
    a live bot is replaced again and again."""
    closes = [200.0 + ((index * 7) % 13) for index in range(60)]
    indicators = [ind.SMA(10), ind.EMA(10), ind.WMA(10), ind.RSI(14), ind.MACD(5, 12, 4)]
    references = [ind.SMA(10), ind.EMA(10), ind.WMA(10), ind.RSI(14), ind.MACD(5, 12, 4)]
    for close in closes:
        for indicator, reference in zip(indicators, references, strict=True):
            indicator.update(close)
            reference.update(close)
    for indicator, reference in zip(indicators, references, strict=True):
        for forming in (150.0, 250.0, 199.0):
            indicator.update(forming, replace=True)
            indicator.peek(forming * 2, replace=True)
        assert indicator.update(closes[-1], replace=True) == reference.value, type(indicator).__name__
        assert indicator.update(201.0) == reference.update(201.0), type(indicator).__name__
