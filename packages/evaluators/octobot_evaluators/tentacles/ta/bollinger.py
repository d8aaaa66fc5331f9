# cython: annotation_typing=False
"""Bollinger bands momentum evaluator: where the close stands in the bands."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.indicators import BollingerBands, Indicator
from octobot_evaluators.tentacles.ta._signal import SignalEvaluator


def band_position_to_evaluation(close: float, upper: float, middle: float, lower: float) -> float:
    """+1 below the lower band, -1 above the upper band, 0 on the middle band (and when the bands have no
    width: flat prices); in between, the squared distance to the middle band over the half band width,
    positive below the middle (OctoBot's parabolic factor, with +1 the strongest buy)."""
    if upper <= lower:
        return 0.0
    if close > upper:
        return -1.0
    if close < lower:
        return 1.0
    if close > middle:
        return -(((close - middle) / (upper - middle)) ** 2)
    if close < middle:
        return ((middle - close) / (middle - lower)) ** 2
    return 0.0


class _BandPosition(Indicator):
    NAME = "BandPosition"

    def __init__(self, period: int, deviations: float) -> None:
        super().__init__()
        self._bands = BollingerBands(period, deviations, deviations)
        self.lookback = self._bands.lookback
        self._children = (self._bands,)

    def _step(self, close: float) -> float:
        upper, middle, lower = self._bands._step(close)
        if upper != upper:
            return math.nan
        return band_position_to_evaluation(close, upper, middle, lower)


class BBMomentumEvaluator(SignalEvaluator):
    """Position of the close in its Bollinger bands: -1 above the upper band, +1 below the lower.

    Position of the close in its Bollinger bands: above the upper band -1 (overbought), below the
    lower band +1 (oversold), a squared distance from the middle band in between."""

    NAME: ClassVar[str | None] = "BBMomentumEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"period": 20, "deviations": 2.0}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "period": {
                "type": "integer",
                "minimum": 2,
                "maximum": 1000,
                "title": "Bands period (candles) of the middle SMA and the standard deviation",
            },
            "deviations": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 10,
                "title": "Band width in standard deviations (population) on each side of the middle",
            },
        },
        "required": ["period", "deviations"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 20

    @property
    def required_history(self) -> int:
        return self.config["period"]

    def new_signal(self) -> Indicator:
        return _BandPosition(self.config["period"], self.config["deviations"])
