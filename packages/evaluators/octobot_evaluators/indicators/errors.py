"""Errors of the indicators: part of the package's hierarchy, so one `except EvaluatorsError` catches them."""

from __future__ import annotations

from octobot_evaluators.errors import EvaluatorsError


class IndicatorError(EvaluatorsError):
    """Base of every error raised by an indicator."""


class IndicatorInputError(IndicatorError, ValueError):
    """An input series or value an indicator cannot use (NaN, infinity, wrong shape, mismatched lengths)."""


class IndicatorParameterError(IndicatorError, ValueError):
    """An indicator parameter out of range (a period below its minimum, an unknown moving-average kind)."""


class NothingToReplaceError(IndicatorError):
    """`update(..., replace=True)` was called before any value was committed."""
