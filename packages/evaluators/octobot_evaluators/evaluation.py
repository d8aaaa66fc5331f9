# cython: annotation_typing=False
"""What an evaluation value means, defined once for the whole framework.

An evaluation is a float in [-1, 1]: +1 is the strongest buy (bullish), -1 the strongest sell (bearish),
0 is neutral, and ``None`` means "no opinion yet" (for instance while an indicator warms up).
"""

from __future__ import annotations

import math
from numbers import Real

from octobot_evaluators.errors import InvalidEvaluationError

#: The strongest buy signal: the market is expected to go up.
STRONGEST_BUY: float = 1.0
#: The strongest sell signal: the market is expected to go down.
STRONGEST_SELL: float = -1.0
#: Neither buy nor sell.
NEUTRAL: float = 0.0
#: The evaluator has no opinion yet (not enough data); strategies skip it.
NO_OPINION: None = None

BULLISH: float = STRONGEST_BUY
BEARISH: float = STRONGEST_SELL


class _Unchanged:
    """The type of `UNCHANGED` (one instance)."""

    _instance: _Unchanged | None = None

    def __new__(cls) -> _Unchanged:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNCHANGED"

    def __bool__(self) -> bool:
        return False


#: What a trigger method returns to publish nothing this time (a real-time evaluator that only watches
#: prices, a social evaluator ignoring an unrelated message): the previous evaluation stays in the matrix
#: and no strategy wakes up. ``None`` is different: it publishes "no opinion".
UNCHANGED: _Unchanged = _Unchanged()


def validate_evaluation(value: object, evaluator: str) -> float | None:
    """Return ``value`` as a float in [-1, 1] (or None), or raise naming the evaluator at fault.

    Why strict: one evaluator emitting NaN or 3.0 would silently skew every strategy that averages it.
    """
    if value is None:
        return None
    if type(value) is float and STRONGEST_SELL <= value <= STRONGEST_BUY:  # hot path (NaN fails it)
        return value
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidEvaluationError(
            f"evaluator {evaluator!r} produced {value!r} ({type(value).__name__}): an evaluation must be "
            "a number in [-1, 1] or None for 'no opinion yet'"
        )
    result = float(value)
    if math.isnan(result) or math.isinf(result):
        raise InvalidEvaluationError(
            f"evaluator {evaluator!r} produced {result}: an evaluation must be a finite number in [-1, 1]; "
            "return None while it has no opinion (for instance during indicator warm-up)"
        )
    if not STRONGEST_SELL <= result <= STRONGEST_BUY:
        raise InvalidEvaluationError(
            f"evaluator {evaluator!r} produced {result}, outside [-1, 1] (+1 strongest buy, -1 strongest "
            "sell); scale it, for instance with octobot_evaluators.clamp_evaluation()"
        )
    return result


def clamp_evaluation(value: float) -> float:
    """Clamp a finite number into [-1, 1]; NaN stays NaN so that validation still catches it."""
    return max(STRONGEST_SELL, min(STRONGEST_BUY, value))


def is_buy(value: float | None) -> bool:
    """True for a bullish evaluation (strictly above neutral)."""
    return value is not None and value > NEUTRAL


def is_sell(value: float | None) -> bool:
    """True for a bearish evaluation (strictly below neutral)."""
    return value is not None and value < NEUTRAL
