"""Checks of a TA evaluator's config that its JSON Schema cannot express (an order between two keys).

Why one helper: every evaluator with a fast and a slow period (or a low and a high level) refuses the
same mistake with the same words.
"""

from __future__ import annotations

from typing import Any

from octobot_evaluators.errors import EvaluatorConfigError


def require_below(
    name: str, config: dict[str, Any], lower: str, upper: str, relation: str = "smaller than"
) -> None:
    """Raise EvaluatorConfigError naming ``name`` and both keys unless ``config[lower] < config[upper]``."""
    if config[lower] >= config[upper]:
        raise EvaluatorConfigError(
            f"{name}: {lower} ({config[lower]}) must be {relation} {upper} ({config[upper]})"
        )
