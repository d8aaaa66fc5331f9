"""Tests of TemplateTentacle; run them with:

python -m pytest TEMPLATE_TEST_PATH

The last test runs the equivalence check on real candles: point $OCTOBOT_CHECK_DATA at a data file or a
folder holding BTC/USDT 1h candles (or collect them with `octobot data collect`); it is skipped otherwise.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import numpy as np

import octobot
import octobot_channel as oc
import octobot_evaluators as oe
from octobot.testing import assert_tentacle_equivalent, check_sources_or_skip
from octobot_trading import CandleBuffer

TENTACLES_FOLDER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TENTACLES_FOLDER))

from template_tentacle import TemplateTentacle, compute_evaluation  # noqa: E402

HOUR_MS = 3_600_000


def test_rising_closes_are_bullish_and_falling_closes_bearish():
    rising = np.linspace(100.0, 105.0, 20)
    assert 0 < compute_evaluation(rising, 10) <= 1
    assert -1 <= compute_evaluation(rising[::-1], 10) < 0


def test_no_opinion_before_enough_candles():
    assert compute_evaluation(np.array([100.0, 101.0]), 10) is None


def test_the_registry_loads_it_from_the_user_folder():
    registry = octobot.TentacleRegistry.discover(TENTACLES_FOLDER, entry_points=False)
    info = registry.get("TemplateTentacle")
    assert info.kind is octobot.TentacleKind.TA
    assert info.default_config == {"period": 10}


def test_it_publishes_its_evaluation_into_the_matrix():
    async def scenario() -> float | None:
        matrix = oe.EvaluationMatrix("template_tentacle-test")
        await matrix.start(oc.Synchronizer())
        candles = CandleBuffer("BTC/USDT", "1h")
        for index, close in enumerate(np.linspace(100.0, 110.0, 15)):
            candles.append(index * HOUR_MS, close, close + 1, close - 1, close, 10.0)
        context = oe.EvaluatorContext(matrix, "binance", candles=lambda symbol, time_frame: candles)
        evaluator = TemplateTentacle(context, ["BTC/USDT"], ["1h"])
        try:
            await evaluator.on_closed_candle("BTC/USDT", "1h", candles)
            return matrix.get_value(evaluator.matrix_key("BTC/USDT", "1h"))
        finally:
            await matrix.stop()

    value = asyncio.run(scenario())
    assert value is not None and 0 < value <= 1


def test_it_behaves_the_same_in_a_backtest_and_live(tmp_path):
    report = assert_tentacle_equivalent(
        TemplateTentacle, sources=check_sources_or_skip(), candles=200, home=octobot.UserHome(tmp_path)
    )
    assert report.evaluations > 0
