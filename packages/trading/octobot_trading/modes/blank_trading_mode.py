"""BlankTradingMode: never creates an order.

Why ship a mode that does nothing: a profile must name a trading mode, and a user who wants the
evaluations, strategies, interfaces and notifications of a bot without any trading (watching a market,
testing an evaluator live) picks this one instead of writing an empty mode.
"""

from __future__ import annotations

from typing import ClassVar

from octobot_trading.modes.order_plan import OrderPlan
from octobot_trading.modes.trading_mode import AbstractTradingMode, TradingModeState


class BlankTradingMode(AbstractTradingMode):
    """Reads every evaluation (so interfaces still show the state) and plans nothing."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "BlankTradingMode"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ()
    DEFAULT_CONFIG: ClassVar[dict] = {"trigger": "evaluations"}
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "BlankTradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {"enum": ["evaluations"], "description": "unused: this mode never trades"},
        },
    }

    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        return TradingModeState.NEUTRAL

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        return OrderPlan(symbol)
