"""The key of one evaluation in the matrix."""

from __future__ import annotations

from typing import NamedTuple

from octobot_evaluators.evaluator_type import EvaluatorType


class MatrixKey(NamedTuple):
    """Where an evaluation lives: one value per (exchange, type, evaluator, crypto, symbol, time frame).

    ``time_frame`` is None for evaluators that are not tied to a time frame (most real-time, social and
    strategy evaluators).
    """

    exchange: str
    evaluator_type: EvaluatorType
    evaluator_name: str
    cryptocurrency: str
    symbol: str
    time_frame: str | None = None


#: Message fields of the Matrix channel a consumer may filter on (the key fields).
KEY_FIELDS: tuple[str, ...] = MatrixKey._fields
