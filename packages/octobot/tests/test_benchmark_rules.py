"""The benchmarks compare engines on the same rules: check, without timing anything, that the rules they
run are the ones they claim (the user MACD evaluator against the indicator library, the backtrader
default-profile rules against the shipped evaluators' scales) and that the pairs' series are real candles
chained as documented. Skipped when the benchmarks folder is not there (an installed wheel)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

import octobot
import octobot_evaluators as oe
from octobot_evaluators.tentacles.ta.momentum import rsi_to_evaluation
from octobot_evaluators.tentacles.ta.trend import moving_average_gap_to_evaluation
from octobot_trading import CandleBuffer

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
if not BENCHMARKS.is_dir():
    pytest.skip("the benchmarks folder is not shipped in the wheel", allow_module_level=True)
sys.path.insert(0, str(BENCHMARKS))

from baselines.backtrader_rules import rsi_evaluation, trend_evaluation  # noqa: E402
from engine_run import EngineRun, best_of  # noqa: E402
from long_series import MINUTE_MS, chained_series, pair_series, shared_data_folder  # noqa: E402
from user_macd import NAME, create_macd_tentacle  # noqa: E402

needs_data = pytest.mark.skipif(
    not (shared_data_folder() / "freqtrade").is_dir(), reason="real market data not found"
)


def test_backtrader_default_profile_rules_use_the_evaluators_scales():
    for rsi in np.linspace(0.0, 100.0, 401):
        assert rsi_evaluation(float(rsi), 30.0, 70.0) == pytest.approx(
            rsi_to_evaluation(float(rsi), 30.0, 70.0)
        )
    for gap in np.linspace(-0.05, 0.05, 201):
        fast, slow = 100.0 * (1 + float(gap)), 100.0
        assert trend_evaluation(fast, slow, 0.01) == pytest.approx(
            moving_average_gap_to_evaluation(fast, slow, 0.01)
        )


@needs_data
def test_each_pair_gets_another_chaining_of_the_real_candles():
    series = pair_series(["A/USDT", "B/USDT", "C/USDT"], 3_000)
    assert np.array_equal(series["A/USDT"], chained_series(3_000))
    closes = [candles[:, 4] for candles in series.values()]
    assert not np.array_equal(closes[0], closes[1]) and not np.array_equal(closes[1], closes[2])
    for candles in series.values():
        assert len(candles) == 3_000
        assert np.all(np.diff(candles[:, 0]) == MINUTE_MS)


@needs_data
def test_the_user_macd_evaluator_follows_the_indicator_library(tmp_path):
    folder = create_macd_tentacle(tmp_path / "home")
    info = octobot.TentacleRegistry.discover(folder, entry_points=False).get(NAME)
    assert info.kind is octobot.TentacleKind.TA and (folder / "tests").is_dir()

    closes = chained_series(600)[:, 4]
    expected = oe.macd(closes, 12, 26, 9).histogram
    matrix = oe.EvaluationMatrix("bench-macd-test")
    candles = CandleBuffer("BTC/USDT", "1m")
    context = oe.EvaluatorContext(matrix, "binance", candles=lambda symbol, time_frame: candles)
    evaluator = info.cls(context, ["BTC/USDT"], ["1m"])
    evaluations = []
    for index, close in enumerate(closes.tolist()):
        candles.append(index * MINUTE_MS, close, close, close, close, 1.0)
        evaluations.append(evaluator.evaluate(candles, forming=False))
    for value, histogram in zip(evaluations, expected.tolist(), strict=True):
        if math.isnan(histogram):
            assert value is None
        else:
            assert value == (1.0 if histogram > 0 else -1.0 if histogram < 0 else 0.0)
    assert evaluations.count(1.0) > 10 and evaluations.count(-1.0) > 10


def test_best_of_interleaves_rounds_keeps_each_engines_fastest_and_refuses_differing_results():
    calls: list[str] = []
    ours_seconds = iter([3.0, 1.0, 2.0])
    theirs_seconds = iter([5.0, 6.0, 4.0])

    def ours() -> EngineRun:
        calls.append("ours")
        return EngineRun("octobot", next(ours_seconds), 100, 3, 10.0, digest="abc")

    def theirs() -> EngineRun:
        calls.append("theirs")
        return EngineRun("backtrader", next(theirs_seconds), 100, 3, 10.0)

    def missing() -> None:
        calls.append("missing")

    runs = best_of(3, {"octobot": ours, "backtrader": theirs, "nautilus": missing})
    assert calls == ["ours", "theirs", "missing", "ours", "theirs", "ours", "theirs"]
    assert runs["octobot"] is not None and runs["octobot"].seconds == 1.0
    assert runs["backtrader"] is not None and runs["backtrader"].seconds == 4.0
    assert runs["nautilus"] is None

    digests = iter(["abc", "abd"])
    with pytest.raises(RuntimeError, match="not deterministic"):
        best_of(2, {"octobot": lambda: EngineRun("octobot", 1.0, 100, 3, 10.0, digest=next(digests))})
