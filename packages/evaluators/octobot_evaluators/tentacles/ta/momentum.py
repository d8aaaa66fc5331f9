# cython: annotation_typing=False
"""RSI momentum evaluator: oversold is a buy signal, overbought a sell signal."""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators.evaluation import clamp_evaluation
from octobot_evaluators.indicators import RSI
from octobot_evaluators.technical import TechnicalEvaluator
from octobot_evaluators.tentacles.ta._indicator_feed import CloseFeeds
from octobot_trading import CandleBuffer


def rsi_to_evaluation(rsi: float, oversold: float, overbought: float) -> float:
    """Map an RSI (0..100) to [-1, 1]: +1 at RSI 0, -1 at RSI 100.

    Inside [oversold, overbought] the evaluation moves linearly within [-0.5, 0.5] (0 at the middle of the
    band); beyond a threshold it goes from +-0.5 to +-1, so crossing a threshold is a clear signal.
    """
    if rsi <= oversold:
        return clamp_evaluation(0.5 + 0.5 * (oversold - rsi) / oversold)
    if rsi >= overbought:
        return clamp_evaluation(-0.5 - 0.5 * (rsi - overbought) / (100.0 - overbought))
    middle = (oversold + overbought) / 2.0
    return clamp_evaluation((middle - rsi) / (overbought - oversold))


class RSIMomentumEvaluator(TechnicalEvaluator):
    """RSI of the closes, scaled into [-1, 1] (oversold -> buy, overbought -> sell); O(1) per candle."""

    NAME: ClassVar[str | None] = "RSIMomentumEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"period": 14, "oversold": 30.0, "overbought": 70.0}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "period": {"type": "integer", "minimum": 2, "maximum": 500, "title": "RSI period (candles)"},
            "oversold": {
                "type": "number",
                "exclusiveMinimum": 0,
                "exclusiveMaximum": 50,
                "title": "Oversold",
            },
            "overbought": {
                "type": "number",
                "exclusiveMinimum": 50,
                "exclusiveMaximum": 100,
                "title": "Overbought",
            },
        },
        "required": ["period", "oversold", "overbought"],
        "additionalProperties": False,
    }
    #: Wilder smoothing needs several periods to converge: 5 x the default period.
    REQUIRED_HISTORY: ClassVar[int] = 70

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        period = self.config["period"]
        self._feeds = CloseFeeds(lambda: (RSI(period),))
        # read once, not per candle
        self._oversold: float = self.config["oversold"]
        self._overbought: float = self.config["overbought"]

    @property
    def required_history(self) -> int:
        return 5 * self.config["period"]

    def evaluate(self, candles: CandleBuffer, *, forming: bool) -> float | None:
        (rsi,) = self._feeds.get(self.symbol, self.time_frame).values(candles, forming=forming)
        if rsi != rsi:  # NaN: warming up, no opinion yet
            return None
        return rsi_to_evaluation(rsi, self._oversold, self._overbought)

    async def reset(self) -> None:
        await super().reset()
        self._feeds.clear()
