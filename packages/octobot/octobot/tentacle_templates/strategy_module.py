"""TemplateTentacle: a strategy (created by `octobot tentacles new --kind strategy`).

Change `compute_evaluation` and its test in tests/test_template_tentacle.py: the class around it only
reads the TA evaluations of the symbol from the matrix and returns the result for the trading mode.

The contract: ``evaluate`` is a plain method (not async) that RETURNS the evaluation (a float in [-1, 1],
+1 the strongest buy; None for no opinion; ``UNCHANGED`` to publish nothing), computed from the matrix's
evaluations and ``self.config`` only (never from orders or the account: the trading mode decides what to do
about it). The framework runs it once per complete TA cycle of its time frames and after each real-time or
social evaluation, and publishes what it returns.
"""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators import Strategy, StrategyTrigger


def compute_evaluation(opinions: list[float | None], min_opinions: int) -> float | None:
    """The average of the evaluators' opinions in [-1, 1] (+1 strongest buy), ignoring those without one.

    None (no opinion) while fewer than ``min_opinions`` evaluators have an opinion.
    """
    known = [opinion for opinion in opinions if opinion is not None]
    if len(known) < max(min_opinions, 1):
        return None
    return sum(known) / len(known)


class TemplateTentacle(Strategy):
    """Average of the TA evaluations of its time frames, once enough evaluators have an opinion."""

    TENTACLE_KIND: ClassVar[str] = "strategy"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "TemplateTentacle"
    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = ("*",)  # any active evaluator will do
    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("1h",)  # for "time_frames": "from_strategies"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"min_opinions": 1}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "min_opinions": {"type": "integer", "minimum": 1, "title": "Evaluators needed for an opinion"},
        },
        "required": ["min_opinions"],
        "additionalProperties": False,
    }

    def evaluate(self, trigger: StrategyTrigger) -> float | None:
        entries = self.ta_evaluations(trigger.symbol).values()
        opinions = [entry.value for entry in entries if entry is not None]
        return compute_evaluation(opinions, self.config["min_opinions"])
