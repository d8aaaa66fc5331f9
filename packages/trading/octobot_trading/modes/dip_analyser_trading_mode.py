"""DipAnalyserTradingMode: OctoBot's dip buyer, buying the bottoms the dip analyser strategy confirms.

Each evaluation of ``DipAnalyserStrategyEvaluator`` above 0 is a dip carrying a price weight and a volume
weight (1 light, 2 medium, 3 heavy; `octobot_trading.modes.dip_weights`). On a dip the mode cancels its
unfilled dip buy on the pair (a new bottom replaces it) and places a limit buy ``limit_offset_percent``
below the price, for a share of the available quote:

    share x min(volume multiplier of the weight x (1 + (risk - 0.5) x 0.2), 1)

where ``share`` is 0.5 with one traded coin, 0.33 with two, and with three or more
``0.33 x (1 - min(0.8 x the coin's part of the value of the mode's pairs, 1))`` (0.35 as that part while
a price is missing), as OctoBot sizes it. When a dip buy fills, it is sold in ``sell_orders_count``
limit sells spread evenly above the buy price up to ``buy price x price multiplier`` of the dip's price
weight (fewer sells when each would be below the exchange's minimum), together selling what the buy
brought (filled less the fee paid in the coin). It never sells otherwise.

At start, dip buys left open by an earlier session are cancelled (their price weight belongs to a plan
that no longer runs, as OctoBot does); the sells left open stay.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any, ClassVar

from octobot_trading.modes.config_problem import ConfigProblem
from octobot_trading.modes.dip_weights import dip_weights
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.modes.trading_mode import RISK_NEUTRAL, AbstractTradingMode, TradingModeState
from octobot_trading.orders.enums import OrderKind, OrderSide
from octobot_trading.orders.order import Order

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
#: OctoBot's constants: the share of the buyable amount with one coin, with two or more, the part of a
#: coin assumed while it cannot be valued, how much that part reduces the share, and the risk's weight
FULL_SHARE = Decimal("0.5")
SOFT_MAX_SHARE = Decimal("0.33")
DEFAULT_HOLDING_RATIO = Decimal("0.35")
DELTA_RATIO = Decimal("0.8")
RISK_VOLUME_MULTIPLIER = Decimal("0.2")
_WEIGHT_NAMES = {1: "light", 2: "medium", 3: "heavy"}
_PERCENT = Decimal("0.000001")


def _multiplier(description: str, minimum: dict[str, Any]) -> dict[str, Any]:
    return {"type": "number", **minimum, "description": description}


class DipAnalyserTradingMode(AbstractTradingMode):
    """Limit buys at confirmed dips, sized by the dip's volume weight and the risk; staged sells on fill."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "DipAnalyserTradingMode"
    #: the risk enters OctoBot's own dip volume formula (volume_ratio), not the generic scaling
    RISK_SIZE_WEIGHT: ClassVar[Decimal] = Decimal(0)
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ("DipAnalyserStrategyEvaluator",)
    DEFAULT_CONFIG: ClassVar[dict] = {
        "trigger": "evaluations",
        "act_on_state_change_only": False,
        "limit_offset_percent": 0.5,
        "sell_orders_count": 3,
        "light_weight_volume_multiplier": 0.5,
        "medium_weight_volume_multiplier": 0.7,
        "heavy_weight_volume_multiplier": 1.0,
        "light_weight_price_multiplier": 1.04,
        "medium_weight_price_multiplier": 1.07,
        "heavy_weight_price_multiplier": 1.1,
    }
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "DipAnalyserTradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {"enum": ["evaluations"], "description": "acts on the strategy's dip evaluations"},
            "act_on_state_change_only": {
                "const": False,
                "description": "always false: each dip is acted on, even right after another one",
            },
            "limit_offset_percent": {
                "type": "number",
                "minimum": 0,
                "maximum": 50,
                "description": "how far below the price a dip buy is placed, in percent",
            },
            "sell_orders_count": {
                "type": "integer",
                "minimum": 1,
                "maximum": 40,
                "description": "limit sells a filled dip buy is sold in (fewer when each would be below "
                "the exchange's minimum)",
            },
            **{
                f"{name}_weight_volume_multiplier": _multiplier(
                    f"part of the dip buy's share bought at a {name} volume weight, 0 to 1 (OctoBot: "
                    f"{default})",
                    {"exclusiveMinimum": 0, "maximum": 1},
                )
                for name, default in (("light", 0.5), ("medium", 0.7), ("heavy", 1.0))
            },
            **{
                f"{name}_weight_price_multiplier": _multiplier(
                    f"highest sell of a dip of {name} price weight, as a multiple of the buy price, above 1 "
                    f"(OctoBot: {default}, +{round((default - 1) * 100)} %)",
                    {"exclusiveMinimum": 1, "maximum": 10},
                )
                for name, default in (("light", 1.04), ("medium", 1.07), ("heavy", 1.1))
            },
        },
    }

    @classmethod
    def config_problems(cls, config: dict[str, Any]) -> list[ConfigProblem]:
        """Heavier weights never buy less nor sell lower than lighter ones."""
        problems = super().config_problems(config)
        for kind in ("volume", "price"):
            keys = [f"{name}_weight_{kind}_multiplier" for name in _WEIGHT_NAMES.values()]
            values = [config.get(key) for key in keys]
            numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
            if len(numbers) == 3 and not numbers[0] <= numbers[1] <= numbers[2]:
                problems.append(
                    ConfigProblem(
                        keys[1] if numbers[0] > numbers[1] else keys[2],
                        f"the {kind} multipliers must not decrease from light to medium to heavy (got "
                        f"{', '.join(str(v) for v in values)}), e.g. "
                        f"{'0.5, 0.7, 1.0' if kind == 'volume' else '1.04, 1.07, 1.1'}",
                    )
                )
        return problems

    def _weight(self, kind: str, weight: int) -> Decimal:
        return Decimal(str(self.config[f"{_WEIGHT_NAMES[weight]}_weight_{kind}_multiplier"]))

    def dip_tag(self, price_weight: int) -> str:
        """The tag of a dip buy: it carries the dip's price weight to the sells of its fill."""
        return f"{self.get_name()} dip {price_weight}"

    # --- deciding ------------------------------------------------------------------------------
    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        return TradingModeState.LONG if dip_weights(evaluation) else TradingModeState.NEUTRAL

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        weights = dip_weights(evaluation)
        if weights is None:
            return OrderPlan(symbol)
        price_weight, volume_weight = weights
        rules = self.exchange_manager.markets.rules(symbol)
        offset = Decimal(str(self.config["limit_offset_percent"])) / HUNDRED
        price = rules.adjust_price(self.current_price(symbol) * (ONE - offset))
        unfilled = tuple(order for order in self._dip_buys(symbol) if order.is_active)
        percent = (self.buy_share(symbol) * self.volume_ratio(volume_weight) * HUNDRED).quantize(_PERCENT)
        buy = OrderRequest(
            OrderSide.BUY, OrderKind.LIMIT, f"{percent}a%", price, tag=self.dip_tag(price_weight)
        )
        return OrderPlan(symbol, cancel=unfilled, create=(buy,))

    def volume_ratio(self, volume_weight: int) -> Decimal:
        """The volume multiplier of the weight, moved by the risk as OctoBot does, at most 1."""
        risk_multiplier = ONE + (self.risk - RISK_NEUTRAL) * RISK_VOLUME_MULTIPLIER
        return min(self._weight("volume", volume_weight) * risk_multiplier, ONE)

    def buy_share(self, symbol: str) -> Decimal:
        """Share of the available quote a full-volume dip buy of ``symbol`` spends (OctoBot's rule)."""
        markets = self.exchange_manager.markets
        coins = {markets.rules(s).base for s in self.symbols}
        if len(coins) == 1:
            return FULL_SHARE
        if len(coins) == 2:
            return SOFT_MAX_SHARE
        part = self._holding_part(symbol)
        return SOFT_MAX_SHARE * (ONE - min(part * DELTA_RATIO, ONE))

    def _holding_part(self, symbol: str) -> Decimal:
        """The coin of ``symbol``'s part of the value of the mode's pairs quoted like it (in that quote)."""
        markets, portfolio = self.exchange_manager.markets, self.exchange_manager.portfolio
        quote = markets.rules(symbol).quote
        total, coin = portfolio.total(quote), ZERO
        for other in self.symbols:
            rules = markets.rules(other)
            if rules.quote != quote:
                continue
            price = self.exchange_manager.last_price(other)
            if price is None:
                return DEFAULT_HOLDING_RATIO
            value = portfolio.total(rules.base) * price
            total += value
            if other == symbol:
                coin = value
        return coin / total if total > ZERO else ZERO

    def _dip_buys(self, symbol: str) -> list[Order]:
        prefix = f"{self.get_name()} dip "
        return [
            o for o in self.exchange_manager.trader.open_orders(symbol) if (o.tag or "").startswith(prefix)
        ]

    # --- events --------------------------------------------------------------------------------
    def plan_on_start(self, symbol: str) -> OrderPlan:
        return OrderPlan(symbol, cancel=tuple(self._dip_buys(symbol)))

    def plan_on_fill(self, order: Order) -> OrderPlan:
        symbol = order.symbol
        tag = order.tag or ""
        prefix = f"{self.get_name()} dip "
        if order.side is not OrderSide.BUY or not tag.startswith(prefix) or order.price is None:
            return OrderPlan(symbol)
        price_weight = int(tag[len(prefix) :])
        rules = self.exchange_manager.markets.rules(symbol)
        brought = order.filled - order.fees.get(rules.base, ZERO)
        quantity = min(brought, self.exchange_manager.portfolio.available(rules.base))
        highest = order.price * self._weight("price", price_weight)
        return OrderPlan(symbol, create=self._staged_sells(symbol, order.price, highest, quantity))

    def _staged_sells(
        self, symbol: str, base: Decimal, highest: Decimal, quantity: Decimal
    ) -> tuple[OrderRequest, ...]:
        """``quantity`` in equal sells every (highest - base) / count above ``base``, the last one taking
        what rounding left; fewer sells while the first would be below the exchange's minimum."""
        rules = self.exchange_manager.markets.rules(symbol)
        count = int(self.config["sell_orders_count"])
        while count > 0:
            step = (highest - base) / count
            if rules.is_valid_order(rules.adjust_amount(quantity / count), rules.adjust_price(base + step)):
                break
            count -= 1
        if count == 0:
            logger.warning(
                "%s on %s: %s bought at %s is below the exchange minimum: no sell created",
                self.get_name(),
                symbol,
                quantity,
                base,
            )
            return ()
        each = rules.adjust_amount(quantity / count)
        sells = []
        for index in range(count):
            amount = each if index < count - 1 else rules.adjust_amount(quantity - each * (count - 1))
            price = rules.adjust_price(base + step * (index + 1))
            sells.append(OrderRequest(OrderSide.SELL, OrderKind.LIMIT, amount, price, tag=self.get_name()))
        return tuple(sells)
