"""The catalogue's real-time evaluators on real 1m candles, each against an independent computation."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

import octobot_channel as oc
import octobot_evaluators as oe
from octobot_evaluators.tentacles.real_time.instant import (
    InstantFluctuationsEvaluator,
    InstantMAEvaluator,
    moving_average_gap_evaluation,
)
from octobot_trading import Candle, InvalidCandleError

from .catalogue_helpers import SYMBOL
from .helpers import Buffers, load_csv, start_exchange_manager

M1 = 60_000


@pytest.fixture(scope="module")
def rows() -> np.ndarray:
    return load_csv("XRP_ETH-1m.csv")[:1200]


@pytest.fixture
async def matrix():
    matrix = oe.EvaluationMatrix()
    await matrix.start(oc.Synchronizer())
    yield matrix
    await matrix.stop()


def make(cls, matrix, config: dict | None = None, time_frames=("1m", "5m")):
    return cls(oe.EvaluatorContext(matrix, "binance"), [SYMBOL], list(time_frames), config)


async def feed_closed(evaluator, rows: np.ndarray, time_frame: str = "1m") -> list[tuple[int, float]]:
    """Closed candles one by one; the (index, evaluation) of each publication."""
    key = evaluator.matrix_key(SYMBOL)
    published = []
    for index, row in enumerate(rows):
        before = evaluator.matrix.get(key)
        candle = Candle(int(row[0]), *map(float, row[1:]))
        await evaluator.new_candle(SYMBOL, time_frame, candle, closed=True, time=int(row[0]) + M1)
        after = evaluator.matrix.get(key)
        if after is not before:
            published.append((index, after.value))
    return published


@pytest.mark.parametrize("cls", (InstantFluctuationsEvaluator, InstantMAEvaluator), ids=lambda c: c.__name__)
async def test_schema_documents_every_key_and_refuses_a_bad_value(cls, matrix) -> None:
    assert cls.EVALUATOR_TYPE is oe.EvaluatorType.REAL_TIME and cls.__doc__
    assert cls.validate_config(dict(cls.DEFAULT_CONFIG)) == cls.DEFAULT_CONFIG
    for key, rule in cls.CONFIG_SCHEMA["properties"].items():
        assert rule.get("title"), key
    with pytest.raises(oe.EvaluatorConfigError, match="'time_frame'"):
        make(cls, matrix, {"time_frame": "7m"})


async def test_instant_fluctuations_match_the_windows_computed_with_numpy(matrix, rows) -> None:
    config = {"price_difference_threshold_percent": 0.3, "volume_difference_threshold_percent": 200.0}
    evaluator = make(InstantFluctuationsEvaluator, matrix, config)
    published = await feed_closed(evaluator, rows)
    expected, last = [], 0.0
    closes, volumes = rows[:, 4], rows[:, 5]
    for index in range(9, len(rows)):
        mean_prices = [closes[index - size + 1 : index + 1].mean() for size in (10, 8, 6, 5, 4, 3, 2, 1)]
        mean_volumes = [volumes[index - size + 1 : index + 1].mean() for size in (10, 8, 6, 5, 4, 3, 2, 1)]
        ups = sum(closes[index] > 1.003 * mean for mean in mean_prices)
        downs = sum(closes[index] < 0.997 * mean for mean in mean_prices)
        spikes = sum(volumes[index] > 3.0 * mean for mean in mean_volumes)
        count = ups - downs
        if count == 0:
            continue
        note = -np.sign(count) * math.cos(1 - abs(count) / 8 * min(1.0, spikes / 8 + 0.2))
        if abs(note - last) >= 0.15:
            expected.append((index, note))
            last = note
    assert len(expected) > 10
    assert [index for index, _ in published] == [index for index, _ in expected]
    np.testing.assert_allclose([v for _, v in published], [v for _, v in expected], atol=1e-9)
    # a jump up is a sell, a drop a buy, as OctoBot reads it (with +1 the strongest buy)
    for index, value in published:
        assert np.sign(value) == -np.sign(closes[index] - closes[index - 9 : index + 1].mean())


async def test_instant_fluctuations_watch_the_smallest_time_frame_and_forming_candles(matrix, rows) -> None:
    config = {"price_difference_threshold_percent": 0.5, "react_to_forming_candles": True}
    evaluator = make(InstantFluctuationsEvaluator, matrix, config)
    await feed_closed(evaluator, rows[:10], time_frame="5m")  # not the smallest: ignored
    key = evaluator.matrix_key(SYMBOL)
    assert matrix.get(key) is None
    await feed_closed(evaluator, rows[:10])
    last = rows[9]
    jump = Candle(int(last[0]) + M1, last[4], last[4] * 1.03, last[4], last[4] * 1.03, last[5])
    await evaluator.new_candle(SYMBOL, "1m", jump, closed=False, time=int(last[0]) + M1 + 5_000)
    assert matrix.get_value(key) < -0.5  # a 3 % jump of the forming candle: a sell, published at once
    again = jump._replace(close=last[4] * 1.031)
    await evaluator.new_candle(SYMBOL, "1m", again, closed=False, time=int(last[0]) + M1 + 9_000)
    assert matrix.get(key).time == int(last[0]) + M1 + 5_000  # moved less than 0.15: nothing published
    # the forming candles are not kept: the candle, once closed, is compared with the 10 closed candles
    # and itself, as by an evaluator that never saw it forming (delta 0: every evaluation is published)
    every = {**config, "min_triggering_delta": 0.0}
    matrices = [oe.EvaluationMatrix(), oe.EvaluationMatrix()]
    results = []
    for watched_forming, other in zip((True, False), matrices, strict=True):
        await other.start(oc.Synchronizer())
        try:
            twin = make(InstantFluctuationsEvaluator, other, every)
            await feed_closed(twin, rows[:10])
            if watched_forming:
                for forming in (jump, again):
                    await twin.new_candle(SYMBOL, "1m", forming, closed=False, time=int(last[0]) + M1 + 1)
            await twin.new_candle(SYMBOL, "1m", again, closed=True, time=int(last[0]) + 2 * M1)
            results.append(other.get_value(twin.matrix_key(SYMBOL)))
        finally:
            await other.stop()
    assert results[0] == results[1] and results[0] < -0.5
    # by default, forming candles are not evaluated: a backtest on candles never sees them
    default = make(InstantFluctuationsEvaluator, matrix, {"price_difference_threshold_percent": 0.5})
    await feed_closed(default, rows[:10])
    published = matrix.get(key)
    await default.new_candle(SYMBOL, "1m", jump, closed=False, time=int(last[0]) + M1 + 5_000)
    assert matrix.get(key) is published


@pytest.mark.parametrize("cls", (InstantFluctuationsEvaluator, InstantMAEvaluator), ids=lambda c: c.__name__)
async def test_a_nan_candle_is_refused_clearly_and_changes_nothing(cls, matrix, rows) -> None:
    evaluator = make(cls, matrix)
    await feed_closed(evaluator, rows[:20])
    key = evaluator.matrix_key(SYMBOL)
    before = matrix.get(key)
    bad = Candle(int(rows[20][0]), rows[20][1], rows[20][2], rows[20][3], float("nan"), rows[20][5])
    with pytest.raises(InvalidCandleError, match=f"{cls.__name__}: refused .* NaN"):
        await evaluator.new_candle(SYMBOL, "1m", bad, closed=True, time=int(rows[20][0]) + M1)
    assert matrix.get(key) is before
    other = oe.EvaluationMatrix()
    await other.start(oc.Synchronizer())
    try:  # then it goes on as if the bad candle never came
        expected = [(index - 20, value) for index, value in await feed_closed(make(cls, other), rows[:40])]
        assert await feed_closed(evaluator, rows[20:40]) == [item for item in expected if item[0] >= 0]
    finally:
        await other.stop()


async def test_instant_fluctuations_stay_silent_on_flat_prices(matrix) -> None:
    evaluator = make(InstantFluctuationsEvaluator, matrix)
    flat = np.array([[1_570_752_000_000 + i * M1, 0.3, 0.3, 0.3, 0.3, 10.0] for i in range(50)])
    assert await feed_closed(evaluator, flat) == []


async def test_instant_moving_average_on_candles_and_live_prices(matrix, rows) -> None:
    evaluator = make(InstantMAEvaluator, matrix, {"period": 6, "threshold_percent": 0.1})
    published = await feed_closed(evaluator, rows[:400])
    assert [index for index, _ in published] == list(range(5, 400))  # nothing during warm-up
    closes = rows[:400, 4]
    average = np.convolve(closes, np.ones(6) / 6, mode="valid")
    gap = closes[5:] / average - 1.0
    expected = np.where(np.abs(gap) * 100 <= 0.1, 0.0, -np.clip(gap, -1, 1))
    np.testing.assert_allclose([v for _, v in published], expected, atol=1e-12)
    assert (expected > 0).sum() > 20 and (expected < 0).sum() > 20
    # a live price is compared with the average of the closed candles, which it does not change
    key = evaluator.matrix_key(SYMBOL)
    price = average[-1] * 0.98
    await evaluator.new_price(SYMBOL, Decimal(str(price)), int(rows[399][0]) + M1 + 1)
    assert matrix.get_value(key) == pytest.approx(0.02, rel=1e-6)
    await evaluator.new_price(SYMBOL, Decimal(str(average[-1])), int(rows[399][0]) + M1 + 2)
    assert matrix.get_value(key) == 0.0  # on the average, which the live price did not move
    assert moving_average_gap_evaluation(3.0, 1.0, 0.5) == -1.0  # capped


async def test_instant_moving_average_through_the_exchange_channels() -> None:
    sync = oc.Synchronizer()
    manager = await start_exchange_manager(sync)
    matrix = oe.EvaluationMatrix()
    await matrix.start(sync)
    context = oe.EvaluatorContext.from_exchange_manager(matrix, manager)
    chain = oe.EvaluationChain(context, [SYMBOL], ["5m"])
    (evaluator,) = chain.add(InstantMAEvaluator, {"period": 3, "threshold_percent": 0.0})
    await chain.start()
    try:
        t = 1_515_560_100_000
        for index, close in enumerate((0.09, 0.091, 0.092)):
            await manager.push_candle(SYMBOL, "5m", [t + index * 300_000, close, close, close, close, 1.0])
            await sync.drain()
        key = evaluator.matrix_key(SYMBOL)
        assert matrix.get_value(key) == pytest.approx(-(0.092 / 0.091 - 1.0), rel=1e-9)
        await manager.push_ticker(SYMBOL, {"symbol": SYMBOL, "last": 0.0819, "timestamp": t + 900_001})
        await sync.drain()
        assert matrix.get_value(key) == pytest.approx(0.1, rel=1e-9)
    finally:
        await chain.stop()
        await matrix.stop()
        await manager.stop()


@pytest.mark.parametrize("cls", (InstantFluctuationsEvaluator, InstantMAEvaluator), ids=lambda c: c.__name__)
async def test_loaded_history_seeds_the_windows_as_if_it_had_been_pushed(cls, matrix, rows) -> None:
    """A live start loads history into the buffers without pushing it through the channels: the first
    evaluation reads it, so a live bot and a backtest that pushed every candle agree from the start."""
    buffers = Buffers()
    buffers(SYMBOL, "1m").load(rows[:300])
    seeded = cls(oe.EvaluatorContext(matrix, "binance", candles=buffers), [SYMBOL], ["1m", "5m"], None)
    seeded_published = []
    key = seeded.matrix_key(SYMBOL)
    for index, row in enumerate(rows[300:400]):
        buffers(SYMBOL, "1m").append(*row)  # the exchange manager appends, then sends the candle
        before = matrix.get(key)
        candle = Candle(int(row[0]), *map(float, row[1:]))
        await seeded.new_candle(SYMBOL, "1m", candle, closed=True, time=int(row[0]) + M1)
        if matrix.get(key) is not before:
            seeded_published.append((index + 300, matrix.get_value(key)))
    other = oe.EvaluationMatrix()
    await other.start(oc.Synchronizer())
    try:
        pushed = [item for item in await feed_closed(make(cls, other), rows[:400]) if item[0] >= 300]
    finally:
        await other.stop()
    if cls is InstantMAEvaluator:
        assert len(pushed) == 100
    assert seeded_published == pushed
