# cython: annotation_typing=False
"""MACD momentum evaluator: where the MACD histogram stands within its current wave."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.indicators import MACD, Indicator
from octobot_evaluators.tentacles.ta._config_checks import require_below
from octobot_evaluators.tentacles.ta._signal import SignalEvaluator

#: A wave whose |histogram| fell below this share of its extreme then rose back above it is a double
#: wave (OctoBot's W or M pattern), worth `DOUBLE_WAVE_STRENGTH`; a single wave (V or N) is worth less.
PULLBACK_RATIO = 0.7
SINGLE_WAVE_STRENGTH = 0.75
DOUBLE_WAVE_STRENGTH = 1.0


class _MACDWave(Indicator):
    """The MACD histogram relative to the extreme of its current wave (the candles since its last zero
    cross), times the wave's strength; signed so that a negative histogram is a buy (OctoBot's reading)
    unless ``trend_following``."""

    NAME = "MACDWave"

    def __init__(self, fast: int, slow: int, signal: int, trend_following: bool) -> None:
        super().__init__()
        self._macd = MACD(fast, slow, signal)
        self.lookback = self._macd.lookback
        self._direction = 1.0 if trend_following else -1.0
        self._wave_sign = 0.0
        self._extreme = 0.0
        self._pulled_back = False
        self._double = False
        self._children = (self._macd,)

    def _step(self, close: float) -> float:
        histogram = self._macd._step(close).histogram
        if histogram != histogram:
            return math.nan
        if histogram == 0.0:
            return 0.0
        sign = 1.0 if histogram > 0.0 else -1.0
        size = abs(histogram)
        if sign != self._wave_sign:  # a zero cross: a new wave starts
            self._wave_sign, self._extreme = sign, size
            self._pulled_back = self._double = False
        elif size > self._extreme:
            self._extreme = size
        if size < PULLBACK_RATIO * self._extreme:
            self._pulled_back = True
        elif self._pulled_back:
            self._pulled_back, self._double = False, True
        strength = DOUBLE_WAVE_STRENGTH if self._double else SINGLE_WAVE_STRENGTH
        return self._direction * sign * (size / self._extreme) * strength


class MACDMomentumEvaluator(SignalEvaluator):
    """MACD histogram waves: the sign flips at each zero cross, the size is the wave's progress.

    The size is |histogram| over the extreme of its current wave (1 at the extreme), times 1 for a
    double wave and 0.75 for a single one. As in OctoBot, a negative histogram is a buy (the move down
    is losing steam) unless ``trend_following`` is set (then a positive histogram is a buy)."""

    NAME: ClassVar[str | None] = "MACDMomentumEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "fast_period": 12,
        "slow_period": 26,
        "signal_period": 9,
        "trend_following": False,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "fast_period": {
                "type": "integer",
                "minimum": 2,
                "maximum": 500,
                "title": "Fast EMA period (candles), below slow_period",
            },
            "slow_period": {
                "type": "integer",
                "minimum": 3,
                "maximum": 1000,
                "title": "Slow EMA period (candles)",
            },
            "signal_period": {
                "type": "integer",
                "minimum": 1,
                "maximum": 500,
                "title": "Signal EMA period (candles) of the MACD line",
            },
            "trend_following": {
                "type": "boolean",
                "title": "Read a positive histogram as a buy (false: a negative one is, as OctoBot)",
            },
        },
        "required": ["fast_period", "slow_period", "signal_period", "trend_following"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 102

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        require_below(self.name, self.config, "fast_period", "slow_period")

    @property
    def required_history(self) -> int:
        return 3 * self.config["slow_period"] + self.config["signal_period"]

    def new_signal(self) -> Indicator:
        config = self.config
        return _MACDWave(
            config["fast_period"], config["slow_period"], config["signal_period"], config["trend_following"]
        )
