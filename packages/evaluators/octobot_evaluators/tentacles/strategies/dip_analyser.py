# cython: annotation_typing=False
"""Dip analyser strategy: an RSI weighted dip, once the Klinger oscillator confirms the reversal."""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators.errors import EvaluatorConfigError
from octobot_evaluators.evaluation import UNCHANGED, _Unchanged
from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.strategy import Strategy, StrategyTrigger
from octobot_evaluators.tentacles.strategies._weights import TIME_FRAMES, TAKeys


class DipAnalyserStrategyEvaluator(Strategy):
    """RSI weight dip evaluation, published when the Klinger reversal confirms it (for dip buying modes).

    On each closed candle of `time_frame`: when the `reversal_evaluator` says 1 (a bottom is confirmed)
    and the `weight_evaluator` sees a dip (> 0), its evaluation, which carries the price and volume
    weights (`octobot_evaluators.dip_weights(value)` gives them back); otherwise 0 (no dip to buy). None
    while either has no opinion. Cycles of other time frames and real-time evaluations publish nothing,
    so each dip is published once, at the close of the candle that confirmed it.
    """

    NAME: ClassVar[str | None] = "DipAnalyserStrategyEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = (
        "KlingerOscillatorReversalConfirmationMomentumEvaluator",
        "RSIWeightMomentumEvaluator",
    )
    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("4h",)
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "time_frame": "4h",
        "reversal_evaluator": "KlingerOscillatorReversalConfirmationMomentumEvaluator",
        "weight_evaluator": "RSIWeightMomentumEvaluator",
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "time_frame": {"enum": list(TIME_FRAMES), "title": "Time frame the dips are read on"},
            "reversal_evaluator": {
                "type": "string",
                "minLength": 1,
                "title": "TA evaluator confirming a reversal with 1 (its name)",
            },
            "weight_evaluator": {
                "type": "string",
                "minLength": 1,
                "title": "TA evaluator giving the dip weights (its name)",
            },
        },
        "required": ["time_frame", "reversal_evaluator", "weight_evaluator"],
        "additionalProperties": False,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.time_frames and self.config["time_frame"] not in self.time_frames:
            raise EvaluatorConfigError(
                f"{self.name}: time_frame {self.config['time_frame']!r} is not among the strategy's time "
                f"frames {list(self.time_frames)}: add it to the profile's time frames or change time_frame"
            )
        self._keys = TAKeys(self.exchange)

    def evaluate(self, trigger: StrategyTrigger) -> float | _Unchanged | None:
        if trigger.evaluator_type is not EvaluatorType.TA:
            return UNCHANGED
        config, symbol = self.config, trigger.symbol
        reversal = self.matrix.get(self._keys.get(config["reversal_evaluator"], symbol, config["time_frame"]))
        weight = self.matrix.get(self._keys.get(config["weight_evaluator"], symbol, config["time_frame"]))
        if reversal is None or reversal.time != trigger.time:
            return UNCHANGED  # a cycle of another time frame: this one's candle did not close now
        if reversal.value is None or weight is None or weight.value is None:
            return None
        return weight.value if reversal.value >= 0.5 and weight.value > 0.0 else 0.0
