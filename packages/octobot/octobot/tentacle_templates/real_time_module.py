"""TemplateTentacle: a real-time evaluator (created by `octobot tentacles new --kind real_time`).

Change `compute_evaluation` and its test in tests/test_template_tentacle.py. A real-time evaluator does not
wait for candles to close: live, it runs on each candle in construction (and on each price with
``on_price``), and its evaluations wake the strategies at once.

The contract: ``on_candle`` and ``on_price`` are plain methods (not async) that RETURN the evaluation (a
float in [-1, 1], +1 the strongest buy; None for no opinion; ``UNCHANGED``, the default, to publish
nothing); the framework publishes it. A backtest feeds closed candles only, so let the closed candle have
the last word (as here): then the evaluation at each close is the same in a backtest as live, which
`octobot tentacles check TemplateTentacle` verifies.
"""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators import RealTimeEvaluator
from octobot_trading import Candle


def compute_evaluation(open_: float, high: float, low: float, close: float, min_range: float) -> float | None:
    """Where the candle stands within its range, in [-1, 1]: +1 when it went from its low to its high
    (buyers in control), -1 the opposite. None (no opinion) when the range is below ``min_range`` percent
    of the close: a flat candle says nothing."""
    span = high - low
    if close <= 0 or span <= close * min_range / 100.0:
        return None
    return max(-1.0, min(1.0, (close - open_) / span))


class TemplateTentacle(RealTimeEvaluator):
    """Body of the current candle relative to its range, updated while the candle forms."""

    TENTACLE_KIND: ClassVar[str] = "real_time"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "TemplateTentacle"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"min_range_percent": 0.1}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "min_range_percent": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "Smallest candle range with an opinion (% of the close)",
            },
        },
        "required": ["min_range_percent"],
        "additionalProperties": False,
    }

    def on_candle(self, candle: Candle, *, closed: bool) -> float | None:
        # ``closed`` False: the candle still forming (live only); True: the closed candle, last word
        return compute_evaluation(
            candle.open, candle.high, candle.low, candle.close, self.config["min_range_percent"]
        )
