# cython: annotation_typing=False
"""SuperTrend evaluator: the direction of the SuperTrend line, or only its reversals."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.indicators import Indicator, SuperTrend
from octobot_evaluators.tentacles.ta._signal import SignalEvaluator


class _SuperTrendSide(Indicator):
    NAME = "SuperTrendSide"
    INPUTS = ("high", "low", "close")

    def __init__(self, length: int, factor: float, reversals_only: bool) -> None:
        super().__init__()
        self._supertrend = SuperTrend(length, factor)
        self.lookback = self._supertrend.lookback
        self._reversals_only = reversals_only
        self._direction = 0.0
        self._children = (self._supertrend,)

    def _step(self, high: float, low: float, close: float) -> float:
        direction = self._supertrend._step(high, low, close).direction
        if direction != direction:
            return math.nan
        previous, self._direction = self._direction, direction
        if not self._reversals_only:
            return direction
        return direction if previous != 0.0 and direction != previous else math.nan


class SuperTrendEvaluator(SignalEvaluator):
    """SuperTrend direction (+1 up-trend, -1 down-trend), or only its reversals.

    SuperTrend (TradingView's, on a Wilder ATR): +1 in an up-trend, -1 in a down-trend; with
    ``reversals_only``, +-1 only on the candle the trend flips and no opinion otherwise."""

    NAME: ClassVar[str | None] = "SuperTrendEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"factor": 3.0, "length": 10, "reversals_only": False}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "factor": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 50,
                "title": "Band distance from hl2, in ATRs",
            },
            "length": {"type": "integer", "minimum": 1, "maximum": 500, "title": "ATR period (candles)"},
            "reversals_only": {
                "type": "boolean",
                "title": "Give an opinion only on the candle the trend flips",
            },
        },
        "required": ["factor", "length", "reversals_only"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 50

    @property
    def required_history(self) -> int:
        return 5 * self.config["length"]

    def new_signal(self) -> Indicator:
        config = self.config
        return _SuperTrendSide(config["length"], config["factor"], config["reversals_only"])
