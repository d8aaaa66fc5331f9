"""The evaluation matrix: constants, validation, keys, freshness, cycle queries and its channels."""

from __future__ import annotations

import math

import pytest

import octobot_channel as oc
import octobot_evaluators as oe
from octobot_evaluators import EvaluatorType

H = 3_600_000
M5 = 300_000
T0 = 1_700_000_000_000 - 1_700_000_000_000 % H  # an hour boundary


def key(name: str = "rsi", symbol: str = "BTC/USDT", time_frame: str | None = "1h", kind=EvaluatorType.TA):
    return oe.MatrixKey("binance", kind, name, oe.cryptocurrency_of(symbol), symbol, time_frame)


# ----------------------------------------------------------------- evaluation constants and validation
def test_evaluation_constants_mean_buy_positive_sell_negative() -> None:
    assert oe.STRONGEST_BUY == oe.BULLISH == 1.0
    assert oe.STRONGEST_SELL == oe.BEARISH == -1.0
    assert oe.NEUTRAL == 0.0
    assert oe.NO_OPINION is None
    assert oe.is_buy(0.3) and not oe.is_sell(0.3)
    assert oe.is_sell(-0.3) and not oe.is_buy(-0.3)
    assert not oe.is_buy(None) and not oe.is_sell(None) and not oe.is_buy(oe.NEUTRAL)


@pytest.mark.parametrize("value", [-1, -1.0, -0.25, 0, 0.5, 1, 1.0])
def test_valid_evaluations_are_returned_as_floats(value: float) -> None:
    result = oe.validate_evaluation(value, "rsi")
    assert isinstance(result, float) and result == value


def test_no_opinion_is_accepted() -> None:
    assert oe.validate_evaluation(None, "rsi") is None


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1.0001, -1.5, 7, "0.5", True])
def test_invalid_evaluations_are_refused_naming_the_evaluator(value: object) -> None:
    with pytest.raises(oe.InvalidEvaluationError, match="my_evaluator"):
        oe.validate_evaluation(value, "my_evaluator")


def test_invalid_evaluation_error_is_part_of_the_package_hierarchy() -> None:
    with pytest.raises(oe.EvaluatorsError):
        oe.validate_evaluation(2.0, "x")


def test_clamp_evaluation() -> None:
    assert oe.clamp_evaluation(3.0) == 1.0
    assert oe.clamp_evaluation(-3.0) == -1.0
    assert oe.clamp_evaluation(0.2) == 0.2


# ----------------------------------------------------------------- keys, writes and queries
def test_matrix_keys_and_registration() -> None:
    matrix = oe.EvaluationMatrix("keys")
    rsi_1h, rsi_4h, dma_1h = key("rsi"), key("rsi", time_frame="4h"), key("dma")
    eth = key("rsi", symbol="ETH/USDT")
    for k in (rsi_1h, rsi_4h, dma_1h, eth, rsi_1h):
        matrix.register(k)
    assert rsi_1h.cryptocurrency == "BTC" and eth.cryptocurrency == "ETH"
    assert matrix.registered_keys(symbol="BTC/USDT") == [rsi_1h, rsi_4h, dma_1h]
    assert matrix.registered_keys(evaluator_name="rsi", time_frame="4h") == [rsi_4h]
    assert matrix.get(rsi_1h) is None
    evaluations = matrix.evaluations("binance", EvaluatorType.TA, "BTC/USDT", ["1h"])
    assert evaluations == {rsi_1h: None, dma_1h: None}


def test_register_refuses_an_unknown_time_frame() -> None:
    matrix = oe.EvaluationMatrix("bad-tf")
    with pytest.raises(oe.UnknownTimeFrameError, match="2x"):
        matrix.register(key(time_frame="2x"))


def test_write_stores_value_time_and_freshness_window() -> None:
    matrix = oe.EvaluationMatrix("write")
    entry = matrix.write(key(), 0.5, T0)
    assert (entry.value, entry.time, entry.valid_until) == (0.5, T0, T0 + H)
    assert matrix.get(key()) == entry
    assert matrix.get_value(key()) == 0.5
    assert matrix.latest_evaluation_time("binance", "BTC/USDT") == T0
    matrix.write(key("dma", time_frame="5m"), -0.2, T0 + M5)
    assert matrix.latest_evaluation_time("binance", "BTC/USDT") == T0 + M5
    assert matrix.latest_evaluation_time("binance", "ETH/USDT") is None


def test_write_refuses_invalid_evaluations_naming_the_evaluator() -> None:
    matrix = oe.EvaluationMatrix("invalid")
    with pytest.raises(oe.InvalidEvaluationError, match="'broken'"):
        matrix.write(key("broken"), math.nan, T0)
    assert matrix.get(key("broken")) is None


def test_freshness_lasts_one_time_frame_plus_the_allowed_lag() -> None:
    backtest = oe.EvaluationMatrix("bt")
    live = oe.EvaluationMatrix("live", allowed_lag_ms=10_000)
    for matrix in (backtest, live):
        matrix.write(key(), 0.1, T0)
        assert matrix.is_fresh(key(), T0)
        assert matrix.is_fresh(key(), T0 + H - 1)
        assert not matrix.is_fresh(key(), T0 - 1)  # made after that instant
    assert not backtest.is_fresh(key(), T0 + H)
    assert live.is_fresh(key(), T0 + H + 9_999)
    assert not live.is_fresh(key(), T0 + H + 10_000)
    assert not backtest.is_fresh(key("never"), T0)


def test_an_evaluation_on_a_forming_candle_expires_when_that_candle_closes() -> None:
    matrix = oe.EvaluationMatrix("forming")
    entry = matrix.write(key(), 0.3, T0 + 20 * 60_000)  # refresh 20 min into the hour
    assert entry.valid_until == T0 + H
    assert not matrix.is_fresh(key(), T0 + H)


def test_evaluations_without_time_frame_stay_valid_until_replaced() -> None:
    matrix = oe.EvaluationMatrix("rt")
    rt = key("move", time_frame=None, kind=EvaluatorType.REAL_TIME)
    matrix.write(rt, -0.4, T0)
    assert matrix.is_fresh(rt, T0 + 1000 * H)


def test_cycle_is_complete_only_when_every_evaluator_of_every_time_frame_is_current() -> None:
    matrix = oe.EvaluationMatrix("cycle")
    keys = [key(name, time_frame=tf) for name in ("rsi", "dma") for tf in ("5m", "1h")]
    for k in keys:
        matrix.register(k)
    matrix.register(key("other-tf", time_frame="4h"))  # not among the strategy's time frames
    assert not matrix.is_cycle_complete("binance", "BTC/USDT", ["5m", "1h"], T0)
    for k in keys:
        matrix.write(k, 0.0, T0)
    assert matrix.is_cycle_complete("binance", "BTC/USDT", ["5m", "1h"], T0)
    # next 5m candle: only one of the two 5m evaluators answered yet
    matrix.write(key("rsi", time_frame="5m"), 0.0, T0 + M5)
    assert not matrix.is_cycle_complete("binance", "BTC/USDT", ["5m", "1h"], T0 + M5)
    matrix.write(key("dma", time_frame="5m"), 0.0, T0 + M5)
    assert matrix.is_cycle_complete("binance", "BTC/USDT", ["5m", "1h"], T0 + M5)
    # next hour: 5m evaluators done, 1h ones not yet -> partial
    for name in ("rsi", "dma"):
        matrix.write(key(name, time_frame="5m"), 0.0, T0 + H)
    assert not matrix.is_cycle_complete("binance", "BTC/USDT", ["5m", "1h"], T0 + H)
    # no registered evaluator at all: never complete
    assert not matrix.is_cycle_complete("binance", "BTC/USDT", ["1d"], T0)


def test_opinions_are_the_evaluated_values_with_an_opinion_in_registration_order() -> None:
    matrix = oe.EvaluationMatrix("opinions")
    for name, tf in (("rsi", "1h"), ("dma", "1h"), ("idle", "1h"), ("silent", "1h"), ("slow", "4h")):
        matrix.register(key(name, time_frame=tf))
    matrix.write(key("dma"), -0.25, T0)  # written first, registered second: registration order wins
    matrix.write(key("rsi"), 0.5, T0)
    matrix.write(key("silent"), None, T0)  # no opinion: skipped, as "idle" which never evaluated
    matrix.write(key("slow", time_frame="4h"), 1.0, T0)
    assert matrix.opinions("binance", EvaluatorType.TA, "BTC/USDT", frozenset({"1h"})) == [0.5, -0.25]
    assert matrix.opinions("binance", EvaluatorType.TA, "BTC/USDT") == [0.5, -0.25, 1.0]
    assert matrix.opinions("binance", EvaluatorType.TA, "ETH/USDT") == []
    assert matrix.opinions("binance", EvaluatorType.SOCIAL, "BTC/USDT") == []
    # the same values as the evaluations a strategy would unpack
    entries = matrix.evaluations("binance", EvaluatorType.TA, "BTC/USDT", ["1h", "4h"]).values()
    expected = [entry.value for entry in entries if entry is not None and entry.value is not None]
    assert matrix.opinions("binance", EvaluatorType.TA, "BTC/USDT", ["1h", "4h"]) == expected


def test_a_group_is_live_in_registration_order_and_its_opinions_are_a_new_list() -> None:
    matrix = oe.EvaluationMatrix("groups")
    hourly = matrix.group("binance", EvaluatorType.TA, "BTC/USDT", ["1h"])
    assert isinstance(hourly, oe.EvaluationGroup)
    assert len(hourly) == 0 and not hourly.is_complete(T0) and hourly.opinions() == []
    matrix.register(key("rsi"))
    matrix.register(key("slow", time_frame="4h"))  # another time frame: not in the group
    matrix.write(key("dma"), -0.25, T0)  # registered by its write, after the group was made
    assert hourly.keys() == [key("rsi"), key("dma")]
    assert matrix.group("binance", EvaluatorType.TA, "BTC/USDT", frozenset({"1h"})) is hourly
    assert not hourly.is_complete(T0)  # rsi never evaluated
    matrix.write(key("rsi"), 0.5, T0)
    assert hourly.is_complete(T0) and not hourly.is_complete(T0 + H)  # expired at the next close
    opinions = hourly.opinions()
    assert opinions == [0.5, -0.25]
    opinions.append(1.0)  # the caller's list: the group and the next call are unaffected
    assert hourly.opinions() == [0.5, -0.25]
    assert hourly.entries() == {key("rsi"): matrix.get(key("rsi")), key("dma"): matrix.get(key("dma"))}
    assert matrix.cell(key("rsi")).entry is matrix.get(key("rsi"))
    matrix.reset([key("rsi")])
    assert hourly.opinions() == [-0.25] and matrix.cell(key("rsi")).entry is None


def test_reset_forgets_values_but_keeps_registrations() -> None:
    matrix = oe.EvaluationMatrix("reset")
    matrix.write(key("a"), 0.1, T0)
    matrix.write(key("b"), 0.2, T0)
    matrix.reset([key("a")])
    assert matrix.get(key("a")) is None and matrix.get_value(key("b")) == 0.2
    matrix.reset()
    assert matrix.get(key("b")) is None
    assert len(matrix.registered_keys()) == 2


# ----------------------------------------------------------------- channels
async def test_publish_requires_a_started_matrix() -> None:
    matrix = oe.EvaluationMatrix("not-started")
    with pytest.raises(oe.MatrixError, match="start"):
        await matrix.publish(key(), 0.1, T0)


async def test_matrix_channel_broadcasts_with_filters_on_every_key_field() -> None:
    sync = oc.Synchronizer()
    matrix = oe.EvaluationMatrix("filters")
    await matrix.start(sync)
    try:
        received: dict[str, list[dict]] = {"all": [], "eth": [], "rsi_1h": [], "rt": []}

        def recorder(name: str):
            async def record(message: dict) -> None:
                received[name].append(message)

            return record

        channel = matrix.matrix_channel
        await channel.new_consumer(recorder("all"))
        await channel.new_consumer(recorder("eth"), filters={"symbol": "ETH/USDT", "time_frame": oc.WILDCARD})
        await channel.new_consumer(
            recorder("rsi_1h"),
            filters={
                "exchange": "binance",
                "evaluator_type": EvaluatorType.TA,
                "evaluator_name": "rsi",
                "cryptocurrency": "BTC",
                "symbol": "BTC/USDT",
                "time_frame": "1h",
            },
        )
        await channel.new_consumer(recorder("rt"), filters={"evaluator_type": "REAL_TIME"})
        await matrix.publish(key("rsi"), 0.5, T0)
        await matrix.publish(key("rsi", time_frame="4h"), -0.5, T0)
        await matrix.publish(key("rsi", symbol="ETH/USDT"), None, T0)
        await matrix.publish(key("move", time_frame=None, kind=EvaluatorType.REAL_TIME), 1.0, T0 + 5)
        await sync.drain()
        assert len(received["all"]) == 4
        assert [m["symbol"] for m in received["eth"]] == ["ETH/USDT"]
        assert [(m["evaluation"], m["evaluation_time"]) for m in received["rsi_1h"]] == [(0.5, T0)]
        assert received["rsi_1h"][0]["valid_until"] == T0 + H
        assert received["rsi_1h"][0]["matrix_id"] == "filters"
        assert [m["evaluator_name"] for m in received["rt"]] == ["move"]
    finally:
        await matrix.stop()


async def test_several_matrices_side_by_side_do_not_share_evaluations_or_messages() -> None:
    sync = oc.Synchronizer()
    first, second = oe.EvaluationMatrix("bot-a"), oe.EvaluationMatrix("backtest-b")
    await first.start(sync)
    await second.start(sync)
    try:
        seen: dict[str, list[float]] = {"bot-a": [], "backtest-b": []}
        for matrix in (first, second):

            async def record(message: dict, _id: str = matrix.matrix_id) -> None:
                seen[_id].append(message["evaluation"])

            await matrix.matrix_channel.new_consumer(record)
        await first.publish(key(), 0.25, T0)
        await second.publish(key(), -0.75, T0)
        await second.publish(key(), -0.5, T0 + H)
        await sync.drain()
        assert seen == {"bot-a": [0.25], "backtest-b": [-0.75, -0.5]}
        assert first.get_value(key()) == 0.25 and second.get_value(key()) == -0.5
        assert first.matrix_channel is not second.matrix_channel
    finally:
        await first.stop()
        await second.stop()
    with pytest.raises(oc.ChannelNotFoundError):
        oc.get_channel("MatrixChannel", scope="bot-a")


async def test_matrix_ids_are_unique_by_default_and_a_matrix_starts_once() -> None:
    a, b = oe.EvaluationMatrix(), oe.EvaluationMatrix()
    assert a.matrix_id != b.matrix_id
    await a.start()
    try:
        with pytest.raises(oe.MatrixError, match="already started"):
            await a.start()
    finally:
        await a.stop()
