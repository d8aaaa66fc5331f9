"""The dip weights (price 1-3, volume 1-3) carried by one evaluation in [-1, 1].

Why here, below the evaluators: the RSI weight evaluator and the dip analyser strategy (octobot-evaluators)
encode the weights, the dip analyser trading mode (this package) reads them back; the one encoding lives
in the lower package. An evaluation is one float (the matrix and its channel carry nothing else), so the
nine weight pairs map to nine positive values increasing with the price weight first: the value still
reads as a buy strength.
"""

from __future__ import annotations

#: Weights go from 1 (light) to 3 (heavy).
WEIGHTS = (1, 2, 3)
_STEPS = len(WEIGHTS) * len(WEIGHTS)


def dip_code(price_weight: int, volume_weight: int) -> float:
    """The evaluation carrying (price_weight, volume_weight), each in WEIGHTS (unchecked here):
    (3 * (price - 1) + volume) / 9, in (0, 1]."""
    return (3 * (price_weight - 1) + volume_weight) / _STEPS


def dip_weights(evaluation: float | None) -> tuple[int, int] | None:
    """(price_weight, volume_weight) of a dip evaluation; None for no dip (None, 0 or a negative value)."""
    if evaluation is None or evaluation <= 0.0:
        return None
    code = min(_STEPS, max(1, round(evaluation * _STEPS)))
    return (code - 1) // 3 + 1, (code - 1) % 3 + 1
