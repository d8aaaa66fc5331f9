# cython: annotation_typing=False
"""Blank strategy: passes the evaluation that woke it through, unchanged."""

from __future__ import annotations

from typing import Any, ClassVar

from octobot_evaluators.strategy import Strategy, StrategyTrigger


class BlankStrategyEvaluator(Strategy):
    """Publishes the evaluation that woke it, as it is: for a profile whose one evaluator decides.

    After a TA cycle, the evaluation that completed it (with one TA evaluator, that evaluator's);
    after a real-time or social evaluation, that one. Meant for one evaluator (a scripted one, for
    instance): with several, use a strategy that combines them.
    """

    NAME: ClassVar[str | None] = "BlankStrategyEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = ("*",)
    REQUIRED_TIME_FRAMES: ClassVar[tuple[str, ...]] = ("1h",)
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }

    def evaluate(self, trigger: StrategyTrigger) -> float | None:
        return None if trigger.key is None else self.matrix.get_value(trigger.key)
