# cython: annotation_typing=False
"""RSI weight evaluator: a dip detector weighting a fresh RSI bottom by its slow and fast RSI zones."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from octobot_evaluators.dip_weights import dip_evaluation
from octobot_evaluators.indicators import RSI, Indicator
from octobot_evaluators.indicators._window import RollingWindow
from octobot_evaluators.tentacles.ta._signal import SignalEvaluator

#: OctoBot's bottom test on the RSI: over the last 5 RSI values, the lowest is one of the last 3 and the
#: newest rose back by more than 5 % of it.
BOTTOM_WINDOW, BOTTOM_DELAY, BOTTOM_ACCEPTANCE = 5, 2, 0.95

#: Slow RSI zones, each with fast RSI zones giving (price, volume) weights; the first zone (lowest
#: threshold first) that holds wins.
DEFAULT_RSI_TO_WEIGHT: list[dict[str, Any]] = [
    {
        "slow_threshold": 30.0,
        "fast_thresholds": [
            {"fast_threshold": 20.0, "weights": {"price": 3, "volume": 3}},
            {"fast_threshold": 25.0, "weights": {"price": 2, "volume": 3}},
            {"fast_threshold": 30.0, "weights": {"price": 2, "volume": 2}},
        ],
    },
    {
        "slow_threshold": 40.0,
        "fast_thresholds": [
            {"fast_threshold": 25.0, "weights": {"price": 2, "volume": 2}},
            {"fast_threshold": 35.0, "weights": {"price": 1, "volume": 2}},
        ],
    },
    {
        "slow_threshold": 50.0,
        "fast_thresholds": [{"fast_threshold": 30.0, "weights": {"price": 1, "volume": 1}}],
    },
]

_WEIGHT_SCHEMA: dict[str, Any] = {"type": "integer", "enum": [1, 2, 3]}


def _sorted_table(table: list[dict[str, Any]]) -> tuple[tuple[float, tuple[tuple[float, float], ...]], ...]:
    """(slow threshold, ((fast threshold, evaluation), ...)), both levels sorted by threshold."""
    rows = []
    for zone in sorted(table, key=lambda zone: zone["slow_threshold"]):
        fast = sorted(zone["fast_thresholds"], key=lambda item: item["fast_threshold"])
        rows.append(
            (
                float(zone["slow_threshold"]),
                tuple(
                    (
                        float(item["fast_threshold"]),
                        dip_evaluation(item["weights"]["price"], item["weights"]["volume"]),
                    )
                    for item in fast
                ),
            )
        )
    return tuple(rows)


class _RSIDip(Indicator):
    NAME = "RSIDip"

    def __init__(self, period: int, slow_count: int, fast_count: int, table: tuple) -> None:
        super().__init__()
        self._rsi = RSI(period)
        self._slow = RollingWindow(slow_count)
        self._fast = RollingWindow(fast_count)
        self._recent = RollingWindow(BOTTOM_WINDOW)
        self._table = table
        self.lookback = self._rsi.lookback
        self._children = (self._rsi, self._slow, self._fast, self._recent)

    def _step(self, close: float) -> float:
        rsi = self._rsi._step(close)
        if rsi != rsi:
            return math.nan
        self._slow.push(rsi)
        self._fast.push(rsi)
        recent = self._recent
        recent.push(rsi)
        if recent.count < 2:
            return 0.0
        values = [recent.ago(index) for index in range(recent.count)]  # newest first
        bottom = min(values)
        if bottom not in values[: BOTTOM_DELAY + 1] or not rsi / BOTTOM_ACCEPTANCE > bottom:
            return 0.0
        slow, fast = self._slow.mean(), self._fast.mean()
        for slow_threshold, fast_zones in self._table:
            if slow < slow_threshold:
                for fast_threshold, evaluation in fast_zones:
                    if fast < fast_threshold and rsi < fast_threshold:
                        return evaluation
                break  # the slow zone is found: its fast zones decide
        return 0.0


class RSIWeightMomentumEvaluator(SignalEvaluator):
    """Dip detector: a fresh RSI bottom weighted (price, volume) by its slow and fast RSI zones.

    Dip detector: when the RSI has just made a bottom, the first slow RSI zone (mean of the last
    ``slow_eval_count`` RSI values) below its threshold and, in it, the first fast zone (mean of the last
    ``fast_eval_count``, and the RSI itself) below its threshold give a price and a volume weight (1-3),
    published as one buy evaluation in (0, 1] (`octobot_evaluators.dip_weights` reads them back); 0 when
    there is no such dip."""

    NAME: ClassVar[str | None] = "RSIWeightMomentumEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "period": 14,
        "slow_eval_count": 16,
        "fast_eval_count": 4,
        "RSI_to_weight": DEFAULT_RSI_TO_WEIGHT,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "period": {"type": "integer", "minimum": 2, "maximum": 500, "title": "RSI period (candles)"},
            "slow_eval_count": {
                "type": "integer",
                "minimum": 1,
                "maximum": 500,
                "title": "RSI values (candles) averaged into the slow RSI",
            },
            "fast_eval_count": {
                "type": "integer",
                "minimum": 1,
                "maximum": 500,
                "title": "RSI values (candles) averaged into the fast RSI",
            },
            "RSI_to_weight": {
                "type": "array",
                "minItems": 1,
                "title": "Slow RSI zones (RSI 0-100), each with its fast RSI zones and their weights",
                "items": {
                    "type": "object",
                    "properties": {
                        "slow_threshold": {
                            "type": "number",
                            "minimum": 0,
                            "maximum": 100,
                            "title": "Slow RSI (0-100) under which this zone applies",
                        },
                        "fast_thresholds": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "object",
                                "properties": {
                                    "fast_threshold": {
                                        "type": "number",
                                        "minimum": 0,
                                        "maximum": 100,
                                        "title": "Fast RSI and RSI (0-100) under which these weights apply",
                                    },
                                    "weights": {
                                        "type": "object",
                                        "properties": {"price": _WEIGHT_SCHEMA, "volume": _WEIGHT_SCHEMA},
                                        "required": ["price", "volume"],
                                        "additionalProperties": False,
                                        "title": "Price and volume weights: 1 light, 2 average, 3 heavy",
                                    },
                                },
                                "required": ["fast_threshold", "weights"],
                                "additionalProperties": False,
                            },
                        },
                    },
                    "required": ["slow_threshold", "fast_thresholds"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["period", "slow_eval_count", "fast_eval_count", "RSI_to_weight"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 70

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._table = _sorted_table(self.config["RSI_to_weight"])

    @property
    def required_history(self) -> int:
        return 5 * self.config["period"] + self.config["slow_eval_count"]

    def new_signal(self) -> Indicator:
        config = self.config
        return _RSIDip(config["period"], config["slow_eval_count"], config["fast_eval_count"], self._table)
