# cython: annotation_typing=False
"""Simple strategy: the plain average of the active evaluators' opinions."""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators.strategy import Strategy, StrategyTrigger


class SimpleStrategyEvaluator(Strategy):
    """Averages the TA evaluations of its time frames (and, unless disabled, the latest real-time and social
    evaluations of the symbol), skipping evaluators with no opinion yet. Runs once per complete TA cycle
    and after each real-time or social evaluation; None when nobody has an opinion.
    """

    NAME: ClassVar[str | None] = "SimpleStrategyEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = ("*",)
    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("1h", "4h", "1d")
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"include_real_time": True, "refresh_ta_on_real_time": False}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "include_real_time": {
                "type": "boolean",
                "title": "Also average the latest real-time and social evaluations",
            },
            "refresh_ta_on_real_time": {
                "type": "boolean",
                "title": "Refresh TA evaluators on the forming candle before a real-time run",
            },
        },
        "additionalProperties": False,
    }

    def evaluate(self, trigger: StrategyTrigger) -> float | None:
        symbol = trigger.symbol
        opinions = self.opinions(symbol, True, self.config["include_real_time"])
        total = 0.0
        for value in opinions:  # in order, from 0.0: the same float on every build
            total += value
        return total / len(opinions) if opinions else None
