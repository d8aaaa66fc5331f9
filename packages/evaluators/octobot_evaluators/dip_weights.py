"""The dip weights (price 1-3, volume 1-3) carried by one evaluation in [-1, 1].

OctoBot's RSI weight evaluator and dip analyser strategy publish a dict of two weights, but an evaluation
here is one float; the encoding lives in octobot-trading (`octobot_trading.modes.dip_weights`), whose dip
analyser trading mode reads it back. This module checks the weights an evaluator encodes.
"""

from __future__ import annotations

from octobot_evaluators.errors import InvalidEvaluationError
from octobot_trading.modes.dip_weights import WEIGHTS, dip_code, dip_weights

__all__ = ["WEIGHTS", "dip_evaluation", "dip_weights"]


def dip_evaluation(price_weight: int, volume_weight: int) -> float:
    """The evaluation carrying (price_weight, volume_weight): (3 * (price - 1) + volume) / 9, in (0, 1]."""
    if price_weight not in WEIGHTS or volume_weight not in WEIGHTS:
        raise InvalidEvaluationError(
            f"dip weights must each be 1, 2 or 3, got price {price_weight!r} and volume {volume_weight!r}"
        )
    return dip_code(price_weight, volume_weight)
