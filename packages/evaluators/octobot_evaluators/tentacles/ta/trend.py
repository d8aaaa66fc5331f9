# cython: annotation_typing=False
"""Double moving average trend evaluator: a fast average above the slow one is bullish."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.indicators import MAType, new_moving_average
from octobot_evaluators.technical import TechnicalEvaluator
from octobot_evaluators.tentacles.ta._config_checks import require_below
from octobot_evaluators.tentacles.ta._indicator_feed import CloseFeeds
from octobot_trading import CandleBuffer


def moving_average_gap_to_evaluation(fast: float, slow: float, sensitivity: float) -> float:
    """tanh of the relative gap (fast - slow) / slow divided by ``sensitivity``.

    Why relative and tanh: pairs are priced from 1e-8 BTC to 1e5 USDT, so only the relative gap is
    comparable; tanh keeps the sign of the crossing, is 0 at the cross and saturates smoothly towards +-1
    (a gap of ``sensitivity`` gives 0.76).
    """
    if slow == 0.0:
        return 0.0
    return math.tanh((fast - slow) / abs(slow) / sensitivity)


class DoubleMovingAverageTrendEvaluator(TechnicalEvaluator):
    """Fast vs slow moving average of the closes: above -> positive (buy), below -> negative (sell)."""

    NAME: ClassVar[str | None] = "DoubleMovingAverageTrendEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "fast_period": 5,
        "slow_period": 10,
        "ma_type": "SMA",
        "sensitivity": 0.01,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "fast_period": {"type": "integer", "minimum": 1, "maximum": 1000, "title": "Fast average period"},
            "slow_period": {"type": "integer", "minimum": 2, "maximum": 1000, "title": "Slow average period"},
            "ma_type": {"enum": ["SMA", "EMA", "WMA", "DEMA", "TEMA", "KAMA"], "title": "Average type"},
            "sensitivity": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 1,
                "title": "Relative gap giving a strong signal (0.01 = 1%)",
            },
        },
        "required": ["fast_period", "slow_period", "ma_type", "sensitivity"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 10

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        require_below(self.name, self.config, "fast_period", "slow_period")
        fast, slow = self.config["fast_period"], self.config["slow_period"]
        ma_type = MAType[self.config["ma_type"]]
        self._feeds = CloseFeeds(
            lambda: (new_moving_average(fast, ma_type), new_moving_average(slow, ma_type))
        )
        self._sensitivity: float = self.config["sensitivity"]  # read once, not per candle

    @property
    def required_history(self) -> int:
        return 3 * self.config["slow_period"]

    def evaluate(self, candles: CandleBuffer, *, forming: bool) -> float | None:
        fast, slow = self._feeds.get(self.symbol, self.time_frame).values(candles, forming=forming)
        if fast != fast or slow != slow:
            return None  # NaN: warming up
        return moving_average_gap_to_evaluation(fast, slow, self._sensitivity)

    async def reset(self) -> None:
        await super().reset()
        self._feeds.clear()
