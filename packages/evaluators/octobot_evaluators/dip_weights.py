"""The dip weights (price 1-3, volume 1-3) carried by one evaluation in [-1, 1].

Why an encoding: OctoBot's RSI weight evaluator and dip analyser strategy publish a dict of two weights,
but an evaluation here is one float (the matrix and its channel carry nothing else). The nine weight
pairs map to nine positive values, increasing with the price weight first: the value still reads as a
buy strength, and a trading mode gets both weights back with `dip_weights`.
"""

from __future__ import annotations

from octobot_evaluators.errors import InvalidEvaluationError

#: Weights go from 1 (light) to 3 (heavy).
WEIGHTS = (1, 2, 3)
_STEPS = len(WEIGHTS) * len(WEIGHTS)


def dip_evaluation(price_weight: int, volume_weight: int) -> float:
    """The evaluation carrying (price_weight, volume_weight): (3 * (price - 1) + volume) / 9, in (0, 1]."""
    if price_weight not in WEIGHTS or volume_weight not in WEIGHTS:
        raise InvalidEvaluationError(
            f"dip weights must each be 1, 2 or 3, got price {price_weight!r} and volume {volume_weight!r}"
        )
    return (3 * (price_weight - 1) + volume_weight) / _STEPS


def dip_weights(evaluation: float | None) -> tuple[int, int] | None:
    """(price_weight, volume_weight) of a dip evaluation; None for no dip (None, 0 or a negative value)."""
    if evaluation is None or evaluation <= 0.0:
        return None
    code = min(_STEPS, max(1, round(evaluation * _STEPS)))
    return (code - 1) // 3 + 1, (code - 1) % 3 + 1
