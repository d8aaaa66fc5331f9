# cython: annotation_typing=False
"""Stochastic RSI evaluator: where the RSI stands within its recent range."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.indicators import RSI, Indicator
from octobot_evaluators.indicators._inputs import is_zero_scaled
from octobot_evaluators.indicators._window import RollingWindow
from octobot_evaluators.tentacles.ta._config_checks import require_below
from octobot_evaluators.tentacles.ta._signal import SignalEvaluator


class _StochasticRSILevel(Indicator):
    """Stochastic %K (0-100) of the RSI over `period` RSI values (TA-Lib STOCHRSI's fast %K with
    fastk_period = period) mapped to an evaluation; a window whose RSI never moved is neutral."""

    NAME = "StochasticRSILevel"

    def __init__(self, period: int, low_level: float, high_level: float) -> None:
        super().__init__()
        self._rsi = RSI(period)
        self._window = RollingWindow(period)
        self._low, self._high = low_level, high_level
        self.lookback = self._rsi.lookback + period - 1
        self._children = (self._rsi, self._window)

    def _step(self, close: float) -> float:
        value = self._rsi._step(close)
        if value != value:
            return math.nan
        window = self._window
        window.push(value)
        if not window.full:
            return math.nan
        highest, lowest = window.max(), window.min()
        spread = highest - lowest
        if is_zero_scaled(spread, highest):
            return 0.0  # flat RSI: no position in a range that does not exist
        k = 100.0 * (value - lowest) / spread
        if k >= self._high:
            return -1.0
        if k <= self._low:
            return 1.0
        return 0.5 - k / 100.0


class StochasticRSIVolatilityEvaluator(SignalEvaluator):
    """Stochastic RSI: +1 at the bottom of the RSI's recent range, -1 at its top.

    Stochastic RSI %K (0-100): at or above ``high_level`` -1, at or below ``low_level`` +1, otherwise
    0.5 - %K / 100 (from +0.5 at the bottom of the range to -0.5 at its top)."""

    NAME: ClassVar[str | None] = "StochasticRSIVolatilityEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"period": 14, "low_level": 1.0, "high_level": 98.0}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "period": {
                "type": "integer",
                "minimum": 2,
                "maximum": 500,
                "title": "RSI period and stochastic window (candles)",
            },
            "low_level": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "Stochastic RSI %K (0-100) at or below which the evaluation is +1",
            },
            "high_level": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "Stochastic RSI %K (0-100) at or above which the evaluation is -1",
            },
        },
        "required": ["period", "low_level", "high_level"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 84

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        require_below(self.name, self.config, "low_level", "high_level", "below")

    @property
    def required_history(self) -> int:
        return 6 * self.config["period"]

    def new_signal(self) -> Indicator:
        config = self.config
        return _StochasticRSILevel(config["period"], config["low_level"], config["high_level"])
