"""Evaluator bases: declared kind, config and schema, history needs, wildcards, publishing, scripts."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pytest

import octobot_channel as oc
import octobot_evaluators as oe
from octobot_evaluators import EvaluatorType

from .helpers import Buffers, load_csv


class LastMoveEvaluator(oe.TechnicalEvaluator):
    """Sign of the last close-to-close move (a tiny real evaluator for the tests)."""

    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"strength": 0.5}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"strength": {"type": "number", "minimum": 0, "maximum": 1}},
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 2

    def evaluate(self, candles, *, forming: bool) -> float | None:
        closes = candles.closes(include_current=forming)
        if len(closes) < 2:
            return None
        return float(np.sign(closes[-1] - closes[-2])) * self.config["strength"]


class WildcardMove(LastMoveEvaluator):
    WILDCARD_SYMBOL: ClassVar[bool] = True
    WILDCARD_TIME_FRAME: ClassVar[bool] = True


@pytest.fixture
async def matrix():
    sync = oc.Synchronizer()
    matrix = oe.EvaluationMatrix("bases")
    await matrix.start(sync)
    yield matrix
    await matrix.stop()


def test_bases_declare_their_kind() -> None:
    assert oe.TechnicalEvaluator.EVALUATOR_TYPE is EvaluatorType.TA
    assert oe.RealTimeEvaluator.EVALUATOR_TYPE is EvaluatorType.REAL_TIME
    assert oe.SocialEvaluator.EVALUATOR_TYPE is EvaluatorType.SOCIAL
    assert oe.Strategy.EVALUATOR_TYPE is EvaluatorType.STRATEGY
    assert oe.ScriptedEvaluator.EVALUATOR_TYPE is EvaluatorType.TA
    assert all(base.__dict__["ABSTRACT"] for base in (oe.TechnicalEvaluator, oe.Strategy, oe.SocialEvaluator))
    assert LastMoveEvaluator.ABSTRACT is False
    assert LastMoveEvaluator.get_name() == "LastMoveEvaluator"


def test_an_evaluator_without_kind_is_refused() -> None:
    with pytest.raises(oe.EvaluatorDefinitionError, match="EVALUATOR_TYPE"):

        class Orphan(oe.AbstractEvaluator):
            pass


def test_defaults_must_satisfy_the_schema() -> None:
    with pytest.raises(oe.EvaluatorConfigError, match="period"):

        class Broken(oe.TechnicalEvaluator):
            DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"period": -1}
            CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
                "type": "object",
                "properties": {"period": {"type": "integer", "minimum": 1}},
            }


def test_an_invalid_schema_is_refused() -> None:
    with pytest.raises(oe.EvaluatorDefinitionError, match="JSON Schema"):

        class BadSchema(oe.TechnicalEvaluator):
            CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {"type": "not-a-type"}


async def test_config_is_merged_with_defaults_and_validated(matrix) -> None:
    context = oe.EvaluatorContext(matrix, "binance")
    evaluator = LastMoveEvaluator(context, ["BTC/USDT"], ["1h"], {"strength": 0.8})
    assert evaluator.config == {"strength": 0.8}
    assert LastMoveEvaluator(context, ["BTC/USDT"], ["1h"]).config == {"strength": 0.5}
    with pytest.raises(oe.EvaluatorConfigError, match="strength"):
        LastMoveEvaluator(context, ["BTC/USDT"], ["1h"], {"strength": 3})
    with pytest.raises(oe.EvaluatorConfigError, match="unknown_key"):
        LastMoveEvaluator(context, ["BTC/USDT"], ["1h"], {"unknown_key": 1})


async def test_non_wildcard_evaluators_get_one_instance_per_symbol_and_time_frame(matrix) -> None:
    context = oe.EvaluatorContext(matrix, "binance")
    symbols, time_frames = ["BTC/USDT", "ETH/USDT"], ["5m", "1h", "4h"]
    instances = oe.create_evaluators(LastMoveEvaluator, context, symbols, time_frames)
    assert sorted((e.symbol, e.time_frame) for e in instances) == sorted(
        (s, tf) for s in symbols for tf in time_frames
    )
    wildcard = oe.create_evaluators(WildcardMove, context, symbols, time_frames)
    assert len(wildcard) == 1 and wildcard[0].symbols == tuple(symbols)
    assert len(wildcard[0].matrix_keys()) == 6
    with pytest.raises(oe.EvaluatorsError, match="one instance per symbol"):
        LastMoveEvaluator(context, symbols, ["1h"])


async def test_chain_registers_every_key_and_reports_the_history_to_load(matrix) -> None:
    context = oe.EvaluatorContext(matrix, "binance")
    chain = oe.EvaluationChain(context, ["BTC/USDT"], ["5m", "1h"])
    chain.add(LastMoveEvaluator)
    chain.add(oe.ScriptedEvaluator.from_function(lambda c, ctx: 0.0, name="flat", required_history=50))
    await chain.start()
    try:
        assert len(matrix.registered_keys(evaluator_type=EvaluatorType.TA)) == 4
        assert chain.required_history("1h") == 50
        assert len(chain.of_type(EvaluatorType.TA)) == 4
    finally:
        await chain.stop()


async def test_an_evaluation_is_published_at_the_candle_close_time(matrix, buffers: Buffers) -> None:
    candles = load_csv("ETH_BTC-5m.csv")[:30]
    buffer = buffers("ETH/BTC", "5m")
    buffer.load(candles)
    evaluator = LastMoveEvaluator(
        oe.EvaluatorContext(matrix, "binance", candles=buffers), ["ETH/BTC"], ["5m"]
    )
    await evaluator.on_closed_candle("ETH/BTC", "5m", buffer)
    entry = matrix.get(evaluator.matrix_key("ETH/BTC", "5m"))
    expected = float(np.sign(candles[-1, 4] - candles[-2, 4])) * 0.5
    assert entry.value == expected
    assert entry.time == int(candles[-1, 0]) + 300_000  # close time of the last candle


async def test_an_invalid_evaluation_is_refused_naming_the_evaluator(matrix, buffers: Buffers) -> None:
    script = oe.ScriptedEvaluator.from_function(lambda candles, ctx: math.nan, name="nan_script")
    buffers("ETH/BTC", "5m").load(load_csv("ETH_BTC-5m.csv")[:5])
    evaluator = script(oe.EvaluatorContext(matrix, "binance", candles=buffers), ["ETH/BTC"], ["5m"])
    with pytest.raises(oe.InvalidEvaluationError, match="nan_script"):
        await evaluator.on_closed_candle("ETH/BTC", "5m", buffers("ETH/BTC", "5m"))
    assert matrix.get(evaluator.matrix_key("ETH/BTC", "5m")) is None


async def test_scripted_evaluator_runs_the_user_function_per_candle(matrix, buffers: Buffers) -> None:
    calls: list[tuple[str, str, int, bool, int]] = []

    def above_mean(candles, context: oe.ScriptContext) -> float | None:
        closes = candles.closes(context.config["window"])
        calls.append((context.symbol, context.time_frame, context.time, context.forming, len(closes)))
        if len(closes) < context.config["window"]:
            return None
        return 1.0 if closes[-1] > closes.mean() else -1.0

    script = oe.ScriptedEvaluator.from_function(
        above_mean, default_config={"window": 4}, config_schema={"type": "object"}
    )
    assert script.get_name() == "above_mean" and script.EVALUATOR_TYPE is EvaluatorType.TA
    evaluator = script(oe.EvaluatorContext(matrix, "binance", candles=buffers), ["ETH/BTC"], ["5m"])
    rows = load_csv("ETH_BTC-5m.csv")[:6]
    buffer = buffers("ETH/BTC", "5m")
    values = []
    for row in rows:
        buffer.append(*row)
        await evaluator.on_closed_candle("ETH/BTC", "5m", buffer)
        values.append(matrix.get_value(evaluator.matrix_key("ETH/BTC", "5m")))
    assert values[:3] == [None, None, None]
    for index in range(3, 6):
        window = rows[index - 3 : index + 1, 4]
        assert values[index] == (1.0 if window[-1] > window.mean() else -1.0)
    assert [c[2] for c in calls] == [int(r[0]) + 300_000 for r in rows]
    assert not any(c[3] for c in calls)


def test_an_async_trigger_method_is_refused_at_class_creation() -> None:
    """The old contract (async evaluate publishing itself) fails early, saying what to write instead."""
    with pytest.raises(oe.EvaluatorDefinitionError, match=r"OldStyle.evaluate is async.*plain method"):

        class OldStyle(oe.TechnicalEvaluator):
            async def evaluate(self, candles, *, forming: bool) -> None:  # type: ignore[override]
                return None

    with pytest.raises(oe.EvaluatorDefinitionError, match="on_signal is async"):

        class OldSocial(oe.SocialEvaluator):
            FEED = "posts"

            async def on_signal(self, signal):  # type: ignore[override]
                return None


async def test_an_async_script_is_refused_naming_it(matrix, buffers: Buffers) -> None:
    async def late(candles, context):
        return 0.1

    script = oe.ScriptedEvaluator.from_function(late)
    buffers("ETH/BTC", "5m").load(load_csv("ETH_BTC-5m.csv")[:5])
    evaluator = script(oe.EvaluatorContext(matrix, "binance", candles=buffers), ["ETH/BTC"], ["5m"])
    with pytest.raises(oe.EvaluatorDefinitionError, match="'late' returned an awaitable"):
        await evaluator.on_closed_candle("ETH/BTC", "5m", buffers("ETH/BTC", "5m"))
    assert matrix.get(evaluator.matrix_key("ETH/BTC", "5m")) is None


async def test_unchanged_publishes_nothing_and_none_publishes_no_opinion(matrix, buffers: Buffers) -> None:
    answers = iter([0.25, oe.UNCHANGED, None])
    script = oe.ScriptedEvaluator.from_function(lambda candles, ctx: next(answers), name="scripted")
    rows = load_csv("ETH_BTC-5m.csv")[:3]
    buffer = buffers("ETH/BTC", "5m")
    evaluator = script(oe.EvaluatorContext(matrix, "binance", candles=buffers), ["ETH/BTC"], ["5m"])
    key = evaluator.matrix_key("ETH/BTC", "5m")
    seen = []
    for row in rows:
        buffer.append(*row)
        await evaluator.on_closed_candle("ETH/BTC", "5m", buffer)
        entry = matrix.get(key)
        seen.append((entry.value, entry.time))
    first_close = int(rows[0, 0]) + 300_000
    assert seen == [(0.25, first_close), (0.25, first_close), (None, int(rows[2, 0]) + 300_000)]
    assert evaluator.eval_note is None


async def test_an_evaluator_stops_cleanly_after_its_matrix(buffers: Buffers) -> None:
    matrix = oe.EvaluationMatrix()
    await matrix.start()
    context = oe.EvaluatorContext(matrix, "binance", candles=buffers)
    chain = oe.EvaluationChain(context, ["ETH/BTC"], ["5m"])
    (evaluator,) = chain.add(LastMoveEvaluator)
    await chain.start()
    assert len(matrix.evaluators_channel.consumers) == 1
    await matrix.stop()
    await chain.stop()  # must not raise although the matrix's channels are gone
    assert evaluator._consumers == []
