"""The evaluators and strategies of one exchange in one matrix: created, registered and started together.

Why register everything before starting anything: a strategy's cycle is defined by the TA keys
registered for its time frames; if a fast evaluator published before a slow one registered, a strategy
could run on a partial cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from octobot_evaluators.context import EvaluatorContext
from octobot_evaluators.errors import EvaluatorsError
from octobot_evaluators.evaluator import AbstractEvaluator
from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.time_frames import time_frame_name

logger = logging.getLogger(__name__)


def create_evaluators(
    evaluator_class: type[AbstractEvaluator],
    context: EvaluatorContext,
    symbols: Sequence[str],
    time_frames: Sequence[str] = (),
    config: dict[str, Any] | None = None,
) -> list[AbstractEvaluator]:
    """Instances of ``evaluator_class``: one per symbol and per time frame unless it is a wildcard there."""
    symbols = list(symbols)
    time_frames = [time_frame_name(tf) for tf in time_frames]
    if not symbols:
        raise EvaluatorsError(f"{evaluator_class.get_name()}: no symbol configured")
    if evaluator_class.TIME_FRAME_BOUND and not time_frames:
        raise EvaluatorsError(f"{evaluator_class.get_name()}: no time frame configured")
    symbol_groups = [symbols] if evaluator_class.WILDCARD_SYMBOL else [[symbol] for symbol in symbols]
    per_time_frame = evaluator_class.TIME_FRAME_BOUND and not evaluator_class.WILDCARD_TIME_FRAME
    time_frame_groups = [[tf] for tf in time_frames] if per_time_frame else [time_frames]
    return [
        evaluator_class(context, group, time_frame_group, config)
        for group in symbol_groups
        for time_frame_group in time_frame_groups
    ]


class EvaluationChain:
    """Holds the evaluator instances of one exchange; the orchestrator builds one per exchange of a bot."""

    def __init__(self, context: EvaluatorContext, symbols: Sequence[str], time_frames: Sequence[str]) -> None:
        self.context = context
        self.symbols: tuple[str, ...] = tuple(symbols)
        self.time_frames: tuple[str, ...] = tuple(time_frame_name(tf) for tf in time_frames)
        self.evaluators: list[AbstractEvaluator] = []
        self._started = False

    def add(
        self,
        evaluator_class: type[AbstractEvaluator],
        config: dict[str, Any] | None = None,
        *,
        symbols: Sequence[str] | None = None,
        time_frames: Sequence[str] | None = None,
    ) -> list[AbstractEvaluator]:
        """Create the instances of ``evaluator_class`` (on every configured symbol/time frame by default)."""
        if self._started:
            raise EvaluatorsError("add evaluators before EvaluationChain.start()")
        created = create_evaluators(
            evaluator_class,
            self.context,
            self.symbols if symbols is None else symbols,
            self.time_frames if time_frames is None else time_frames,
            config,
        )
        self.evaluators.extend(created)
        return created

    def of_type(self, evaluator_type: EvaluatorType) -> list[AbstractEvaluator]:
        return [evaluator for evaluator in self.evaluators if evaluator.EVALUATOR_TYPE == evaluator_type]

    def required_history(self, time_frame: str) -> int:
        """Closed candles to load for ``time_frame`` before starting: the most any evaluator needs."""
        name = time_frame_name(time_frame)
        return max(
            (e.required_history for e in self.evaluators if not e.TIME_FRAME_BOUND or name in e.time_frames),
            default=0,
        )

    async def start(self) -> None:
        """Register every key, then subscribe every evaluator (strategies last)."""
        if not self.context.matrix.started:
            raise EvaluatorsError("start the EvaluationMatrix before its evaluation chain")
        for evaluator in self.evaluators:
            for key in evaluator.matrix_keys():
                self.context.matrix.register(key)
        ordered = sorted(self.evaluators, key=lambda e: e.EVALUATOR_TYPE == EvaluatorType.STRATEGY)
        for evaluator in ordered:
            await evaluator.start()
        self._started = True
        logger.info(
            "evaluation chain of %s started in matrix %s: %d evaluators",
            self.context.exchange,
            self.context.matrix.matrix_id,
            len(self.evaluators),
        )

    async def stop(self) -> None:
        for evaluator in self.evaluators:
            await evaluator.stop()
        self._started = False
