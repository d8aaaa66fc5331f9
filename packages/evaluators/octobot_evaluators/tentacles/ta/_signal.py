# cython: annotation_typing=False
"""The base of the built-in TA evaluators whose whole evaluation is one incremental indicator.

Why an indicator: the evaluation often needs a little memory beyond the indicator values (the extreme of
the current MACD wave, the last cross, the last RSI values). Kept inside an `Indicator` subclass, that
memory is updated in O(1) per closed candle and is snapshotted like any indicator state, so a refresh on
the forming candle (`peek`) evaluates it without changing it: the evaluator stays a function of the
candles, written once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators.indicators import Indicator
from octobot_evaluators.technical import TechnicalEvaluator
from octobot_evaluators.tentacles.ta._indicator_feed import CandleFeeds
from octobot_trading import CandleBuffer


class SignalEvaluator(TechnicalEvaluator):
    """Evaluates with the indicator `new_signal` builds: its output is the evaluation (NaN: no opinion).

    Subclasses implement `new_signal` (one fresh indicator per symbol and time frame, fed with the
    candle fields its ``INPUTS`` name) and `required_history`.
    """

    ABSTRACT: ClassVar[bool] = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._feeds = CandleFeeds(lambda: (self.new_signal(),))

    def new_signal(self) -> Indicator:
        """A new indicator whose output is the evaluation (a float in [-1, 1], NaN for no opinion)."""
        raise NotImplementedError(f"{type(self).__name__} must implement new_signal()")

    def evaluate(self, candles: CandleBuffer, *, forming: bool) -> float | None:
        (value,) = self._feeds.get(self.symbol, self.time_frame).values(candles, forming=forming)
        return None if value != value else value

    async def reset(self) -> None:
        await super().reset()
        self._feeds.clear()
