# cython: annotation_typing=False
"""Technical analysis strategy: the TA evaluations averaged with a weight per time frame."""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators.strategy import Strategy, StrategyTrigger
from octobot_evaluators.tentacles.strategies._weights import time_frame_weights_schema


class TechnicalAnalysisStrategyEvaluator(Strategy):
    """The TA evaluations of its time frames averaged with one weight per time frame.

    Evaluators without an opinion are skipped; a time frame missing from `time_frames_to_weight` weighs
    `default_weight`, and a weight of 0 leaves it out. Real-time evaluations are not averaged: with
    `refresh_ta_on_real_time` (the default, as OctoBot) they make the TA evaluators re-evaluate on the
    forming candle, and the strategy runs on that fresh cycle. None when no evaluator has an opinion.
    """

    NAME: ClassVar[str | None] = "TechnicalAnalysisStrategyEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = ("*",)
    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("30m", "1h", "2h", "4h", "1d")
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "time_frames_to_weight": {"30m": 30, "1h": 50, "2h": 50, "4h": 50, "1d": 30},
        "default_weight": 50,
        "refresh_ta_on_real_time": True,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "time_frames_to_weight": time_frame_weights_schema(
                "Weight (0-100, a multiplier; 0 ignores it) of each time frame's TA evaluations"
            ),
            "default_weight": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "Weight (0-100) of a time frame missing from time_frames_to_weight",
            },
            "refresh_ta_on_real_time": {
                "type": "boolean",
                "title": "On a real-time evaluation, refresh the TA evaluators on the forming candle first",
            },
        },
        "required": ["time_frames_to_weight", "default_weight", "refresh_ta_on_real_time"],
        "additionalProperties": False,
    }

    def evaluate(self, trigger: StrategyTrigger) -> float | None:
        weights = self.config["time_frames_to_weight"]
        default = self.config["default_weight"]
        total = weight_sum = 0.0
        for key, entry in self.ta_evaluations(trigger.symbol).items():
            if entry is None or entry.value is None:
                continue
            weight = weights.get(key.time_frame, default)
            total += entry.value * weight
            weight_sum += weight
        return total / weight_sum if weight_sum > 0 else None
