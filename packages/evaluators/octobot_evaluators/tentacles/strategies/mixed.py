# cython: annotation_typing=False
"""Mixed strategy: the mean of each kind of evaluation (TA, real-time, social), then their weighted mean."""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.strategy import Strategy, StrategyTrigger

_WEIGHT_KEYS = (
    ("ta_weight", EvaluatorType.TA),
    ("real_time_weight", EvaluatorType.REAL_TIME),
    ("social_weight", EvaluatorType.SOCIAL),
)


class MixedStrategyEvaluator(Strategy):
    """The mean of each kind of evaluation (TA, real-time, social), then the weighted mean of those means.

    Why per kind: ten TA evaluators and one social one should not drown the social opinion, whatever
    their count. A kind without any opinion is left out of the final mean; a social evaluation older
    than `social_validity_seconds` at the strategy's instant is ignored (0: never). None when no kind has
    an opinion.
    """

    NAME: ClassVar[str | None] = "MixedStrategyEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = ("*",)
    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("1h", "4h", "1d")
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "ta_weight": 1.0,
        "real_time_weight": 1.0,
        "social_weight": 1.0,
        "social_validity_seconds": 3600,
        "refresh_ta_on_real_time": False,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "ta_weight": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "Weight (0-100) of the mean of the TA evaluations in the final mean",
            },
            "real_time_weight": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "Weight (0-100) of the mean of the real-time evaluations",
            },
            "social_weight": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "Weight (0-100) of the mean of the social evaluations",
            },
            "social_validity_seconds": {
                "type": "integer",
                "minimum": 0,
                "maximum": 31_536_000,
                "title": "Age (seconds) after which a social evaluation is ignored; 0 keeps them all",
            },
            "refresh_ta_on_real_time": {
                "type": "boolean",
                "title": "On a real-time or social evaluation, refresh TA evaluators on the forming candle",
            },
        },
        "required": [
            "ta_weight",
            "real_time_weight",
            "social_weight",
            "social_validity_seconds",
            "refresh_ta_on_real_time",
        ],
        "additionalProperties": False,
    }

    def category_means(self, trigger: StrategyTrigger) -> dict[EvaluatorType, float]:
        """The mean of each kind that has opinions at ``trigger`` (kinds without any are absent)."""
        symbol = trigger.symbol
        oldest_social = None
        if self.config["social_validity_seconds"]:
            oldest_social = trigger.time - self.config["social_validity_seconds"] * 1000
        means: dict[EvaluatorType, float] = {}
        for _, kind in _WEIGHT_KEYS:
            if kind is EvaluatorType.TA:
                entries = self.ta_evaluations(symbol).values()
            else:
                entries = self.matrix.evaluations(self.exchange, kind, symbol).values()
            values = [
                entry.value
                for entry in entries
                if entry is not None
                and entry.value is not None
                and not (
                    kind is EvaluatorType.SOCIAL and oldest_social is not None and entry.time < oldest_social
                )
            ]
            if values:
                means[kind] = sum(values) / len(values)
        return means

    def evaluate(self, trigger: StrategyTrigger) -> float | None:
        means = self.category_means(trigger)
        total = weight_sum = 0.0
        for weight_key, kind in _WEIGHT_KEYS:
            if kind in means:
                weight = self.config[weight_key]
                total += means[kind] * weight
                weight_sum += weight
        return total / weight_sum if weight_sum > 0 else None
