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
from octobot_trading import Candle

TENTACLES_FOLDER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TENTACLES_FOLDER))

from template_tentacle import TemplateTentacle, compute_evaluation  # noqa: E402

HOUR_MS = 3_600_000


def test_a_candle_closing_at_its_high_is_bullish_and_at_its_low_bearish():
    assert compute_evaluation(100.0, 110.0, 100.0, 110.0, 0.1) == 1.0
    assert compute_evaluation(110.0, 110.0, 100.0, 100.0, 0.1) == -1.0
    assert compute_evaluation(100.0, 110.0, 90.0, 105.0, 0.1) == 0.25


def test_a_flat_candle_has_no_opinion():
    assert compute_evaluation(100.0, 100.05, 99.99, 100.0, 0.1) is None


def test_the_registry_loads_it_from_the_user_folder():
    registry = octobot.TentacleRegistry.discover(TENTACLES_FOLDER, entry_points=False)
    assert registry.get("TemplateTentacle").kind is octobot.TentacleKind.REAL_TIME


def test_the_forming_candle_and_then_the_closed_one_are_published():
    async def scenario() -> list[float | None]:
        matrix = oe.EvaluationMatrix("template_tentacle-test")
        await matrix.start(oc.Synchronizer())
        try:
            evaluator = TemplateTentacle(oe.EvaluatorContext(matrix, "binance"), ["BTC/USDT"], ["1h"])
            key = evaluator.matrix_key("BTC/USDT")
            seen = []
            forming = Candle(0, 100.0, 104.0, 100.0, 104.0, 5.0)
            await evaluator.new_candle("BTC/USDT", "1h", forming, closed=False, time=HOUR_MS // 2)
            seen.append(matrix.get_value(key))
            closed = Candle(0, 100.0, 104.0, 96.0, 98.0, 9.0)
            await evaluator.new_candle("BTC/USDT", "1h", closed, closed=True, time=HOUR_MS)
            seen.append(matrix.get_value(key))
            return seen
        finally:
            await matrix.stop()

    assert asyncio.run(scenario()) == [1.0, -0.25]


def test_it_behaves_the_same_in_a_backtest_and_live(tmp_path):
    report = assert_tentacle_equivalent(
        TemplateTentacle, sources=check_sources_or_skip(), candles=200, home=octobot.UserHome(tmp_path)
    )
    assert report.evaluations > 0
