"""Exceptions of octobot-evaluators: one hierarchy, rooted in `EvaluatorsError`, that users can catch."""

from __future__ import annotations

import octobot_trading


class EvaluatorsError(Exception):
    """Base of every error raised by octobot_evaluators."""


class InvalidEvaluationError(EvaluatorsError, ValueError):
    """An evaluator produced a value outside [-1, 1], NaN, infinity or a non-number."""


class EvaluatorConfigError(EvaluatorsError, ValueError):
    """An evaluator's or strategy's config does not match its JSON Schema."""


class EvaluatorDefinitionError(EvaluatorsError, TypeError):
    """An evaluator class is declared wrongly (missing type, bad class attributes)."""


class MatrixError(EvaluatorsError):
    """Misuse of an evaluation matrix (not started, unknown key, bad query)."""


class UnknownTimeFrameError(EvaluatorsError, octobot_trading.UnknownTimeFrameError):
    """A time frame the package cannot turn into a duration: octobot_trading's error (its message lists the
    valid ones), also an ``EvaluatorsError`` so that one ``except`` catches everything this package raises."""
