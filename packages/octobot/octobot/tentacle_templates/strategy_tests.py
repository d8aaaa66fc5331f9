"""Tests of TemplateTentacle; run them with:

python -m pytest TEMPLATE_TEST_PATH

The last test runs the equivalence check on real candles: point $OCTOBOT_CHECK_DATA at a data file or a
folder holding BTC/USDT 1h candles (or collect them with `octobot data collect`); it is skipped otherwise.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import octobot
import octobot_channel as oc
import octobot_evaluators as oe
from octobot.testing import assert_tentacle_equivalent, check_sources_or_skip

TENTACLES_FOLDER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TENTACLES_FOLDER))

from template_tentacle import TemplateTentacle, compute_evaluation  # noqa: E402

HOUR_MS = 3_600_000


def test_it_averages_the_opinions_it_has():
    assert compute_evaluation([0.5, -0.1, None], min_opinions=1) == 0.2
    assert compute_evaluation([0.5, None], min_opinions=2) is None
    assert compute_evaluation([], min_opinions=1) is None


def test_the_registry_loads_it_from_the_user_folder():
    registry = octobot.TentacleRegistry.discover(TENTACLES_FOLDER, entry_points=False)
    info = registry.get("TemplateTentacle")
    assert info.kind is octobot.TentacleKind.STRATEGY
    assert info.required_evaluators == ("*",)


def test_it_publishes_the_average_of_the_ta_evaluations():
    async def scenario() -> float | None:
        matrix = oe.EvaluationMatrix("template_tentacle-test")
        await matrix.start(oc.Synchronizer())
        try:
            context = oe.EvaluatorContext(matrix, "binance")
            strategy = TemplateTentacle(context, ["BTC/USDT"], ["1h"])
            close_time = 10 * HOUR_MS
            for evaluator, value in (("RSI", 0.6), ("Trend", -0.2)):
                key = oe.MatrixKey("binance", oe.EvaluatorType.TA, evaluator, "BTC", "BTC/USDT", "1h")
                matrix.write(key, value, close_time)
            await strategy.run(oe.StrategyTrigger(oe.EvaluatorType.TA, "BTC/USDT", close_time))
            return matrix.get_value(strategy.matrix_key("BTC/USDT"))
        finally:
            await matrix.stop()

    assert abs(asyncio.run(scenario()) - 0.2) < 1e-12


def test_it_behaves_the_same_in_a_backtest_and_live(tmp_path):
    report = assert_tentacle_equivalent(
        TemplateTentacle, sources=check_sources_or_skip(), candles=200, home=octobot.UserHome(tmp_path)
    )
    assert report.evaluations > 0
