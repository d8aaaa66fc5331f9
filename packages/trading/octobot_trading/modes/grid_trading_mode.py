"""GridTradingMode: a grid of limit orders around the price, each fill answered by its mirror order.

OctoBot's grid, written as plans. When it starts on a symbol it lays ``sell_orders_count`` sells from
``P + flat_spread / 2`` up and ``buy_orders_count`` buys from ``P - flat_spread / 2`` down, one every
``flat_increment`` (``P``: ``starting_price``, or the current price). Each fill creates the opposite order
``flat_spread - flat_increment`` away by the mirror rule of :mod:`octobot_trading.modes.ladder` (shared
with the staggered orders mode). Strategies and evaluations are not used: the grid only reacts to its
own fills. After a restart, the orders the mode left open (its tag) are the grid: nothing is laid a
second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from octobot_trading.modes.config_problem import ConfigProblem
from octobot_trading.modes.ladder import LadderTradingMode, rungs, spread_problems
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.orders.enums import OrderSide

ZERO = Decimal(0)
TWO = Decimal(2)

_NUMBER = {"type": "number", "exclusiveMinimum": 0}
_SETTINGS_PROPERTIES: dict[str, Any] = {
    "flat_spread": {
        **_NUMBER,
        "description": "distance between the highest buy and the lowest sell, in quote units (e.g. USDT); "
        "also how far a mirror order is placed from the fill, less one increment",
    },
    "flat_increment": {
        **_NUMBER,
        "description": "distance between two orders of the same side, in quote units; below flat_spread",
    },
    "buy_orders_count": {
        "type": "integer",
        "minimum": 0,
        "maximum": 500,
        "description": "buy orders laid below the starting price",
    },
    "sell_orders_count": {
        "type": "integer",
        "minimum": 0,
        "maximum": 500,
        "description": "sell orders laid above the starting price",
    },
    "buy_funds": {
        "type": "number",
        "minimum": 0,
        "description": "quote units shared by the initial buy orders; 0: the available quote (times 0.5 + "
        "risk, at most all of it), split between the grid's pairs that spend it",
    },
    "sell_funds": {
        "type": "number",
        "minimum": 0,
        "description": "base units shared by the initial sell orders; 0: the available base (times 0.5 + "
        "risk, at most all of it), split between the grid's pairs that spend it",
    },
    "starting_price": {
        "type": "number",
        "minimum": 0,
        "description": "price the grid is centred on, in quote units; 0: the price when the mode starts",
    },
}


@dataclass(frozen=True)
class GridSettings:
    """One pair's grid, in Decimals (checked: 0 < increment < spread)."""

    flat_spread: Decimal
    flat_increment: Decimal
    buy_orders_count: int
    sell_orders_count: int
    buy_funds: Decimal
    sell_funds: Decimal
    starting_price: Decimal

    @property
    def mirror_distance(self) -> Decimal:
        return self.flat_spread - self.flat_increment


class GridTradingMode(LadderTradingMode):
    """Limit orders every ``flat_increment`` around the price, mirrored one spread away on each fill."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "GridTradingMode"
    DEFAULT_CONFIG: ClassVar[dict] = {
        "trigger": "evaluations",
        "flat_spread": 1.0,
        "flat_increment": 0.5,
        "buy_orders_count": 10,
        "sell_orders_count": 10,
        "buy_funds": 0,
        "sell_funds": 0,
        "starting_price": 0,
        "pair_settings": {},
    }
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "GridTradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {"enum": ["evaluations"], "description": "unused: the grid acts on its own fills"},
            **_SETTINGS_PROPERTIES,
            "pair_settings": {
                "type": "object",
                "description": "per pair overrides of the keys above, "
                'e.g. {"BTC/USDT": {"flat_spread": 300}}',
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": _SETTINGS_PROPERTIES,
                },
            },
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings: dict[str, GridSettings] = {symbol: self._settings(symbol) for symbol in self.symbols}

    @classmethod
    def config_problems(cls, config: dict[str, Any]) -> list[ConfigProblem]:
        """The spread and increment of the grid, and of each pair's overrides (checked at start by the
        base class and by `octobot profiles validate`)."""
        return super().config_problems(config) + spread_problems(
            config, "flat_spread", "flat_increment", "flat_spread 1.0 and flat_increment 0.5"
        )

    def _settings(self, symbol: str) -> GridSettings:
        """The pair's settings (already checked by config_problems when the mode was built)."""
        merged = self.pair_config(symbol)
        spread = Decimal(str(merged["flat_spread"]))
        increment = Decimal(str(merged["flat_increment"]))
        return GridSettings(
            spread,
            increment,
            int(merged["buy_orders_count"]),
            int(merged["sell_orders_count"]),
            Decimal(str(merged["buy_funds"])),
            Decimal(str(merged["sell_funds"])),
            Decimal(str(merged["starting_price"])),
        )

    # --- the grid ------------------------------------------------------------------------------
    def mirror_distance(self, symbol: str) -> Decimal | None:
        settings = self.settings.get(symbol)
        return None if settings is None else settings.mirror_distance

    def plan_layout(self, symbol: str) -> OrderPlan:
        settings = self.settings[symbol]
        centre = settings.starting_price or self.current_price(symbol)
        rules = self.exchange_manager.markets.rules(symbol)
        portfolio = self.exchange_manager.portfolio
        half = settings.flat_spread / TWO
        requests: list[OrderRequest] = []
        skipped = 0
        if settings.buy_orders_count:
            funds = settings.buy_funds or self.shared_funds(
                rules.quote, self.risk_scaled(portfolio.available(rules.quote))
            )
            per_order = funds / settings.buy_orders_count
            prices = rungs(centre - half, settings.flat_increment, OrderSide.BUY)
            for _, exact in zip(range(settings.buy_orders_count), prices, strict=False):
                price = rules.adjust_price(exact)
                if price <= ZERO:
                    break
                amount = rules.adjust_amount(per_order / price)
                if rules.is_valid_order(amount, price):
                    requests.append(self.limit(OrderSide.BUY, amount, price))
                else:
                    skipped += 1
        if settings.sell_orders_count:
            funds = settings.sell_funds or self.shared_funds(
                rules.base, self.risk_scaled(portfolio.available(rules.base))
            )
            amount = rules.adjust_amount(funds / settings.sell_orders_count)
            prices = rungs(centre + half, settings.flat_increment, OrderSide.SELL)
            for _, exact in zip(range(settings.sell_orders_count), prices, strict=False):
                price = rules.adjust_price(exact)
                if rules.is_valid_order(amount, price):
                    requests.append(self.limit(OrderSide.SELL, amount, price))
                else:
                    skipped += 1
        self.warn_skipped(symbol, skipped, "raise buy_funds/sell_funds or lower the order counts")
        return OrderPlan(symbol, create=tuple(requests))

    def lays(self, symbol: str, side: OrderSide) -> bool:
        settings = self.settings[symbol]
        return bool(settings.buy_orders_count if side is OrderSide.BUY else settings.sell_orders_count)
