# cython: annotation_typing=False
"""What several built-in strategies share: a time frame -> weight setting and TA keys by name."""

from __future__ import annotations

from typing import Any

from octobot_evaluators.evaluator import cryptocurrency_of
from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.matrix_key import MatrixKey
from octobot_trading import TimeFrame

#: The time frames a profile may name (ccxt names).
TIME_FRAMES: tuple[str, ...] = tuple(time_frame.value for time_frame in TimeFrame)


def time_frame_weights_schema(title: str) -> dict[str, Any]:
    """JSON Schema of a {time frame: weight} object, weights from 0 (ignored) to 100."""
    return {
        "type": "object",
        "propertyNames": {"enum": list(TIME_FRAMES)},
        "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100},
        "minProperties": 1,
        "title": title,
    }


class TAKeys:
    """The matrix keys of named TA evaluators, built once per (evaluator, symbol, time frame)."""

    def __init__(self, exchange: str) -> None:
        self._exchange = exchange
        self._keys: dict[tuple[str, str, str], MatrixKey] = {}

    def get(self, evaluator: str, symbol: str, time_frame: str) -> MatrixKey:
        key = self._keys.get((evaluator, symbol, time_frame))
        if key is None:
            key = self._keys[(evaluator, symbol, time_frame)] = MatrixKey(
                self._exchange, EvaluatorType.TA, evaluator, cryptocurrency_of(symbol), symbol, time_frame
            )
        return key
