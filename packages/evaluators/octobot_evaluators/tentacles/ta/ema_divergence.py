# cython: annotation_typing=False
"""EMA divergence evaluator: the close far enough from its EMA, in percent."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.indicators import EMA, Indicator
from octobot_evaluators.tentacles.ta._config_checks import require_below
from octobot_evaluators.tentacles.ta._signal import SignalEvaluator


class _EMAGap(Indicator):
    NAME = "EMAGap"

    def __init__(self, period: int, long_percent: float, short_percent: float) -> None:
        super().__init__()
        self._ema = EMA(period)
        self.lookback = self._ema.lookback
        self._long, self._short = long_percent, short_percent
        self._children = (self._ema,)

    def _step(self, close: float) -> float:
        average = self._ema._step(close)
        if average != average or average == 0.0:
            return math.nan
        gap = (close / average - 1.0) * 100.0
        if gap <= self._long:
            return 1.0
        if gap >= self._short:
            return -1.0
        return math.nan


class EMADivergenceTrendEvaluator(SignalEvaluator):
    """The close far from its EMA in percent: +1 far below, -1 far above, else no opinion.

    Gap between the close and its EMA in percent: at or below ``long_percent`` +1 (far under its
    average), at or above ``short_percent`` -1, no opinion in between (as OctoBot)."""

    NAME: ClassVar[str | None] = "EMADivergenceTrendEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"period": 50, "long_percent": -2.0, "short_percent": 2.0}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "period": {"type": "integer", "minimum": 2, "maximum": 1000, "title": "EMA period (candles)"},
            "long_percent": {
                "type": "number",
                "minimum": -100,
                "maximum": 100,
                "title": "Gap (close / EMA - 1, in percent) at or below which the evaluation is +1",
            },
            "short_percent": {
                "type": "number",
                "minimum": -100,
                "maximum": 1000,
                "title": "Gap (close / EMA - 1, in percent) at or above which the evaluation is -1",
            },
        },
        "required": ["period", "long_percent", "short_percent"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 150

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        require_below(self.name, self.config, "long_percent", "short_percent", "below")

    @property
    def required_history(self) -> int:
        return 3 * self.config["period"]

    def new_signal(self) -> Indicator:
        config = self.config
        return _EMAGap(config["period"], config["long_percent"], config["short_percent"])
