"""The strategy trigger rule: once per complete TA cycle across time frames, never on a partial one.

Candles go through a real octobot_trading ExchangeManager (its OHLCV channel and candle buffers), as in a
backtest: channels synchronized, drained after every single candle so that a partial cycle would show.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

import numpy as np
import pytest

import octobot_channel as oc
import octobot_evaluators as oe
from octobot_evaluators import EvaluatorType

from .helpers import load_csv, resample, start_exchange_manager
from .test_evaluator_bases import LastMoveEvaluator

M5, M15, H = 300_000, 900_000, 3_600_000
SYMBOL = "ETH/BTC"


class RecordingStrategy(oe.Strategy):
    """Records each run with the TA evaluations it saw, then publishes their average."""

    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("5m", "15m", "1h")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.runs: list[tuple[oe.StrategyTrigger, dict]] = []
        self.queue: asyncio.Queue[oe.StrategyTrigger] = asyncio.Queue()

    def evaluate(self, trigger: oe.StrategyTrigger) -> float | None:
        seen = self.ta_evaluations(trigger.symbol)
        self.runs.append((trigger, seen))
        self.queue.put_nowait(trigger)
        values = [e.value for e in seen.values() if e is not None and e.value is not None]
        return sum(values) / len(values) if values else None


class SecondMove(LastMoveEvaluator):
    """A second TA evaluator per time frame, so a cycle waits for several evaluators of one time frame."""

    DEFAULT_CONFIG: ClassVar[dict] = {"strength": 0.25}


def candle_stream(count: int) -> list[tuple[int, str, list]]:
    """(close time, time frame, candle) of real 5m candles with the 15m and 1h ones built from them,
    in close-time order; at equal close times the longer time frame comes first (the harder order:
    the 5m evaluators complete last)."""
    five = load_csv("ETH_BTC-5m.csv")[:count]
    events = []
    for time_frame, step, rows in (
        ("5m", M5, five),
        ("15m", M15, resample(five, M15)),
        ("1h", H, resample(five, H)),
    ):
        events.extend((int(row[0]) + step, time_frame, row.tolist()) for row in rows)
    order = {"1h": 0, "15m": 1, "5m": 2}
    return sorted(events, key=lambda event: (event[0], order[event[1]]))


async def build(synchronizer: oc.Synchronizer | None):
    manager = await start_exchange_manager(synchronizer)
    matrix = oe.EvaluationMatrix()
    await matrix.start(synchronizer)
    context = oe.EvaluatorContext.from_exchange_manager(matrix, manager)
    chain = oe.EvaluationChain(context, [SYMBOL], ["5m", "15m", "1h"])
    chain.add(LastMoveEvaluator)
    chain.add(SecondMove)
    (strategy,) = chain.add(RecordingStrategy)
    await chain.start()
    return manager, matrix, chain, strategy


async def test_strategy_runs_once_per_complete_cycle_never_on_a_partial_one() -> None:
    sync = oc.Synchronizer()
    manager, matrix, chain, strategy = await build(sync)
    try:
        events = candle_stream(12 * 8)
        first_full = min(t for t, tf, _ in events if tf == "1h")  # before it, the 1h evaluators never ran
        for _, time_frame, candle in events:
            await manager.push_candle(SYMBOL, time_frame, candle)
            await sync.drain()  # every evaluator of this candle runs; a partial cycle would fire here
        run_times = [trigger.time for trigger, _ in strategy.runs]
        expected = sorted({t for t, tf, _ in events if tf == "5m" and t >= first_full})
        assert run_times == expected  # exactly once per 5m close once every time frame evaluated
        for trigger, seen in strategy.runs:
            assert trigger.evaluator_type is EvaluatorType.TA
            assert len(seen) == 6  # 2 evaluators x 3 time frames
            for entry in seen.values():  # every evaluation it saw is current at the cycle instant
                assert entry is not None and entry.covers(trigger.time)
        # the strategy's evaluations are on the matrix, one per run, and never woke it up again
        strategy_key = strategy.matrix_key(SYMBOL)
        assert matrix.get(strategy_key).time == run_times[-1]
    finally:
        await chain.stop()
        await matrix.stop()
        await manager.stop()


async def test_cycle_rule_holds_with_concurrent_consumers() -> None:
    """Normal (live) mode: consumers run in their own tasks; still one run per cycle, in order."""
    manager, matrix, chain, strategy = await build(None)
    try:
        events = candle_stream(12 * 4)
        first_full = min(t for t, tf, _ in events if tf == "1h")
        expected = sorted({t for t, tf, _ in events if tf == "5m" and t >= first_full})
        runs = []
        by_close: dict[int, list] = {}
        for close_time, time_frame, candle in events:
            by_close.setdefault(close_time, []).append((time_frame, candle))
        for close_time in sorted(by_close):
            for time_frame, candle in by_close[close_time]:
                await manager.push_candle(SYMBOL, time_frame, candle)
            if close_time >= first_full:
                trigger = await asyncio.wait_for(strategy.queue.get(), 30)  # hang guard, not a timing
                runs.append(trigger.time)
        assert runs == expected
        assert strategy.queue.empty()
    finally:
        await chain.stop()
        await matrix.stop()
        await manager.stop()


async def test_strategy_evaluations_reach_trading_modes_and_never_wake_strategies() -> None:
    sync = oc.Synchronizer()
    manager, matrix, chain, strategy = await build(sync)
    try:
        received: list[dict] = []

        async def trading_mode(message: dict) -> None:
            received.append(message)

        await oe.on_strategy_evaluation(matrix, trading_mode, exchange="binance", symbol=SYMBOL)
        for _, time_frame, candle in candle_stream(12 * 3):
            await manager.push_candle(SYMBOL, time_frame, candle)
            await sync.drain()
        assert len(received) == len(strategy.runs) > 0
        assert all(m["evaluator_type"] == EvaluatorType.STRATEGY for m in received)
        assert [m["evaluation_time"] for m in received] == [t.time for t, _ in strategy.runs]
        runs_before = len(strategy.runs)
        # a strategy evaluation (from anyone) does not wake strategies up
        await matrix.publish(strategy.matrix_key(SYMBOL), 0.5, received[-1]["evaluation_time"] + M5)
        await sync.drain()
        assert len(strategy.runs) == runs_before
    finally:
        await chain.stop()
        await matrix.stop()
        await manager.stop()


async def test_a_strategy_link_hands_symbol_value_and_time_to_its_receiver() -> None:
    """`StrategyLink` (how the orchestrator feeds a trading mode's set_evaluation): each strategy
    evaluation reaches the receiver as (symbol, evaluation, evaluation_time), and what the receiver
    returns is awaited before the drain completes."""
    sync = oc.Synchronizer()
    manager, matrix, chain, strategy = await build(sync)
    try:
        received: list[tuple] = []
        awaited: list[int] = []

        async def after(time: int | None) -> None:
            awaited.append(-1 if time is None else time)

        def set_evaluation(symbol: str, evaluation: float | None, time: int | None) -> object:
            received.append((symbol, evaluation, time))
            return after(time)

        link = oe.StrategyLink(set_evaluation)
        assert link.receiver is set_evaluation
        await oe.on_strategy_evaluation(matrix, link, exchange="binance", symbol=SYMBOL)
        for _, time_frame, candle in candle_stream(12 * 3):
            await manager.push_candle(SYMBOL, time_frame, candle)
            await sync.drain()
        assert len(received) == len(strategy.runs) > 0
        assert [time for _, _, time in received] == [t.time for t, _ in strategy.runs]
        assert awaited == [time for _, _, time in received]
        key = strategy.matrix_key(SYMBOL)
        assert received[-1] == (SYMBOL, matrix.get_value(key), matrix.get(key).time)
    finally:
        await chain.stop()
        await matrix.stop()
        await manager.stop()


@pytest.mark.parametrize("missing", ["5m", "1h"])
async def test_a_missing_evaluator_keeps_the_cycle_open(missing: str) -> None:
    """If one registered evaluator of one time frame never answers, the strategy never runs."""
    sync = oc.Synchronizer()
    manager, matrix, chain, strategy = await build(sync)
    try:
        silent = next(e for e in chain.of_type(EvaluatorType.TA) if e.time_frame == missing)
        await silent.stop()  # unsubscribed: its key stays registered but never gets evaluated again
        matrix.reset(silent.matrix_keys())
        for _, time_frame, candle in candle_stream(12 * 3):
            await manager.push_candle(SYMBOL, time_frame, candle)
            await sync.drain()
        assert strategy.runs == []
        assert np.all([matrix.get(k) is None for k in silent.matrix_keys()])
    finally:
        await chain.stop()
        await matrix.stop()
        await manager.stop()


async def test_two_bots_side_by_side_keep_their_own_matrices_and_cycles() -> None:
    """Two exchange managers + matrices in one process (a bot and a backtest): nothing leaks across."""
    sync_a, sync_b = oc.Synchronizer("a"), oc.Synchronizer("b")
    bot_a, bot_b = await build(sync_a), await build(sync_b)
    try:
        events = candle_stream(12 * 3)
        for _, time_frame, candle in events:
            await bot_a[0].push_candle(SYMBOL, time_frame, candle)
            await sync_a.drain()
        for _, time_frame, candle in events[: len(events) // 2]:
            await bot_b[0].push_candle(SYMBOL, time_frame, candle)
            await sync_b.drain()
        runs_a, runs_b = bot_a[3].runs, bot_b[3].runs
        assert len(runs_a) > len(runs_b) > 0
        assert [t.time for t, _ in runs_b] == [t.time for t, _ in runs_a[: len(runs_b)]]
        assert bot_a[1].matrix_id != bot_b[1].matrix_id
        key = bot_a[3].matrix_key(SYMBOL)
        assert bot_a[1].get(key).time == runs_a[-1][0].time
        assert bot_b[1].get(key).time == runs_b[-1][0].time
    finally:
        for manager, matrix, chain, _ in (bot_a, bot_b):
            await chain.stop()
            await matrix.stop()
            await manager.stop()
