"""The kinds of evaluators; each kind has its own trigger rule (DESIGN.md §4)."""

from __future__ import annotations

from enum import Enum


class EvaluatorType(str, Enum):
    """Kind of an evaluator; a ``str`` enum so it compares equal to its value in channel filters."""

    TA = "TA"  # technical: closed candles of a (symbol, time frame), and refresh requests
    REAL_TIME = "REAL_TIME"  # new candles and market price changes
    SOCIAL = "SOCIAL"  # signals of a social feed
    STRATEGY = "STRATEGY"  # combines the others; read by trading modes

    def __str__(self) -> str:
        return self.value

    # the value's hash (Enum's default hashes the name in Python): fast matrix-key lookups, and a
    # plain "TA" string finds the same dict entry
    __hash__ = str.__hash__
