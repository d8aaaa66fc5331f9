# cython: annotation_typing=False
"""Move signals strategy: a Klinger signal confirmed by the Bollinger position, over 30m, 1h and 4h."""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators.strategy import Strategy, StrategyTrigger
from octobot_evaluators.tentacles.strategies._weights import TAKeys, time_frame_weights_schema


def fractal_evaluation(signal: float, weight: float, minimum: float) -> float:
    """One time frame's part: min(2 x signal x weight, 1) on the signal's side when the signal is at
    least ``minimum`` strong and the weight agrees with it (same sign); 0 otherwise."""
    product = signal * weight
    if abs(signal) < minimum or product <= 0.0:
        return 0.0
    return min(2.0 * product, 1.0) * (1.0 if signal > 0.0 else -1.0)


class MoveSignalsStrategyEvaluator(Strategy):
    """Klinger oscillator signals confirmed by the Bollinger bands position, weighted over time frames.

    On each time frame of `time_frames_to_weight` that the strategy runs on, the signal (the
    `signal_evaluator`'s evaluation) counts when it is at least `signal_minimum` strong and the weight
    (the `weight_evaluator`'s evaluation) has its sign: min(2 x signal x weight, 1) on the signal's side
    (see `fractal_evaluation`). The result is the weighted mean over those time frames, a time frame
    without a confirmed signal counting 0. None while no time frame has both evaluations.
    """

    NAME: ClassVar[str | None] = "MoveSignalsStrategyEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = (
        "KlingerOscillatorMomentumEvaluator",
        "BBMomentumEvaluator",
    )
    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("30m", "1h", "4h")
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "time_frames_to_weight": {"30m": 4, "1h": 3, "4h": 3},
        "signal_evaluator": "KlingerOscillatorMomentumEvaluator",
        "weight_evaluator": "BBMomentumEvaluator",
        "signal_minimum": 0.15,
        "refresh_ta_on_real_time": True,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "time_frames_to_weight": time_frame_weights_schema(
                "Weight (0-100) of each time frame's confirmed signal in the mean"
            ),
            "signal_evaluator": {
                "type": "string",
                "minLength": 1,
                "title": "TA evaluator giving the signal (its name)",
            },
            "weight_evaluator": {
                "type": "string",
                "minLength": 1,
                "title": "TA evaluator confirming the signal (its name)",
            },
            "signal_minimum": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "title": "Smallest |signal| (0-1) that counts",
            },
            "refresh_ta_on_real_time": {
                "type": "boolean",
                "title": "On a real-time evaluation, refresh the TA evaluators on the forming candle first",
            },
        },
        "required": [
            "time_frames_to_weight",
            "signal_evaluator",
            "weight_evaluator",
            "signal_minimum",
            "refresh_ta_on_real_time",
        ],
        "additionalProperties": False,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys = TAKeys(self.exchange)
        weights = self.config["time_frames_to_weight"]
        self._frames = tuple((tf, weight) for tf, weight in weights.items() if tf in self.time_frames)
        if not self._frames:
            self.logger.warning(
                "%s runs on %s but weighs only %s: it will have no opinion; add those time frames to the "
                "profile or to time_frames_to_weight",
                self.name,
                list(self.time_frames),
                list(weights),
            )

    def evaluate(self, trigger: StrategyTrigger) -> float | None:
        config = self.config
        signal_name, weight_name, minimum = (
            config["signal_evaluator"],
            config["weight_evaluator"],
            config["signal_minimum"],
        )
        matrix, keys, symbol = self.matrix, self._keys, trigger.symbol
        total = weight_sum = 0.0
        seen = False
        for time_frame, frame_weight in self._frames:
            weight_sum += frame_weight
            signal = matrix.get_value(keys.get(signal_name, symbol, time_frame))
            weight = matrix.get_value(keys.get(weight_name, symbol, time_frame))
            if signal is None or weight is None:
                continue
            seen = True
            total += fractal_evaluation(signal, weight, minimum) * frame_weight
        if not seen or weight_sum == 0.0:
            return None
        return total / weight_sum
