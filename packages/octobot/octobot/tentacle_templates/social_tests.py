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


def test_calls_and_scores_become_evaluations():
    assert compute_evaluation({"side": "BUY"}, 0.8) == 0.8
    assert compute_evaluation({"side": "sell"}, 0.8) == -0.8
    assert compute_evaluation({"score": 3}, 0.8) == 1.0
    assert compute_evaluation({"text": "gm"}, 0.8) is oe.UNCHANGED


def test_the_registry_loads_it_from_the_user_folder():
    registry = octobot.TentacleRegistry.discover(TENTACLES_FOLDER, entry_points=False)
    assert registry.get("TemplateTentacle").kind is octobot.TentacleKind.SOCIAL


def test_a_signal_of_its_feed_is_evaluated_and_published():
    async def scenario() -> tuple[float | None, float | None]:
        synchronizer = oc.Synchronizer()
        matrix = oe.EvaluationMatrix("template_tentacle-test")
        await matrix.start(synchronizer)
        context = oe.EvaluatorContext(matrix, "binance")
        evaluator = TemplateTentacle(context, ["BTC/USDT", "ETH/USDT"])
        feed = oe.SocialFeed(matrix.matrix_id, name="webhook")
        await evaluator.start()
        await feed.start()
        try:
            await feed.publish(oe.Signal("test", {"side": "buy"}, time=1_000, symbol="ETH/USDT"))
            await feed.publish(oe.Signal("test", {"text": "ignored"}, time=2_000, symbol="BTC/USDT"))
            await synchronizer.drain()
            return (
                matrix.get_value(evaluator.matrix_key("ETH/USDT")),
                matrix.get_value(evaluator.matrix_key("BTC/USDT")),
            )
        finally:
            await feed.stop()
            await evaluator.stop()
            await matrix.stop()

    assert asyncio.run(scenario()) == (0.8, None)


def test_it_behaves_the_same_in_a_backtest_and_live(tmp_path):
    report = assert_tentacle_equivalent(
        TemplateTentacle, sources=check_sources_or_skip(), candles=200, home=octobot.UserHome(tmp_path)
    )
    assert report.evaluations > 0
