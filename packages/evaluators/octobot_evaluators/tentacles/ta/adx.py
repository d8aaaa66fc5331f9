# cython: annotation_typing=False
"""ADX momentum evaluator: trend strength (ADX) with the trend's direction (a fast vs a slow EMA)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.errors import EvaluatorConfigError
from octobot_evaluators.indicators import ADX, EMA, Indicator
from octobot_evaluators.indicators._window import RollingWindow
from octobot_evaluators.tentacles.ta._config_checks import require_below
from octobot_evaluators.tentacles.ta._signal import SignalEvaluator

#: OctoBot's estimate of how far a strengthening trend has gone when its ADX has not peaked yet.
RISING_TREND_SHARE = 0.75


class _TrendStrength(Indicator):
    NAME = "TrendStrength"
    INPUTS = ("high", "low", "close")

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self._adx = ADX(config["period"])
        self._fast = EMA(config["fast_ema_period"])
        self._slow = EMA(config["slow_ema_period"])
        self._peaks = RollingWindow(config["peak_window"])
        self._weak, self._neutral, self._strong = (
            config["weak_adx"],
            config["neutral_adx"],
            config["strong_adx"],
        )
        self.lookback = max(self._adx.lookback, self._slow.lookback, self._fast.lookback)
        self._children = (self._adx, self._fast, self._slow, self._peaks)

    def _step(self, high: float, low: float, close: float) -> float:
        adx = self._adx._step(high, low, close)
        fast = self._fast._step(close)
        slow = self._slow._step(close)
        if adx != adx or slow != slow or fast != fast:
            return math.nan
        self._peaks.push(adx)
        # against the trend, as OctoBot reads it: a rising price (fast EMA above the slow) is a sell
        direction = 1.0 if fast < slow else -1.0
        neutral = self._neutral
        if adx > neutral:
            peak = self._peaks.max()
            if adx < peak:  # the ADX topped: the trend slows down
                return direction * (adx - neutral) / (peak - neutral)
            return direction * min(1.0, adx / self._strong) * RISING_TREND_SHARE
        return direction * min(1.0, (neutral - adx) / (neutral - self._weak))


class ADXMomentumEvaluator(SignalEvaluator):
    """ADX trend strength signed against the trend's direction (a fast vs a slow EMA).

    ADX trend strength, signed against the trend (OctoBot's reading): in a rising market (fast EMA
    above the slow EMA) negative, in a falling one positive. Above ``neutral_adx``: the ADX over its
    recent peak once it topped, else its proximity to ``strong_adx`` x 0.75; below: how weak it is
    between ``neutral_adx`` and ``weak_adx`` (a change of trend to come)."""

    NAME: ClassVar[str | None] = "ADXMomentumEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "period": 14,
        "fast_ema_period": 2,
        "slow_ema_period": 20,
        "weak_adx": 7.5,
        "neutral_adx": 25.0,
        "strong_adx": 45.0,
        "peak_window": 15,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "period": {"type": "integer", "minimum": 2, "maximum": 500, "title": "ADX period (candles)"},
            "fast_ema_period": {
                "type": "integer",
                "minimum": 1,
                "maximum": 500,
                "title": "Fast EMA period (candles) giving the trend direction with the slow one",
            },
            "slow_ema_period": {
                "type": "integer",
                "minimum": 2,
                "maximum": 1000,
                "title": "Slow EMA period (candles)",
            },
            "weak_adx": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "ADX (0-100) at or below which a trend change is certain (evaluation +-1)",
            },
            "neutral_adx": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "ADX (0-100) separating a trending market (above) from a ranging one",
            },
            "strong_adx": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "ADX (0-100) of a fully developed trend",
            },
            "peak_window": {
                "type": "integer",
                "minimum": 1,
                "maximum": 500,
                "title": "ADX values (candles) searched for the recent ADX peak",
            },
        },
        "required": [
            "period",
            "fast_ema_period",
            "slow_ema_period",
            "weak_adx",
            "neutral_adx",
            "strong_adx",
            "peak_window",
        ],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 70

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        config = self.config
        if not config["weak_adx"] < config["neutral_adx"] < config["strong_adx"]:
            raise EvaluatorConfigError(
                f"{self.name}: weak_adx < neutral_adx < strong_adx is required, got {config['weak_adx']}, "
                f"{config['neutral_adx']}, {config['strong_adx']}"
            )
        require_below(self.name, config, "fast_ema_period", "slow_ema_period")

    @property
    def required_history(self) -> int:
        return max(5 * self.config["period"], 3 * self.config["slow_ema_period"])

    def new_signal(self) -> Indicator:
        return _TrendStrength(self.config)
