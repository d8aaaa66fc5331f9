"""TemplateTentacle: a technical evaluator (created by `octobot tentacles new --kind ta`).

Change `compute_evaluation` and its test in tests/test_template_tentacle.py: the class around it only
feeds it the closes of its (symbol, time frame) and returns the result; the framework publishes it.

The contract (the same code runs live, in paper trading and in backtests):
- ``evaluate`` is a plain method (not async) that RETURNS the evaluation: a float in [-1, 1] (+1 is the
  strongest buy, -1 the strongest sell), None for "no opinion", or ``UNCHANGED`` to publish nothing;
- it depends only on ``candles`` and ``self.config``: no clock, no state shared between runs, no orders.
  `octobot tentacles check TemplateTentacle` proves it: two backtests and a live-like run must agree.
- per-candle work stays O(1): read the last values you need (``candles.closes(n)`` is a zero-copy view);
  for an indicator over the whole history (EMA, MACD...), keep an incremental one per (symbol, time frame)
  from ``octobot_evaluators.indicators`` (``x.update(close)`` on each new candle, ``x.peek(close)`` for the
  forming one) rather than recomputing it from every close.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from octobot_evaluators import TechnicalEvaluator
from octobot_trading import CandleBuffer


def compute_evaluation(closes: np.ndarray, period: int) -> float | None:
    """Momentum over ``period`` candles in [-1, 1]: +1 is the strongest buy, -1 the strongest sell.

    None (no opinion) until there are ``period + 1`` closes. A 10 % move saturates the evaluation.
    """
    if len(closes) <= period:
        return None
    before, last = float(closes[-1 - period]), float(closes[-1])
    if before <= 0:
        return None
    return float(np.clip((last - before) / before * 10.0, -1.0, 1.0))


class TemplateTentacle(TechnicalEvaluator):
    """Momentum of the closes over a configurable period."""

    TENTACLE_KIND: ClassVar[str] = "ta"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "TemplateTentacle"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"period": 10}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {  # also draws the settings form of the web interface
        "type": "object",
        "properties": {
            "period": {"type": "integer", "minimum": 1, "maximum": 1000, "title": "Period (candles)"},
        },
        "required": ["period"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 11  # candles loaded before the first evaluation (with defaults)

    @property
    def required_history(self) -> int:
        return self.config["period"] + 1

    def evaluate(self, candles: CandleBuffer, *, forming: bool) -> float | None:
        # ``forming``: a strategy asked for a refresh: include the candle still forming
        closes = candles.closes(self.config["period"] + 1, include_current=forming)
        return compute_evaluation(closes, self.config["period"])
