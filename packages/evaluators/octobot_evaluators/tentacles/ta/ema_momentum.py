# cython: annotation_typing=False
"""EMA momentum evaluator: the close beyond a threshold around its EMA."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.indicators import EMA, Indicator
from octobot_evaluators.tentacles.ta._signal import SignalEvaluator


class _EMAThreshold(Indicator):
    NAME = "EMAThreshold"

    def __init__(self, period: int, threshold_percent: float, reverse: bool) -> None:
        super().__init__()
        self._ema = EMA(period)
        self.lookback = self._ema.lookback
        self._ratio = threshold_percent / 100.0
        self._sign = -1.0 if reverse else 1.0
        self._children = (self._ema,)

    def _step(self, close: float) -> float:
        average = self._ema._step(close)
        if average != average:
            return math.nan
        if close >= average * (1.0 + self._ratio):
            return -self._sign
        if close <= average * (1.0 - self._ratio):
            return self._sign
        return 0.0


class EMAMomentumEvaluator(SignalEvaluator):
    """The close beyond a percent threshold around its EMA: -1 above, +1 below, 0 within.

    -1 when the close is at least ``price_threshold_percent`` above its EMA (stretched up), +1 when
    that far below, 0 in between; ``reverse_signal`` swaps the two (trend following)."""

    NAME: ClassVar[str | None] = "EMAMomentumEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "period": 21,
        "price_threshold_percent": 2.0,
        "reverse_signal": False,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "period": {"type": "integer", "minimum": 2, "maximum": 1000, "title": "EMA period (candles)"},
            "price_threshold_percent": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "Distance from the EMA, in percent of the EMA, that gives a signal",
            },
            "reverse_signal": {
                "type": "boolean",
                "title": "Buy above the EMA and sell below it (trend following) instead of the reverse",
            },
        },
        "required": ["period", "price_threshold_percent", "reverse_signal"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 63

    @property
    def required_history(self) -> int:
        return 3 * self.config["period"]

    def new_signal(self) -> Indicator:
        config = self.config
        return _EMAThreshold(config["period"], config["price_threshold_percent"], config["reverse_signal"])
