"""Triggers other than the TA cycle: refresh and reset commands, real-time and social evaluations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import pytest

import octobot_channel as oc
import octobot_evaluators as oe
from octobot_evaluators import EvaluatorType
from octobot_evaluators.tentacles.ta.momentum import RSIMomentumEvaluator

from .helpers import load_csv, start_exchange_manager
from .test_evaluator_bases import LastMoveEvaluator, WildcardMove
from .test_strategy_cycle import RecordingStrategy

M5 = 300_000
SYMBOL = "ETH/BTC"


class PriceMoveEvaluator(oe.RealTimeEvaluator):
    """Bullish when the price rose since the previous change, bearish when it fell."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prices: list[Decimal] = []
        self.candles: list[tuple[oe.MatrixKey | None, bool]] = []

    def on_price(self, price):
        previous = self.prices[-1] if self.prices else None
        self.prices.append(Decimal(str(price)))
        if previous is None:
            return oe.UNCHANGED
        return 1.0 if self.prices[-1] > previous else -1.0

    def on_candle(self, candle, *, closed: bool):
        self.candles.append((candle.timestamp, closed))
        return oe.UNCHANGED


class KeywordEvaluator(oe.SocialEvaluator):
    """Reads a feed of posts: "moon" is bullish, "dump" bearish."""

    FEED: ClassVar[str | None] = "posts"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signals: list[oe.Signal] = []

    def on_signal(self, signal: oe.Signal) -> float:
        self.signals.append(signal)
        text = signal.payload["text"]
        return 1.0 if "moon" in text else -1.0 if "dump" in text else 0.0


class PostsFeed(oe.SocialFeed):
    NAME: ClassVar[str | None] = "posts"


@pytest.fixture
async def bot():
    """An exchange manager and a matrix on one synchronizer, 5m candles loaded for ETH/BTC."""
    sync = oc.Synchronizer()
    manager = await start_exchange_manager(sync)
    matrix = oe.EvaluationMatrix()
    await matrix.start(sync)
    rows = load_csv("ETH_BTC-5m.csv")[:60]
    manager.symbol_data(SYMBOL).candle_buffer("5m").load(rows[:-1])
    context = oe.EvaluatorContext.from_exchange_manager(matrix, manager)
    yield sync, manager, matrix, context, rows
    await matrix.stop()
    await manager.stop()


async def start_chain(context, *classes_and_configs) -> oe.EvaluationChain:
    chain = oe.EvaluationChain(context, [SYMBOL], ["5m"])
    for cls, config in classes_and_configs:
        chain.add(cls, config)
    await chain.start()
    return chain


async def test_refresh_command_re_evaluates_on_the_forming_candle(bot) -> None:
    sync, manager, matrix, context, rows = bot
    chain = await start_chain(context, (LastMoveEvaluator, {"strength": 1.0}))
    (evaluator,) = chain.evaluators
    published: list[dict] = []

    async def record(message: dict) -> None:
        published.append(message)

    await matrix.matrix_channel.new_consumer(record)
    await manager.push_candle(SYMBOL, "5m", rows[-1].tolist())
    await sync.drain()
    closed = rows[-1]
    key = evaluator.matrix_key(SYMBOL, "5m")
    assert matrix.get(key).time == int(closed[0]) + M5 and published[-1]["refresh"] is False
    # the next candle is forming, below the last close: a refresh must see it and turn bearish
    forming_open = int(closed[0]) + M5
    forming = [forming_open, closed[4], closed[4], closed[4] * 0.99, closed[4] * 0.99, 1.0]
    await manager.push_kline(SYMBOL, "5m", forming)
    refresh_time = forming_open + 120_000
    await oe.send_refresh(matrix, "binance", SYMBOL, "5m", refresh_time, source="test")
    await sync.drain()
    entry = matrix.get(key)
    assert (entry.value, entry.time, entry.valid_until) == (-1.0, refresh_time, forming_open + M5)
    assert published[-1]["refresh"] is True
    # a refresh for another symbol or another evaluator name is not for it
    await oe.send_refresh(matrix, "binance", "BTC/USDT", "5m", refresh_time + 1, source="test")
    await oe.send_refresh(
        matrix, "binance", SYMBOL, "5m", refresh_time + 2, source="test", evaluator_name="x"
    )
    await sync.drain()
    assert matrix.get(key).time == refresh_time
    await chain.stop()


async def test_reset_command_forgets_state_and_evaluations(bot) -> None:
    sync, manager, matrix, context, rows = bot
    chain = await start_chain(context, (RSIMomentumEvaluator, None))
    (rsi,) = chain.evaluators
    key = rsi.matrix_key(SYMBOL, "5m")
    await manager.push_candle(SYMBOL, "5m", rows[-1].tolist())
    await sync.drain()
    before = matrix.get_value(key)
    assert before is not None
    await oe.send_reset(matrix, "binance", EvaluatorType.TA, SYMBOL, source="test")
    await sync.drain()
    assert matrix.get(key) is None and rsi.eval_note is None
    # after a reset it warms up again from the buffer and reaches the same value
    await rsi.on_closed_candle(SYMBOL, "5m", manager.symbol_data(SYMBOL).candle_buffer("5m"))
    assert matrix.get_value(key) == pytest.approx(before, abs=1e-12)
    await chain.stop()


async def test_real_time_evaluator_runs_on_price_changes_and_candles_and_wakes_the_strategy(bot) -> None:
    sync, manager, matrix, context, rows = bot
    chain = await start_chain(context, (PriceMoveEvaluator, None), (RecordingStrategy, None))
    rt = chain.of_type(EvaluatorType.REAL_TIME)[0]
    strategy = chain.of_type(EvaluatorType.STRATEGY)[0]
    t = int(rows[-1][0]) + M5
    # drained after each push: Ticker and MarkPrice are two channels, each drained in its own order
    await manager.push_ticker(SYMBOL, {"symbol": SYMBOL, "last": 0.0900, "timestamp": t})
    await sync.drain()
    await manager.push_ticker(SYMBOL, {"symbol": SYMBOL, "last": 0.0900, "timestamp": t + 1})  # no change
    await sync.drain()
    await manager.push_mark_price(SYMBOL, Decimal("0.0910"), t + 2)
    await sync.drain()
    await manager.push_ticker(SYMBOL, {"symbol": SYMBOL, "last": 0.0905, "timestamp": t + 3})
    await sync.drain()
    assert rt.prices == [Decimal("0.09"), Decimal("0.0910"), Decimal("0.0905")]
    key = rt.matrix_key(SYMBOL)
    assert key.time_frame is None and matrix.get(key).value == -1.0 and matrix.get(key).time == t + 3
    # the strategy ran after each real-time evaluation, at its instant
    assert [(tr.evaluator_type, tr.time) for tr, _ in strategy.runs] == [
        (EvaluatorType.REAL_TIME, t + 2),
        (EvaluatorType.REAL_TIME, t + 3),
    ]
    await manager.push_kline(SYMBOL, "5m", [t, 0.09, 0.091, 0.089, 0.0905, 3.0])
    await manager.push_candle(SYMBOL, "5m", [t, 0.09, 0.091, 0.089, 0.0906, 5.0])
    await sync.drain()
    assert rt.candles == [(t, False), (t, True)]
    await chain.stop()


async def test_real_time_evaluation_can_refresh_ta_before_the_strategy_runs(bot) -> None:
    sync, manager, _, context, rows = bot
    chain = await start_chain(
        context,
        (LastMoveEvaluator, None),
        (PriceMoveEvaluator, None),
        (RecordingStrategy, {"refresh_ta_on_real_time": True}),
    )
    strategy = chain.of_type(EvaluatorType.STRATEGY)[0]
    ta = chain.of_type(EvaluatorType.TA)[0]
    await manager.push_candle(SYMBOL, "5m", rows[-1].tolist())
    await sync.drain()
    assert len(strategy.runs) == 1  # the TA cycle of the closed candle
    t = int(rows[-1][0]) + M5
    await manager.push_kline(SYMBOL, "5m", [t, 0.09, 0.091, 0.089, 0.0905, 3.0])
    await manager.push_ticker(SYMBOL, {"symbol": SYMBOL, "last": 0.0900, "timestamp": t + 10})
    await manager.push_ticker(SYMBOL, {"symbol": SYMBOL, "last": 0.0950, "timestamp": t + 20})
    await sync.drain()
    # one extra run, after the TA evaluator refreshed on the forming candle at the real-time instant
    assert len(strategy.runs) == 2
    trigger, seen = strategy.runs[-1]
    assert (trigger.evaluator_type, trigger.time, trigger.refresh) == (EvaluatorType.TA, t + 20, True)
    assert seen[ta.matrix_key(SYMBOL, "5m")].time == t + 20
    await chain.stop()


async def test_social_evaluator_runs_on_each_signal_of_its_feed_and_wakes_the_strategy(bot) -> None:
    sync, _, matrix, context, _ = bot
    chain = await start_chain(context, (KeywordEvaluator, None), (RecordingStrategy, None))
    social = chain.of_type(EvaluatorType.SOCIAL)[0]
    strategy = chain.of_type(EvaluatorType.STRATEGY)[0]
    feed = PostsFeed(matrix.matrix_id)
    other_feed = oe.SocialFeed(matrix.matrix_id, name="other")
    with pytest.raises(oe.EvaluatorsError, match="not started"):
        await feed.publish(oe.Signal("@someone", {"text": "moon"}, 1, SYMBOL))
    await feed.start()
    await other_feed.start()
    await feed.publish(oe.Signal("@alice", {"text": "ETH to the moon"}, 1_000, SYMBOL))
    await feed.publish(oe.Signal("@bob", {"text": "dump BTC"}, 2_000, "BTC/USDT"))  # not a watched symbol
    await other_feed.publish(oe.Signal("@carol", {"text": "moon"}, 3_000, SYMBOL))  # another feed
    await feed.publish(oe.Signal("@dave", {"text": "dump it"}, 4_000, SYMBOL))
    await sync.drain()
    assert [s.source for s in social.signals] == ["@alice", "@dave"]
    entry = matrix.get(social.matrix_key(SYMBOL))
    assert (entry.value, entry.time) == (-1.0, 4_000)
    assert [(tr.evaluator_type, tr.time) for tr, _ in strategy.runs] == [
        (EvaluatorType.SOCIAL, 1_000),
        (EvaluatorType.SOCIAL, 4_000),
    ]
    await chain.stop()


async def test_a_wildcard_ta_evaluator_handles_every_symbol_and_time_frame_from_one_instance(bot) -> None:
    sync, manager, matrix, context, rows = bot
    chain = oe.EvaluationChain(context, [SYMBOL, "BTC/USDT"], ["5m", "1h"])
    (wildcard,) = chain.add(WildcardMove)
    per_pair = chain.add(LastMoveEvaluator)
    await chain.start()
    assert len(per_pair) == 4 and wildcard.symbols == (SYMBOL, "BTC/USDT")
    btc_rows = [[int(r[0]), 40_000.0, 40_100.0, 39_900.0, 40_000.0 + i, 1.0] for i, r in enumerate(rows[:3])]
    for row in btc_rows:
        await manager.push_candle("BTC/USDT", "5m", row)
    await manager.push_candle(SYMBOL, "5m", rows[-1].tolist())
    await sync.drain()
    btc, eth = wildcard.matrix_key("BTC/USDT", "5m"), wildcard.matrix_key(SYMBOL, "5m")
    assert matrix.get(btc).value == 0.5 and matrix.get(btc).time == btc_rows[-1][0] + M5
    assert matrix.get(eth).time == int(rows[-1][0]) + M5
    assert matrix.get(wildcard.matrix_key("BTC/USDT", "1h")) is None  # no 1h candle yet
    await chain.stop()
