"""TemplateTentacle: a trading mode (created by `octobot tentacles new --kind trading_mode`).

Change `decide_state` and `plan_orders` and their tests in tests/test_template_tentacle.py. A trading mode
separates deciding from acting:
- ``decide_state`` turns the strategy's evaluation (+1 the strongest buy, -1 the strongest sell) into a
  state; the framework acts only when the state changes (``act_on_state_change_only``);
- ``plan_orders`` reads the account (``self.exchange_manager.portfolio``, prices, open orders) and RETURNS
  an `OrderPlan`: the orders to cancel and to create. It must change nothing itself: the framework executes
  the plan under the portfolio lock (cancels first, so amount texts like "25a%" are sized on the funds the
  cancels freed). An empty plan means "do nothing".
Both are plain methods (not async). `octobot tentacles check TemplateTentacle` checks that planning changes
nothing and that the orders, trades and end portfolio are the same in a backtest as live.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from octobot_trading import (
    AbstractTradingMode,
    OrderKind,
    OrderPlan,
    OrderRequest,
    OrderSide,
    TradingModeState,
)


def decide(evaluation: float, threshold: float) -> TradingModeState:
    """LONG at or above ``threshold``, SHORT at or below ``-threshold``, NEUTRAL in between."""
    if evaluation >= threshold:
        return TradingModeState.LONG
    if evaluation <= -threshold:
        return TradingModeState.SHORT
    return TradingModeState.NEUTRAL


class TemplateTentacle(AbstractTradingMode):
    """Buys a share of the quote currency with a market order on a buy signal, sells everything on a
    sell signal; at most one position per symbol."""

    TENTACLE_KIND: ClassVar[str] = "trading_mode"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = "TemplateTentacle"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ("*",)  # any active strategy
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"threshold": 0.3, "buy_amount": "25a%"}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "title": "Signal threshold"},
            "buy_amount": {
                "type": "string",
                "pattern": r"^\s*[0-9]*\.?[0-9]+\s*(q|t%|a%|%)?\s*$",
                "title": "Amount bought: base units, '100q' (quote), '25a%' (of the available quote)",
            },
        },
        "required": ["threshold", "buy_amount"],
        "additionalProperties": False,
    }

    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        return decide(evaluation, self.config["threshold"])

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        rules = self.exchange_manager.markets.rules(symbol)
        held = self.exchange_manager.portfolio.available(rules.base)
        if state is TradingModeState.LONG and held == Decimal(0):
            return OrderPlan(
                symbol, create=(OrderRequest(OrderSide.BUY, OrderKind.MARKET, self.config["buy_amount"]),)
            )
        if state is TradingModeState.SHORT and held > 0:
            return OrderPlan(symbol, create=(OrderRequest(OrderSide.SELL, OrderKind.MARKET, held),))
        return OrderPlan(symbol)  # nothing to do
