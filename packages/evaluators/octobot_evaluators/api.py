"""The public API of octobot_evaluators (re-exported by the package)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import octobot_channel as oc
from octobot_evaluators.chain import EvaluationChain, create_evaluators
from octobot_evaluators.channels import EvaluatorsChannel, MatrixChannel, SocialFeedChannel
from octobot_evaluators.commands import REFRESH, RESET, send_refresh, send_reset
from octobot_evaluators.context import CandleSource, EvaluatorContext
from octobot_evaluators.dip_weights import dip_evaluation, dip_weights
from octobot_evaluators.errors import (
    EvaluatorConfigError,
    EvaluatorDefinitionError,
    EvaluatorsError,
    InvalidEvaluationError,
    MatrixError,
    UnknownTimeFrameError,
)
from octobot_evaluators.evaluation import (
    BEARISH,
    BULLISH,
    NEUTRAL,
    NO_OPINION,
    STRONGEST_BUY,
    STRONGEST_SELL,
    UNCHANGED,
    clamp_evaluation,
    is_buy,
    is_sell,
    validate_evaluation,
)
from octobot_evaluators.evaluation_entry import Evaluation
from octobot_evaluators.evaluator import AbstractEvaluator, cryptocurrency_of
from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.matrix import EvaluationMatrix
from octobot_evaluators.matrix_cells import EvaluationGroup, MatrixCell
from octobot_evaluators.matrix_key import KEY_FIELDS, MatrixKey
from octobot_evaluators.real_time import RealTimeEvaluator
from octobot_evaluators.scripted import Script, ScriptContext, ScriptedEvaluator
from octobot_evaluators.social import Signal, SocialEvaluator, SocialFeed
from octobot_evaluators.strategy import Strategy, StrategyTrigger
from octobot_evaluators.strategy_link import StrategyLink
from octobot_evaluators.technical import TechnicalEvaluator


async def on_strategy_evaluation(
    matrix: EvaluationMatrix,
    callback: Callable[[dict[str, Any]], Awaitable[Any] | None],
    *,
    exchange: str = oc.WILDCARD,
    symbol: str = oc.WILDCARD,
    strategy: str = oc.WILDCARD,
    priority: oc.Priority = oc.Priority.OPTIONAL,
) -> oc.Consumer:
    """Call ``callback(message)`` after each strategy evaluation (how the orchestrator feeds trading modes:
    with a `StrategyLink` to the mode's ``set_evaluation``).

    The message is a Matrix channel message (see `MatrixChannel`); remove the consumer from
    ``matrix.matrix_channel`` to stop.
    """
    filters = {
        "evaluator_type": EvaluatorType.STRATEGY,
        "exchange": exchange,
        "symbol": symbol,
        "evaluator_name": strategy,
    }
    return await matrix.matrix_channel.new_consumer(
        callback, priority=priority, filters=filters, name="strategy-evaluations"
    )


__all__ = [
    "BEARISH",
    "BULLISH",
    "KEY_FIELDS",
    "NEUTRAL",
    "NO_OPINION",
    "REFRESH",
    "RESET",
    "STRONGEST_BUY",
    "STRONGEST_SELL",
    "UNCHANGED",
    "AbstractEvaluator",
    "CandleSource",
    "Evaluation",
    "EvaluationChain",
    "EvaluationGroup",
    "EvaluationMatrix",
    "EvaluatorConfigError",
    "EvaluatorContext",
    "EvaluatorDefinitionError",
    "EvaluatorType",
    "EvaluatorsChannel",
    "EvaluatorsError",
    "InvalidEvaluationError",
    "MatrixCell",
    "MatrixChannel",
    "MatrixError",
    "MatrixKey",
    "RealTimeEvaluator",
    "Script",
    "ScriptContext",
    "ScriptedEvaluator",
    "Signal",
    "SocialEvaluator",
    "SocialFeed",
    "SocialFeedChannel",
    "Strategy",
    "StrategyLink",
    "StrategyTrigger",
    "TechnicalEvaluator",
    "UnknownTimeFrameError",
    "clamp_evaluation",
    "create_evaluators",
    "cryptocurrency_of",
    "dip_evaluation",
    "dip_weights",
    "is_buy",
    "is_sell",
    "on_strategy_evaluation",
    "send_refresh",
    "send_reset",
    "validate_evaluation",
]
