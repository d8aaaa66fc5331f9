# cython: annotation_typing=False
"""Klinger oscillator evaluators: the KVO against its signal line, and the confirmation of a bottom."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.evaluation import clamp_evaluation
from octobot_evaluators.indicators import Indicator, Klinger
from octobot_evaluators.indicators._window import RollingWindow
from octobot_evaluators.tentacles.ta._config_checks import require_below
from octobot_evaluators.tentacles.ta._signal import SignalEvaluator

#: OctoBot's factors of the KVO - signal difference: 0.2 while the wave grows, once its peak is behind it
#: 1 beyond one standard deviation and 0.5 within; the peak is behind when |difference| fell under 80 % of
#: the wave's extreme.
GROWING_FACTOR, PAST_PEAK_FACTOR, PAST_PEAK_SMALL_FACTOR, PEAK_SHARE = 0.2, 1.0, 0.5, 0.8
#: The reversal confirmation looks at the last (at most) 7 differences of the current wave: a bottom among
#: the last 2, with the newest difference risen back by more than 10 % of it.
REVERSAL_WINDOW, REVERSAL_DELAY, REVERSAL_ACCEPTANCE = 7, 1, 0.9

_PERIODS_SCHEMA: dict[str, Any] = {
    "fast_period": {
        "type": "integer",
        "minimum": 2,
        "maximum": 500,
        "title": "Fast EMA period (candles) of the signed volume, below slow_period",
    },
    "slow_period": {
        "type": "integer",
        "minimum": 3,
        "maximum": 1000,
        "title": "Slow EMA period (candles) of the signed volume",
    },
    "signal_period": {
        "type": "integer",
        "minimum": 1,
        "maximum": 500,
        "title": "Signal EMA period (candles) of the KVO",
    },
}


class _KlingerWave(Indicator):
    """The KVO - signal difference and the state of its current wave (the candles since its sign changed)."""

    NAME = "KlingerWave"
    INPUTS = ("high", "low", "close", "volume")

    def __init__(self, fast: int, slow: int, signal: int) -> None:
        super().__init__()
        self._klinger = Klinger(fast, slow, signal)
        self.lookback = self._klinger.lookback
        self._wave_sign = 0.0
        self._wave_length = 0
        self._extreme = 0.0
        self._children = (self._klinger,)

    def _difference(self, high: float, low: float, close: float, volume: float) -> float:
        """The new difference (NaN while warming up), the wave state updated."""
        kvo, signal = self._klinger._step(high, low, close, volume)
        if signal != signal:
            return math.nan
        difference = kvo - signal
        sign = 1.0 if difference > 0.0 else -1.0 if difference < 0.0 else self._wave_sign
        if sign != self._wave_sign:
            self._wave_sign, self._wave_length, self._extreme = sign, 0, 0.0
        self._wave_length += 1
        self._extreme = max(self._extreme, abs(difference))
        return difference


class _KlingerMomentum(_KlingerWave):
    NAME = "KlingerMomentum"

    def __init__(self, fast: int, slow: int, signal: int, deviation_period: int) -> None:
        super().__init__(fast, slow, signal)
        self._differences = RollingWindow(deviation_period)
        self.lookback += deviation_period - 1
        self._children = (self._klinger, self._differences)

    def _step(self, high: float, low: float, close: float, volume: float) -> float:
        difference = self._difference(high, low, close, volume)
        if difference != difference:
            return math.nan
        window = self._differences
        window.push(difference)
        if not window.full:
            return math.nan
        deviation = math.sqrt(window.variance())
        if deviation == 0.0:
            return 0.0
        factor = GROWING_FACTOR
        if self._wave_length > 1 and abs(difference) < PEAK_SHARE * self._extreme:
            factor = PAST_PEAK_FACTOR if abs(difference) > deviation else PAST_PEAK_SMALL_FACTOR
        # OctoBot's sign reversed: volume flowing in past its peak is a sell
        return -clamp_evaluation(difference * factor / deviation)


class _KlingerBottom(_KlingerWave):
    NAME = "KlingerBottom"

    def __init__(self, fast: int, slow: int, signal: int) -> None:
        super().__init__(fast, slow, signal)
        self._recent = RollingWindow(REVERSAL_WINDOW)
        self._children = (self._klinger, self._recent)

    def _step(self, high: float, low: float, close: float, volume: float) -> float:
        difference = self._difference(high, low, close, volume)
        if difference != difference:
            return math.nan
        recent = self._recent
        recent.push(difference)
        considered = min(REVERSAL_WINDOW, self._wave_length, recent.count)
        if considered < 2:
            return 0.0
        values = [recent.ago(index) for index in range(considered)]  # newest first
        bottom = min(values)
        confirmed = (
            bottom < 0.0
            and bottom in values[: REVERSAL_DELAY + 1]
            and difference / REVERSAL_ACCEPTANCE > bottom
        )
        return 1.0 if confirmed else 0.0


class KlingerOscillatorMomentumEvaluator(SignalEvaluator):
    """Klinger volume oscillator against its signal, scaled by its deviation: a fading inflow sells.

    Klinger volume oscillator: minus the KVO - signal difference over its standard deviation (last
    ``deviation_period`` differences) x 0.2 while the current wave grows, x 1 (beyond one deviation) or
    0.5 once its peak is behind it, clamped to [-1, 1]: volume flowing in is a sell once it fades."""

    NAME: ClassVar[str | None] = "KlingerOscillatorMomentumEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "fast_period": 35,
        "slow_period": 55,
        "signal_period": 13,
        "deviation_period": 100,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            **_PERIODS_SCHEMA,
            "deviation_period": {
                "type": "integer",
                "minimum": 2,
                "maximum": 5000,
                "title": "Differences (candles) whose standard deviation scales the evaluation",
            },
        },
        "required": ["fast_period", "slow_period", "signal_period", "deviation_period"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 230

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        require_below(self.name, self.config, "fast_period", "slow_period")

    @property
    def required_history(self) -> int:
        config = self.config
        return 2 * config["slow_period"] + config["signal_period"] + config["deviation_period"]

    def new_signal(self) -> Indicator:
        config = self.config
        return _KlingerMomentum(
            config["fast_period"], config["slow_period"], config["signal_period"], config["deviation_period"]
        )


class KlingerOscillatorReversalConfirmationMomentumEvaluator(SignalEvaluator):
    """1 when the Klinger oscillator confirms a bottom below its signal line, else 0.

    1 when the KVO - signal difference has just made a bottom below zero (the lowest of the last 7
    differences of its wave is one of the last 2, and the newest rose back by more than 10 % of it), 0
    otherwise: the confirmation of a dip's reversal that the dip analyser strategy waits for."""

    NAME: ClassVar[str | None] = "KlingerOscillatorReversalConfirmationMomentumEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"fast_period": 35, "slow_period": 55, "signal_period": 13}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": dict(_PERIODS_SCHEMA),
        "required": ["fast_period", "slow_period", "signal_period"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 123

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        require_below(self.name, self.config, "fast_period", "slow_period")

    @property
    def required_history(self) -> int:
        return 2 * self.config["slow_period"] + self.config["signal_period"]

    def new_signal(self) -> Indicator:
        config = self.config
        return _KlingerBottom(config["fast_period"], config["slow_period"], config["signal_period"])
