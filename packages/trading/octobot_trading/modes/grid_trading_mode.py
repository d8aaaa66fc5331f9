"""GridTradingMode: a grid of limit orders around the price, each fill answered by its mirror order.

OctoBot's grid, written as plans. When it starts on a symbol it lays ``sell_orders_count`` sells from
``P + flat_spread / 2`` up and ``buy_orders_count`` buys from ``P - flat_spread / 2`` down, one every
``flat_increment`` (``P``: ``starting_price``, or the current price). Each fill creates the opposite order
one spread away, less one increment (the mirror rule, kept exactly):

- a buy filled at origin price ``p`` creates a sell at ``p + (flat_spread - flat_increment)`` for the
  filled amount minus the fee paid in the base asset;
- a sell filled at ``p`` creates a buy at ``p - (flat_spread - flat_increment)`` for the quote the sell
  brought (filled x fill price minus the fee paid in the quote asset) divided by the mirror price;

both capped by what is available and rounded to the market's precision. A mirror below the exchange's
minimum is not created (logged once per fill, never sent as dust). Strategies and evaluations are not
used: the grid only reacts to its own fills. After a restart, the orders the mode left open (its tag)
are the grid: nothing is laid a second time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from octobot_trading.modes.config_problem import ConfigProblem
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.modes.trading_mode import AbstractTradingMode, TradingModeState
from octobot_trading.orders.enums import OrderKind, OrderSide
from octobot_trading.orders.order import Order

logger = logging.getLogger(__name__)

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
        "description": "quote units shared by the initial buy orders; 0: the available quote, split "
        "between the grid's pairs that spend it",
    },
    "sell_funds": {
        "type": "number",
        "minimum": 0,
        "description": "base units shared by the initial sell orders; 0: the available base, split "
        "between the grid's pairs that spend it",
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


class GridTradingMode(AbstractTradingMode):
    """Limit orders every ``flat_increment`` around the price, mirrored one spread away on each fill."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "GridTradingMode"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ()
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
        problems = super().config_problems(config)
        overrides = config.get("pair_settings") or {}
        scopes = [("", config)] + [
            (f"pair_settings.{pair}.", {**config, **values})
            for pair, values in overrides.items()
            if isinstance(values, dict)
        ]
        for prefix, merged in scopes:
            spread = Decimal(str(merged.get("flat_spread", 0)))
            increment = Decimal(str(merged.get("flat_increment", 0)))
            if spread <= ZERO or increment <= ZERO:
                key = "flat_spread" if spread <= ZERO else "flat_increment"
                problems.append(
                    ConfigProblem(
                        prefix + key,
                        f"flat_spread and flat_increment must be positive (got {spread} and {increment}), "
                        "e.g. flat_spread 1.0 and flat_increment 0.5",
                    )
                )
            elif increment >= spread:
                problems.append(
                    ConfigProblem(
                        prefix + "flat_increment",
                        f"flat_increment ({increment}) must be below flat_spread ({spread}): a mirror "
                        "order is placed spread - increment away from its fill; e.g. flat_spread 1.0, "
                        "flat_increment 0.5",
                    )
                )
        return problems

    def _settings(self, symbol: str) -> GridSettings:
        """The pair's settings (already checked by config_problems when the mode was built)."""
        merged = {**self.config, **self.config.get("pair_settings", {}).get(symbol, {})}
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

    # --- evaluations are not used --------------------------------------------------------------
    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        return TradingModeState.NEUTRAL

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        return OrderPlan(symbol)

    # --- the grid ------------------------------------------------------------------------------
    def plan_on_start(self, symbol: str) -> OrderPlan:
        if self.own_open_orders(symbol):
            return OrderPlan(symbol)  # a restart: the orders left open are the grid
        settings = self.settings[symbol]
        centre = settings.starting_price or self.current_price(symbol)
        rules = self.exchange_manager.markets.rules(symbol)
        portfolio = self.exchange_manager.portfolio
        half = settings.flat_spread / TWO
        requests: list[OrderRequest] = []
        skipped = 0
        if settings.buy_orders_count:
            funds = settings.buy_funds or self._shared(rules.quote, portfolio.available(rules.quote))
            per_order = funds / settings.buy_orders_count
            for index in range(settings.buy_orders_count):
                price = rules.adjust_price(centre - half - settings.flat_increment * index)
                if price <= ZERO:
                    break
                amount = rules.adjust_amount(per_order / price)
                if rules.is_valid_order(amount, price):
                    requests.append(self._limit(OrderSide.BUY, amount, price))
                else:
                    skipped += 1
        if settings.sell_orders_count:
            funds = settings.sell_funds or self._shared(rules.base, portfolio.available(rules.base))
            amount = rules.adjust_amount(funds / settings.sell_orders_count)
            for index in range(settings.sell_orders_count):
                price = rules.adjust_price(centre + half + settings.flat_increment * index)
                if rules.is_valid_order(amount, price):
                    requests.append(self._limit(OrderSide.SELL, amount, price))
                else:
                    skipped += 1
        if skipped:
            logger.warning(
                "%s on %s: %d grid order(s) not laid: below the exchange minimum with the funds given "
                "(raise buy_funds/sell_funds or lower the order counts)",
                self.get_name(),
                symbol,
                skipped,
            )
        return OrderPlan(symbol, create=tuple(requests))

    def plan_on_fill(self, order: Order) -> OrderPlan:
        symbol = order.symbol
        settings = self.settings.get(symbol)
        origin = order.price
        if settings is None or origin is None or order.kind is not OrderKind.LIMIT:
            return OrderPlan(symbol)
        rules = self.exchange_manager.markets.rules(symbol)
        portfolio = self.exchange_manager.portfolio
        fill_price = order.average_price or origin
        if order.side is OrderSide.BUY:
            side = OrderSide.SELL
            price = rules.adjust_price(origin + settings.mirror_distance)
            amount = order.filled - order.fees.get(rules.base, ZERO)
            amount = min(amount, portfolio.available(rules.base))
        else:
            side = OrderSide.BUY
            price = rules.adjust_price(origin - settings.mirror_distance)
            if price <= ZERO:
                return OrderPlan(symbol)
            brought = order.filled * fill_price - order.fees.get(rules.quote, ZERO)
            amount = min(brought, portfolio.available(rules.quote)) / price
        amount = rules.adjust_amount(amount)
        if amount <= ZERO or not rules.is_valid_order(amount, price):
            logger.warning(
                "%s on %s: the mirror %s of %s (%s at %s) is below the exchange minimum: not created",
                self.get_name(),
                symbol,
                side.value,
                order.order_id,
                amount,
                price,
            )
            return OrderPlan(symbol)
        return OrderPlan(symbol, create=(self._limit(side, amount, price),))

    def _limit(self, side: OrderSide, amount: Decimal, price: Decimal) -> OrderRequest:
        return OrderRequest(side, OrderKind.LIMIT, amount, price, tag=self.get_name())

    def _shared(self, asset: str, available: Decimal) -> Decimal:
        """``available`` split between this grid's pairs that spend ``asset`` on their first orders and
        have no grid yet (the one being laid included), so each pair gets the same share."""
        users = 0
        for symbol in self.symbols:
            if self.own_open_orders(symbol):
                continue
            rules = self.exchange_manager.markets.rules(symbol)
            if asset == rules.quote and self.settings[symbol].buy_orders_count:
                users += 1
            elif asset == rules.base and self.settings[symbol].sell_orders_count:
                users += 1
        return available / max(users, 1)
