# cython: annotation_typing=False
"""Golden and death cross evaluator: a fast moving average crossing a slow one (50/200 by default)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.indicators import VWMA, Indicator, LinearRegression, MAType, new_moving_average
from octobot_evaluators.tentacles.ta._config_checks import require_below
from octobot_evaluators.tentacles.ta._signal import SignalEvaluator

#: Moving average kinds: TA-Lib's, plus LSMA (the end of the least-squares line) and VWMA (volume weighted).
MA_TYPES = ("SMA", "EMA", "WMA", "DEMA", "TEMA", "KAMA", "LSMA", "VWMA")


def _average(period: int, ma_type: str) -> Indicator:
    if ma_type == "LSMA":
        return LinearRegression(period)
    if ma_type == "VWMA":
        return VWMA(period)
    return new_moving_average(period, MAType[ma_type])


def _step_average(average: Indicator, close: float, volume: float) -> float:
    return average._step(close, volume) if average.INPUTS == ("close", "volume") else average._step(close)


class _Cross(Indicator):
    """+1 on the candle the fast average crosses above the slow one, -1 when it crosses below; between
    crosses NaN (no opinion) with ``cross_only``, else the side of the fast average (+1 above)."""

    NAME = "Cross"
    INPUTS = ("close", "volume")

    def __init__(self, fast: Indicator, slow: Indicator, cross_only: bool) -> None:
        super().__init__()
        self._fast, self._slow = fast, slow
        self._cross_only = cross_only
        self._side = 0.0  # the last side that was not a tie
        self.lookback = max(fast.lookback, slow.lookback)
        self._children = (fast, slow)

    def _step(self, close: float, volume: float) -> float:
        fast = _step_average(self._fast, close, volume)
        slow = _step_average(self._slow, close, volume)
        if fast != fast or slow != slow:
            return math.nan
        side = 1.0 if fast > slow else -1.0 if fast < slow else 0.0
        previous = self._side
        if side != 0.0:
            self._side = side
        if side != 0.0 and previous != 0.0 and side != previous:
            return side  # golden (+1) or death (-1) cross
        if self._cross_only:
            return math.nan
        return side


class DeathAndGoldenCrossEvaluator(SignalEvaluator):
    """Golden cross +1, death cross -1 of a fast and a slow moving average (50/200 SMA).

    Golden cross (the fast average crosses above the slow one) +1, death cross -1, on the candle of the
    cross; in between no opinion (``cross_only``) or the side of the fast average."""

    NAME: ClassVar[str | None] = "DeathAndGoldenCrossEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "fast_period": 50,
        "slow_period": 200,
        "fast_ma_type": "SMA",
        "slow_ma_type": "SMA",
        "cross_only": True,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "fast_period": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000,
                "title": "Fast average period (candles), below slow_period",
            },
            "slow_period": {
                "type": "integer",
                "minimum": 2,
                "maximum": 2000,
                "title": "Slow average period (candles)",
            },
            "fast_ma_type": {"enum": list(MA_TYPES), "title": "Fast average kind"},
            "slow_ma_type": {"enum": list(MA_TYPES), "title": "Slow average kind"},
            "cross_only": {
                "type": "boolean",
                "title": "Opinion only on the candle of a cross (else +-1: the side of the fast average)",
            },
        },
        "required": ["fast_period", "slow_period", "fast_ma_type", "slow_ma_type", "cross_only"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 210

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        require_below(self.name, self.config, "fast_period", "slow_period")

    @property
    def required_history(self) -> int:
        """The candles both averages need before their first value (a 200 SMA: 200), plus a few: a cross
        needs the side of the candle before."""
        return self.new_signal().lookback + 11

    def new_signal(self) -> Indicator:
        config = self.config
        return _Cross(
            _average(config["fast_period"], config["fast_ma_type"]),
            _average(config["slow_period"], config["slow_ma_type"]),
            config["cross_only"],
        )
