# cython: annotation_typing=False
"""DailyTradingMode: OctoBot's daily trading mode, in our sign convention.

It buys when the strategy's evaluation is at or above ``buy_threshold`` (+1 is the strongest buy) and
sells when it is at or below ``sell_threshold``; beyond the strong thresholds it uses market orders, in
between limit orders placed ``limit_offset_percent`` away from the current price (or market orders when
``order_type`` is ``"market"``). A buy can carry a stop-loss and a take-profit, created as chained orders
in one one-cancels-the-other group when the buy fills. A new decision cancels the symbol's previous
open orders of this mode first (``cancel_open_orders``), except that a buy leaves the stop-losses and
take-profits of earlier buys in place.

The profile's risk (0 to 1; 0.5 trades the config as written) moves the four thresholds
``0.2 x (risk - 0.5)`` towards 0 (risk 1: 0.1 closer, trading on weaker evaluations; risk 0: 0.1 further)
and scales the amounts given as a share of the funds by ``0.5 + risk`` (see `AbstractTradingMode.size`).
"""

from __future__ import annotations

import functools
import logging
from decimal import Decimal
from typing import Any, ClassVar

try:
    import cython
except ImportError:  # pure build without Cython installed (see octobot_channel.cython_shim)
    from octobot_channel import cython_shim as cython

from octobot_trading.modes.amounts import AMOUNT_SCHEMA_PATTERN
from octobot_trading.modes.config_problem import ConfigProblem
from octobot_trading.modes.errors import TradingModeError
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.modes.protections import protections
from octobot_trading.modes.trading_mode import RISK_NEUTRAL, AbstractTradingMode, TradingModeState
from octobot_trading.orders.enums import OrderKind, OrderSide
from octobot_trading.orders.order import Order

logger = logging.getLogger(__name__)

HUNDRED = Decimal(100)
ZERO = Decimal(0)
#: OctoBot's: how far a risk of 1 (or 0) moves the thresholds, here from those of the neutral risk 0.5
RISK_THRESHOLD = 0.2
_AMOUNT_FORM = (
    "an amount like 0.1 (base units), 25q (quote units), 2% (of the total) or 12a% (of the available)"
)


class DailyTradingMode(AbstractTradingMode):
    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "DailyTradingMode"
    DEFAULT_CONFIG: ClassVar[dict] = {
        "trigger": "evaluations",
        "strong_buy_threshold": 0.8,
        "buy_threshold": 0.3,
        "sell_threshold": -0.3,
        "strong_sell_threshold": -0.8,
        "order_type": "limit",
        "limit_offset_percent": 0.5,
        "buy_amount": "10a%",
        "sell_amount": "100a%",
        "stop_loss_percent": None,
        "take_profit_percent": None,
        "cancel_open_orders": True,
        "act_on_state_change_only": True,
    }
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "DailyTradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {
                "enum": ["evaluations", "candles"],
                "description": "act on evaluations or on each closed candle",
            },
            "strong_buy_threshold": {"type": "number", "minimum": -1, "maximum": 1},
            "buy_threshold": {"type": "number", "minimum": -1, "maximum": 1},
            "sell_threshold": {"type": "number", "minimum": -1, "maximum": 1},
            "strong_sell_threshold": {"type": "number", "minimum": -1, "maximum": 1},
            "order_type": {"enum": ["limit", "market"]},
            "limit_offset_percent": {"type": "number", "minimum": 0, "maximum": 50},
            "buy_amount": {"type": "string", "pattern": AMOUNT_SCHEMA_PATTERN, "x-expected": _AMOUNT_FORM},
            "sell_amount": {"type": "string", "pattern": AMOUNT_SCHEMA_PATTERN, "x-expected": _AMOUNT_FORM},
            "stop_loss_percent": {"type": ["number", "null"], "exclusiveMinimum": 0, "exclusiveMaximum": 100},
            "take_profit_percent": {"type": ["number", "null"], "exclusiveMinimum": 0},
            "cancel_open_orders": {"type": "boolean"},
            "act_on_state_change_only": {"type": "boolean"},
        },
        "required": ["buy_threshold", "sell_threshold", "buy_amount", "sell_amount"],
    }

    AMOUNT_KEYS: ClassVar[tuple[str, ...]] = ("buy_amount", "sell_amount")

    @classmethod
    def config_problems(cls, config: dict[str, Any]) -> list[ConfigProblem]:
        problems = super().config_problems(config)
        names = ("strong_sell_threshold", "sell_threshold", "buy_threshold", "strong_buy_threshold")
        read = [config.get(name) for name in names]
        values = [float(v) for v in read if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(values) == len(names) and not values[0] <= values[1] < values[2] <= values[3]:
            got = ", ".join(f"{name} {value}" for name, value in zip(names, read, strict=True))
            problems.append(
                ConfigProblem(
                    "buy_threshold" if values[1] >= values[2] else names[0 if values[0] > values[1] else 3],
                    f"thresholds must satisfy strong_sell_threshold <= sell_threshold < buy_threshold <= "
                    f"strong_buy_threshold (got {got}); e.g. -0.8, -0.3, 0.3, 0.8",
                )
            )
        return problems

    # typed locals: the compiled build compares C doubles (it runs on every strategy evaluation)
    @cython.locals(
        evaluation=cython.double,
        strong_sell=cython.double,
        sell=cython.double,
        buy=cython.double,
        strong_buy=cython.double,
    )
    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        """At or above ``strong_buy_threshold``: VERY_LONG; at or above ``buy_threshold``: LONG; at or below
        ``strong_sell_threshold``: VERY_SHORT; at or below ``sell_threshold``: SHORT; else NEUTRAL."""
        if evaluation != evaluation:
            raise TradingModeError(f"{self.get_name()}: a NaN evaluation puts {symbol} in no state")
        strong_sell, sell, buy, strong_buy = self.thresholds
        if evaluation >= buy:
            return TradingModeState.VERY_LONG if evaluation >= strong_buy else TradingModeState.LONG
        if evaluation <= sell:
            return TradingModeState.VERY_SHORT if evaluation <= strong_sell else TradingModeState.SHORT
        return TradingModeState.NEUTRAL

    @functools.cached_property
    def thresholds(self) -> tuple[float, float, float, float]:
        """(strong sell, sell, buy, strong buy) thresholds moved by the risk as OctoBot does: each moves
        ``RISK_THRESHOLD x (risk - 0.5)`` towards 0 (a higher risk trades on weaker evaluations), the buy
        and sell thresholds never crossing (they stop halfway to their midpoint)."""
        c = self.config
        shift = RISK_THRESHOLD * float(self.risk - RISK_NEUTRAL)
        sell, buy = float(c["sell_threshold"]), float(c["buy_threshold"])
        shift = min(shift, (buy - sell) / 4)
        return (
            max(-1.0, min(1.0, float(c["strong_sell_threshold"]) + shift)),
            max(-1.0, min(1.0, sell + shift)),
            max(-1.0, min(1.0, buy - shift)),
            max(-1.0, min(1.0, float(c["strong_buy_threshold"]) - shift)),
        )

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        if state is TradingModeState.NEUTRAL:
            return OrderPlan(symbol)
        name = self.get_name()
        buying = state in (TradingModeState.VERY_LONG, TradingModeState.LONG)
        cancel: tuple[Order, ...] = ()
        if self.config["cancel_open_orders"]:
            # a buy keeps the stop-losses and take-profits protecting earlier buys; a sell replaces them
            cancel = tuple(
                order
                for order in self.exchange_manager.trader.open_orders(symbol)
                if order.tag == name and order.is_active and (not buying or order.parent_id is None)
            )
        price = self.current_price(symbol)
        strong = state in (TradingModeState.VERY_LONG, TradingModeState.VERY_SHORT)
        market = strong or self.config["order_type"] == "market"
        offset = Decimal(str(self.config["limit_offset_percent"])) / HUNDRED
        order_price = None if market else (price * (1 - offset) if buying else price * (1 + offset))
        protection = self._protection(order_price or price) if buying else ()
        entry = OrderRequest(
            OrderSide.BUY if buying else OrderSide.SELL,
            OrderKind.MARKET if market else OrderKind.LIMIT,
            self.config["buy_amount" if buying else "sell_amount"],
            order_price,
            chained=protection,
            one_cancels_the_other=len(protection) > 1,
            tag=name,
        )
        return OrderPlan(symbol, cancel, (entry,))

    def _protection(self, entry: Decimal) -> tuple[OrderRequest, ...]:
        """Stop-loss and take-profit of a buy, selling what the buy brings (one OCO group when both)."""
        c = self.config
        return protections(entry, c["stop_loss_percent"], c["take_profit_percent"], self.get_name())
