"""Built-in tentacles of the default profile, on real market data, checked against TA-Lib."""

from __future__ import annotations

import math

import numpy as np
import pytest
import talib

import octobot_channel as oc
import octobot_evaluators as oe
from octobot_evaluators import EvaluatorType
from octobot_evaluators.tentacles.strategies.simple import SimpleStrategyEvaluator
from octobot_evaluators.tentacles.ta.momentum import RSIMomentumEvaluator, rsi_to_evaluation
from octobot_evaluators.tentacles.ta.trend import (
    DoubleMovingAverageTrendEvaluator,
    moving_average_gap_to_evaluation,
)

from .helpers import Buffers, load_csv, resample, start_exchange_manager

M5, H = 300_000, 3_600_000
SYMBOL = "ETH/BTC"


@pytest.fixture
async def matrix():
    matrix = oe.EvaluationMatrix()
    await matrix.start(oc.Synchronizer())
    yield matrix
    await matrix.stop()


async def replay(evaluator: oe.TechnicalEvaluator, buffers: Buffers, rows: np.ndarray) -> list[float | None]:
    """Feed ``rows`` one closed candle at a time; the evaluation after each."""
    buffer = buffers(SYMBOL, evaluator.time_frame)
    key = evaluator.matrix_key(SYMBOL, evaluator.time_frame)
    values = []
    for row in rows:
        buffer.append(*row)
        await evaluator.on_closed_candle(SYMBOL, evaluator.time_frame, buffer)
        values.append(evaluator.matrix.get_value(key))
    return values


def test_default_profile_tentacles_declare_their_identity() -> None:
    for cls, kind in (
        (RSIMomentumEvaluator, EvaluatorType.TA),
        (DoubleMovingAverageTrendEvaluator, EvaluatorType.TA),
        (SimpleStrategyEvaluator, EvaluatorType.STRATEGY),
    ):
        assert cls.get_name() == cls.__name__
        assert cls.EVALUATOR_TYPE is kind and cls.ABSTRACT is False
        assert cls.validate_config(dict(cls.DEFAULT_CONFIG)) == cls.DEFAULT_CONFIG
    assert SimpleStrategyEvaluator.REQUIRED_EVALUATORS == ("*",)


def test_rsi_mapping_oversold_is_buy_overbought_is_sell() -> None:
    grid = np.linspace(0.0, 100.0, 1001)
    values = np.array([rsi_to_evaluation(r, 30.0, 70.0) for r in grid])
    assert np.all(np.diff(values) <= 0)  # the higher the RSI, the more bearish
    assert values[0] == 1.0 and values[-1] == -1.0
    assert rsi_to_evaluation(50.0, 30.0, 70.0) == 0.0
    assert np.all(values[grid < 30.0] > 0.5) and np.all(values[grid > 70.0] < -0.5)
    assert np.all(np.abs(values[(grid > 30.0) & (grid < 70.0)]) < 0.5)


async def test_rsi_evaluator_signs_on_real_data_match_ta_lib(matrix, buffers: Buffers) -> None:
    rows = load_csv("ETH_BTC-5m.csv")[:1500]
    context = oe.EvaluatorContext(matrix, "binance", candles=buffers)
    evaluator = RSIMomentumEvaluator(context, [SYMBOL], ["5m"])
    values = await replay(evaluator, buffers, rows)
    reference = talib.RSI(rows[:, 4], timeperiod=14)
    assert all(v is None for v in values[:14]) and all(v is not None for v in values[14:])
    evaluated = np.array(values[14:], dtype=float)
    rsi = reference[14:]
    oversold, overbought = rsi < 30, rsi > 70
    assert oversold.sum() > 10 and overbought.sum() > 10  # the data has both situations
    assert np.all(evaluated[oversold] > 0.5)
    assert np.all(evaluated[overbought] < -0.5)
    expected = np.array([rsi_to_evaluation(r, 30.0, 70.0) for r in rsi])
    np.testing.assert_allclose(evaluated, expected, atol=1e-9)


async def test_rsi_evaluator_warms_up_again_after_its_buffer_is_refilled(matrix, buffers: Buffers) -> None:
    """A cleared and reloaded buffer (a reconnection refetching history) is not one new candle: the
    evaluator's indicator restarts from the new history and agrees with TA-Lib on it."""
    rows = load_csv("ETH_BTC-5m.csv")[:600]
    context = oe.EvaluatorContext(matrix, "binance", candles=buffers)
    evaluator = RSIMomentumEvaluator(context, [SYMBOL], ["5m"])
    await replay(evaluator, buffers, rows[:200])
    buffer = buffers(SYMBOL, "5m")
    buffer.clear()
    buffer.load(rows[300:500])  # history after a gap, then one candle at a time again
    values = await replay(evaluator, buffers, rows[500:600])
    rsi = talib.RSI(rows[300:600, 4], timeperiod=14)[200:]
    expected = [rsi_to_evaluation(r, 30.0, 70.0) for r in rsi]
    np.testing.assert_allclose(np.array(values, dtype=float), expected, atol=1e-9)


async def test_rsi_evaluator_on_a_refresh_uses_the_forming_candle_without_keeping_it(matrix, buffers) -> None:
    rows = load_csv("ETH_BTC-5m.csv")[:200]
    context = oe.EvaluatorContext(matrix, "binance", candles=buffers)
    evaluator = RSIMomentumEvaluator(
        context, [SYMBOL], ["5m"], {"period": 10, "oversold": 25, "overbought": 75}
    )
    await replay(evaluator, buffers, rows[:-1])
    buffer = buffers(SYMBOL, "5m")
    buffer.update(*rows[-1])  # the last candle is still forming
    await evaluator.on_refresh(SYMBOL, "5m", buffer, int(rows[-1][0]) + 60_000)
    forming_rsi = talib.RSI(rows[:, 4], timeperiod=10)[-1]
    key = evaluator.matrix_key(SYMBOL, "5m")
    assert matrix.get_value(key) == pytest.approx(rsi_to_evaluation(forming_rsi, 25, 75), abs=1e-9)
    # then it closes: same value, and the indicator did not count the forming candle twice
    buffer.append(*rows[-1])
    await evaluator.on_closed_candle(SYMBOL, "5m", buffer)
    assert matrix.get_value(key) == pytest.approx(rsi_to_evaluation(forming_rsi, 25, 75), abs=1e-9)


async def test_double_moving_average_signs_on_real_data_match_ta_lib(matrix, buffers: Buffers) -> None:
    rows = load_csv("ETH_BTC-5m.csv")[:1500]
    context = oe.EvaluatorContext(matrix, "binance", candles=buffers)
    evaluator = DoubleMovingAverageTrendEvaluator(context, [SYMBOL], ["5m"])
    values = await replay(evaluator, buffers, rows)
    fast = talib.SMA(rows[:, 4], timeperiod=5)
    slow = talib.SMA(rows[:, 4], timeperiod=10)
    assert all(v is None for v in values[:9])
    evaluated = np.array(values[9:], dtype=float)
    gap = fast[9:] - slow[9:]
    assert (gap > 0).sum() > 100 and (gap < 0).sum() > 100
    assert np.all(evaluated[gap > 1e-12] > 0)  # fast above slow: bullish
    assert np.all(evaluated[gap < -1e-12] < 0)  # fast below slow: bearish
    crossings = np.flatnonzero(np.diff(np.sign(gap)) != 0)
    assert len(crossings) > 10 and np.all(np.sign(evaluated[crossings]) != np.sign(evaluated[crossings + 1]))
    expected = [moving_average_gap_to_evaluation(f, s, 0.01) for f, s in zip(fast[9:], slow[9:], strict=True)]
    np.testing.assert_allclose(evaluated, expected, atol=1e-9)
    assert np.all(np.abs(evaluated) <= 1.0)


async def test_double_moving_average_refuses_a_fast_period_not_below_the_slow_one(matrix) -> None:
    context = oe.EvaluatorContext(matrix, "binance")
    with pytest.raises(oe.EvaluatorConfigError, match="fast_period"):
        DoubleMovingAverageTrendEvaluator(context, [SYMBOL], ["5m"], {"fast_period": 20, "slow_period": 10})


async def test_simple_strategy_averages_its_time_frames_once_per_cycle() -> None:
    sync = oc.Synchronizer()
    manager = await start_exchange_manager(sync)
    matrix = oe.EvaluationMatrix()
    await matrix.start(sync)
    context = oe.EvaluatorContext.from_exchange_manager(matrix, manager)
    chain = oe.EvaluationChain(context, [SYMBOL], ["5m", "1h"])
    chain.add(RSIMomentumEvaluator)
    chain.add(DoubleMovingAverageTrendEvaluator)
    (strategy,) = chain.add(SimpleStrategyEvaluator)
    await chain.start()
    checked: list[tuple[int, float | None, list[float]]] = []

    async def trading_mode(message: dict) -> None:
        seen = strategy.ta_evaluations(SYMBOL).values()
        opinions = [e.value for e in seen if e is not None and e.value is not None]
        checked.append((message["evaluation_time"], message["evaluation"], opinions))

    await oe.on_strategy_evaluation(matrix, trading_mode)
    try:
        five = load_csv("ETH_BTC-5m.csv")[: 12 * 24]
        events = [(int(r[0]) + M5, 1, "5m", r) for r in five]
        events += [(int(r[0]) + H, 0, "1h", r) for r in resample(five, H)]
        for _, _, time_frame, row in sorted(events, key=lambda e: (e[0], e[1])):
            await manager.push_candle(SYMBOL, time_frame, row.tolist())
            await sync.drain()
        times = [t for t, _, _ in checked]
        assert len(times) == len(set(times)) > 200  # once per cycle
        with_opinions = 0
        for _, value, opinions in checked:
            if opinions:
                with_opinions += 1
                assert value == pytest.approx(sum(opinions) / len(opinions))
                assert -1.0 <= value <= 1.0
            else:
                assert value is None
        assert with_opinions > 200
        assert any(v > 0 for _, v, _ in checked if v is not None)
        assert any(v < 0 for _, v, _ in checked if v is not None)
        assert not any(math.isnan(v) for _, v, _ in checked if v is not None)
    finally:
        await chain.stop()
        await matrix.stop()
        await manager.stop()
