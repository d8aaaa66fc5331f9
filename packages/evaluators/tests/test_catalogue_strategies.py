"""The catalogue's strategies: their arithmetic on matrix values, and runs on real candles."""

from __future__ import annotations

import numpy as np
import pytest

import octobot_channel as oc
import octobot_evaluators as oe
from octobot_evaluators import EvaluatorType, MatrixKey, StrategyTrigger
from octobot_evaluators.tentacles.strategies.blank import BlankStrategyEvaluator
from octobot_evaluators.tentacles.strategies.dip_analyser import DipAnalyserStrategyEvaluator
from octobot_evaluators.tentacles.strategies.mixed import MixedStrategyEvaluator
from octobot_evaluators.tentacles.strategies.move_signals import (
    MoveSignalsStrategyEvaluator,
    fractal_evaluation,
)
from octobot_evaluators.tentacles.strategies.technical_analysis import TechnicalAnalysisStrategyEvaluator
from octobot_evaluators.tentacles.ta.bollinger import BBMomentumEvaluator
from octobot_evaluators.tentacles.ta.klinger import (
    KlingerOscillatorMomentumEvaluator,
    KlingerOscillatorReversalConfirmationMomentumEvaluator,
)
from octobot_evaluators.tentacles.ta.macd import MACDMomentumEvaluator
from octobot_evaluators.tentacles.ta.momentum import RSIMomentumEvaluator
from octobot_evaluators.tentacles.ta.rsi_weight import RSIWeightMomentumEvaluator

from .catalogue_helpers import SYMBOL
from .helpers import load_csv, resample, start_exchange_manager

STRATEGIES = (
    TechnicalAnalysisStrategyEvaluator,
    MoveSignalsStrategyEvaluator,
    DipAnalyserStrategyEvaluator,
    MixedStrategyEvaluator,
    BlankStrategyEvaluator,
)
M5, M30, H, H4 = 300_000, 1_800_000, 3_600_000, 14_400_000
T0 = 1_516_000_000_000 - 1_516_000_000_000 % H4


@pytest.fixture
async def matrix():
    matrix = oe.EvaluationMatrix()
    await matrix.start(oc.Synchronizer())
    yield matrix
    await matrix.stop()


def ta_key(name: str, time_frame: str) -> MatrixKey:
    return MatrixKey("binance", EvaluatorType.TA, name, "ETH", SYMBOL, time_frame)


def other_key(kind: EvaluatorType, name: str) -> MatrixKey:
    return MatrixKey("binance", kind, name, "ETH", SYMBOL, None)


def make(cls, matrix, time_frames, config=None):
    return cls(oe.EvaluatorContext(matrix, "binance"), [SYMBOL], list(time_frames), config)


def cycle(time: int = T0) -> StrategyTrigger:
    return StrategyTrigger(EvaluatorType.TA, SYMBOL, time)


@pytest.mark.parametrize("cls", STRATEGIES, ids=lambda cls: cls.__name__)
async def test_strategies_declare_documented_schemas(cls, matrix) -> None:
    assert cls.EVALUATOR_TYPE is EvaluatorType.STRATEGY and cls.__doc__ and cls.REQUIRED_TIME_FRAMES
    assert cls.validate_config(dict(cls.DEFAULT_CONFIG)) == cls.DEFAULT_CONFIG
    for key, rule in cls.CONFIG_SCHEMA["properties"].items():
        assert rule.get("title"), key
    with pytest.raises(oe.EvaluatorConfigError, match="unknown_key"):
        make(cls, matrix, cls.REQUIRED_TIME_FRAMES, {"unknown_key": 1})


async def test_technical_analysis_strategy_weighs_time_frames(matrix) -> None:
    strategy = make(TechnicalAnalysisStrategyEvaluator, matrix, ["30m", "1h", "4h", "1d"])
    assert strategy.evaluate(cycle()) is None  # nobody has an opinion
    for name, time_frame, value in (
        ("RSI", "30m", 0.8),
        ("MACD", "30m", 0.2),
        ("RSI", "1h", -0.4),
        ("RSI", "4h", None),  # no opinion: skipped
        ("RSI", "1d", 1.0),
    ):
        matrix.write(ta_key(name, time_frame), value, T0)
    expected = (0.8 * 30 + 0.2 * 30 - 0.4 * 50 + 1.0 * 30) / (30 + 30 + 50 + 30)
    assert strategy.evaluate(cycle()) == pytest.approx(expected)
    custom = make(
        TechnicalAnalysisStrategyEvaluator,
        matrix,
        ["30m", "1h", "4h", "1d"],
        {"time_frames_to_weight": {"1h": 10, "1d": 0}, "default_weight": 1},
    )
    assert custom.evaluate(cycle()) == pytest.approx((0.8 + 0.2 - 0.4 * 10) / 12)
    with pytest.raises(oe.EvaluatorConfigError, match="time_frames_to_weight"):
        make(TechnicalAnalysisStrategyEvaluator, matrix, ["1h"], {"time_frames_to_weight": {"7m": 3}})


def test_move_signals_fractal_rule() -> None:
    assert fractal_evaluation(0.5, 0.4, 0.15) == pytest.approx(0.4)  # 2 x 0.5 x 0.4, a buy
    assert fractal_evaluation(-0.9, -0.9, 0.15) == -1.0  # capped at 1, on the signal's side
    assert fractal_evaluation(0.1, 0.9, 0.15) == 0.0  # too weak a signal
    assert fractal_evaluation(0.5, -0.4, 0.15) == 0.0  # the bands disagree


async def test_move_signals_weighted_over_its_time_frames(matrix) -> None:
    strategy = make(MoveSignalsStrategyEvaluator, matrix, ["30m", "1h", "4h"])
    assert strategy.evaluate(cycle()) is None
    klinger, bands = "KlingerOscillatorMomentumEvaluator", "BBMomentumEvaluator"
    matrix.write(ta_key(klinger, "30m"), 0.5, T0)
    matrix.write(ta_key(bands, "30m"), 0.6, T0)
    matrix.write(ta_key(klinger, "1h"), -0.3, T0)
    matrix.write(ta_key(bands, "1h"), 0.9, T0)  # disagrees: 0
    matrix.write(ta_key(klinger, "4h"), None, T0)  # no opinion yet: 0
    assert strategy.evaluate(cycle()) == pytest.approx((0.6 * 4) / 10)


async def test_dip_analyser_publishes_confirmed_dips_once_on_its_time_frame(matrix) -> None:
    strategy = make(DipAnalyserStrategyEvaluator, matrix, ["1h", "4h"])
    reversal = ta_key("KlingerOscillatorReversalConfirmationMomentumEvaluator", "4h")
    weight = ta_key("RSIWeightMomentumEvaluator", "4h")
    matrix.write(reversal, None, T0)
    matrix.write(weight, None, T0)
    assert strategy.evaluate(cycle()) is None
    dip = oe.dip_evaluation(3, 2)
    matrix.write(reversal, 1.0, T0 + H4)
    matrix.write(weight, dip, T0 + H4)
    assert strategy.evaluate(cycle(T0 + H4)) == dip and oe.dip_weights(dip) == (3, 2)
    assert strategy.evaluate(cycle(T0 + H4 + H)) is oe.UNCHANGED  # a 1h cycle: the 4h dip is not repeated
    assert strategy.evaluate(StrategyTrigger(EvaluatorType.REAL_TIME, SYMBOL, T0 + H4 + 1)) is oe.UNCHANGED
    matrix.write(reversal, 0.0, T0 + 2 * H4)
    matrix.write(weight, dip, T0 + 2 * H4)
    assert strategy.evaluate(cycle(T0 + 2 * H4)) == 0.0  # a dip without a confirmed reversal
    with pytest.raises(oe.EvaluatorConfigError, match="time_frame '4h'"):
        make(DipAnalyserStrategyEvaluator, matrix, ["1h"])


async def test_mixed_strategy_averages_each_kind_then_the_kinds(matrix) -> None:
    strategy = make(MixedStrategyEvaluator, matrix, ["1h", "4h"], {"social_weight": 2.0})
    assert strategy.evaluate(cycle()) is None
    for name, value in (("A", 1.0), ("B", 0.5), ("C", 0.0), ("D", None)):
        matrix.write(ta_key(name, "1h"), value, T0)
    assert strategy.evaluate(cycle()) == pytest.approx(0.5)  # TA only
    matrix.write(other_key(EvaluatorType.REAL_TIME, "RT"), -1.0, T0)
    matrix.write(other_key(EvaluatorType.SOCIAL, "news"), -0.5, T0 - 600_000)
    matrix.write(other_key(EvaluatorType.SOCIAL, "old"), 1.0, T0 - 7_200_000)  # older than an hour: ignored
    means = strategy.category_means(cycle())
    assert means == {EvaluatorType.TA: 0.5, EvaluatorType.REAL_TIME: -1.0, EvaluatorType.SOCIAL: -0.5}
    assert strategy.evaluate(cycle()) == pytest.approx((0.5 - 1.0 - 0.5 * 2) / 4)
    keep_all = make(MixedStrategyEvaluator, matrix, ["1h"], {"social_validity_seconds": 0})
    assert keep_all.category_means(cycle())[EvaluatorType.SOCIAL] == pytest.approx(0.25)


async def test_blank_strategy_passes_the_waking_evaluation_through(matrix) -> None:
    strategy = make(BlankStrategyEvaluator, matrix, ["1h"])
    key = ta_key("Scripted", "1h")
    matrix.write(key, -0.35, T0)
    assert strategy.evaluate(StrategyTrigger(EvaluatorType.TA, SYMBOL, T0, key)) == -0.35
    assert strategy.evaluate(cycle()) is None


# ------------------------------------------------------------------ through the chain, on real candles
async def run_chain(time_frames: list[str], tentacles: list[tuple], rows_5m: np.ndarray):
    """Candles of ``time_frames`` (resampled from real 5m candles) through an exchange manager and the
    evaluation chain; the (time, evaluation, TA evaluations) of each strategy publication."""
    sync = oc.Synchronizer()
    manager = await start_exchange_manager(sync)
    matrix = oe.EvaluationMatrix()
    await matrix.start(sync)
    chain = oe.EvaluationChain(
        oe.EvaluatorContext.from_exchange_manager(matrix, manager), [SYMBOL], time_frames
    )
    created = [chain.add(cls, config) for cls, config in tentacles]
    strategy = created[-1][0]
    await chain.start()
    published: list[tuple[int, float | None, dict]] = []

    async def trading_mode(message: dict) -> None:
        snapshot = {
            key: entry.value for key, entry in strategy.ta_evaluations(SYMBOL).items() if entry is not None
        }
        published.append((message["evaluation_time"], message["evaluation"], snapshot))

    await oe.on_strategy_evaluation(matrix, trading_mode)
    ms = {"5m": M5, "30m": M30, "1h": H, "4h": H4}
    events = []
    for order, time_frame in enumerate(sorted(time_frames, key=lambda tf: -ms[tf])):
        candles = rows_5m if time_frame == "5m" else resample(rows_5m, ms[time_frame])
        events += [(int(row[0]) + ms[time_frame], order, time_frame, row) for row in candles]
    try:
        for _, _, time_frame, row in sorted(events, key=lambda event: (event[0], event[1])):
            await manager.push_candle(SYMBOL, time_frame, row.tolist())
            await sync.drain()
    finally:
        await chain.stop()
        await matrix.stop()
        await manager.stop()
    return published


async def test_technical_analysis_strategy_on_real_candles() -> None:
    rows = load_csv("ETH_BTC-5m.csv")[: 12 * 24 * 4]
    published = await run_chain(
        ["30m", "1h"],
        [
            (RSIMomentumEvaluator, None),
            (MACDMomentumEvaluator, None),
            (TechnicalAnalysisStrategyEvaluator, None),
        ],
        rows,
    )
    assert len({time for time, _, _ in published}) == len(published) > 150  # once per cycle
    for _, value, snapshot in published:
        opinions = [(key.time_frame, v) for key, v in snapshot.items() if v is not None]
        if not opinions:
            assert value is None
            continue
        weights = {"30m": 30, "1h": 50}
        expected = sum(v * weights[tf] for tf, v in opinions) / sum(weights[tf] for tf, _ in opinions)
        assert value == pytest.approx(expected)
    values = [v for _, v, _ in published if v is not None]
    assert min(values) < 0 < max(values)


async def test_move_signals_on_real_candles() -> None:
    rows = load_csv("ETH_BTC-5m.csv")
    small_klinger = {"fast_period": 5, "slow_period": 10, "signal_period": 4, "deviation_period": 20}
    published = await run_chain(
        ["30m", "1h", "4h"],
        [
            (KlingerOscillatorMomentumEvaluator, small_klinger),
            (BBMomentumEvaluator, {"period": 10, "deviations": 2.0}),
            (MoveSignalsStrategyEvaluator, None),
        ],
        rows,
    )
    opinions = [(value, snapshot) for _, value, snapshot in published if value is not None]
    assert len(opinions) > 100
    for value, snapshot in opinions:
        by_frame = {
            tf: {key.evaluator_name: v for key, v in snapshot.items() if key.time_frame == tf}
            for tf in ("30m", "1h", "4h")
        }
        total = 0.0
        for tf, weight in (("30m", 4), ("1h", 3), ("4h", 3)):
            signal = by_frame[tf].get("KlingerOscillatorMomentumEvaluator")
            band = by_frame[tf].get("BBMomentumEvaluator")
            if signal is not None and band is not None and abs(signal) >= 0.15 and signal * band > 0:
                total += min(2 * signal * band, 1.0) * np.sign(signal) * weight
        assert value == pytest.approx(total / 10)
    assert any(value > 0 for value, _ in opinions) and any(value < 0 for value, _ in opinions)


async def test_dip_analyser_on_real_candles() -> None:
    rows = load_csv("ETH_BTC-5m.csv")[:3000]
    published = await run_chain(
        ["5m", "1h"],
        [
            (KlingerOscillatorReversalConfirmationMomentumEvaluator, None),
            (RSIWeightMomentumEvaluator, None),
            (DipAnalyserStrategyEvaluator, {"time_frame": "5m"}),
        ],
        rows,
    )
    times = [time for time, _, _ in published]
    assert len(times) == len(set(times)) > 2500  # once per 5m close
    dips = [(value, snapshot) for _, value, snapshot in published if value]
    assert len(dips) >= 5  # dips confirmed by a reversal exist in these 10 days
    for value, snapshot in dips:
        named = {key.evaluator_name: v for key, v in snapshot.items() if key.time_frame == "5m"}
        assert named["KlingerOscillatorReversalConfirmationMomentumEvaluator"] == 1.0
        assert value == named["RSIWeightMomentumEvaluator"] and oe.dip_weights(value) is not None


def test_opinions_read_ta_then_real_time_then_social_values_into_a_new_list(matrix) -> None:
    from octobot_evaluators.tentacles.strategies.simple import SimpleStrategyEvaluator

    strategy = make(SimpleStrategyEvaluator, matrix, ["1h"])
    assert strategy.opinions(SYMBOL) == []  # nothing registered yet: empty groups, kept live
    matrix.write(ta_key("rsi", "1h"), 0.5, T0)
    matrix.write(ta_key("slow", "4h"), 1.0, T0)  # not one of the strategy's time frames
    matrix.write(other_key(EvaluatorType.SOCIAL, "news"), -1.0, T0)
    matrix.write(other_key(EvaluatorType.REAL_TIME, "price"), 0.25, T0)
    matrix.write(ta_key("dma", "1h"), None, T0)  # no opinion: skipped
    assert strategy.opinions(SYMBOL) == [0.5, 0.25, -1.0]
    assert strategy.ta_opinions(SYMBOL) == [0.5]
    assert strategy.instant_opinions(SYMBOL) == [0.25, -1.0]
    kept = strategy.opinions(SYMBOL, True, False)
    kept.append(9.0)  # the caller's own list: the next call is unaffected
    assert strategy.opinions(SYMBOL, True, False) == [0.5]
    trigger = StrategyTrigger(EvaluatorType.TA, SYMBOL, T0)
    assert strategy.evaluate(trigger) == pytest.approx((0.5 + 0.25 - 1.0) / 3)
    without_instant = make(SimpleStrategyEvaluator, matrix, ["1h"], {"include_real_time": False})
    assert without_instant.evaluate(trigger) == 0.5
