"""The ladder shared by the grid and staggered orders modes: rungs of limit orders, and the mirror rule.

Why one module: both modes lay limit orders one increment apart on each side of the price and answer
each fill with its mirror order; the rule is OctoBot's and must be kept exactly, so it is written once:

- a buy filled at origin price ``p`` creates a sell at ``p + (spread - increment)`` for the filled amount
  minus the fee paid in the base asset;
- a sell filled at ``p`` creates a buy at ``p - (spread - increment)`` for the quote the sell brought
  (filled x fill price minus the fee paid in the quote asset) divided by the mirror price;

both capped by what is available and rounded to the market's precision. A mirror below the exchange's
minimum is not created (logged once per fill, never sent as dust).

`LadderTradingMode` is the base of both modes: evaluations are not used (no strategy needed), the layout
is planned once per symbol at start, and after a restart the orders the mode left open (its tag, restored
from the exchange or the state store) are the ladder: nothing is laid a second time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from octobot_trading.markets import MarketRules
from octobot_trading.modes.config_problem import ConfigProblem
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.modes.trading_mode import AbstractTradingMode, TradingModeState
from octobot_trading.orders.enums import OrderKind, OrderSide
from octobot_trading.orders.order import Order

logger = logging.getLogger(__name__)

ZERO = Decimal(0)


@dataclass(frozen=True)
class Mirror:
    """The order answering a fill: ``side`` ``amount`` at ``price``, or ``valid`` False when below the
    exchange's minimum (not to be created)."""

    side: OrderSide
    amount: Decimal
    price: Decimal
    valid: bool


def mirror_of(
    order: Order, distance: Decimal, rules: MarketRules, available_base: Decimal, available_quote: Decimal
) -> Mirror | None:
    """The mirror of ``order`` (a filled limit order) ``distance`` (spread - increment) away, by the rule
    above; None when the mirror price would not be positive."""
    origin = order.price
    if origin is None:
        return None
    if order.side is OrderSide.BUY:
        side = OrderSide.SELL
        price = rules.adjust_price(origin + distance)
        amount = min(order.filled - order.fees.get(rules.base, ZERO), available_base)
    else:
        side = OrderSide.BUY
        price = rules.adjust_price(origin - distance)
        if price <= ZERO:
            return None
        fill_price = order.average_price or origin
        brought = order.filled * fill_price - order.fees.get(rules.quote, ZERO)
        amount = min(brought, available_quote) / price
    amount = rules.adjust_amount(amount)
    return Mirror(side, amount, price, amount > ZERO and rules.is_valid_order(amount, price))


def rungs(start: Decimal, step: Decimal, side: OrderSide, bound: Decimal | None = None) -> Iterator[Decimal]:
    """Prices from ``start`` away from the market one ``step`` at a time: down for buys (while positive
    and at or above ``bound``), up for sells (while at or below ``bound``); endless without a bound."""
    index = 0
    while True:
        price = start - step * index if side is OrderSide.BUY else start + step * index
        if price <= ZERO or (
            bound is not None and (price < bound if side is OrderSide.BUY else price > bound)
        ):
            return
        yield price
        index += 1


def pair_scopes(config: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The config itself and each ``pair_settings`` override merged over it, each with the key prefix
    naming it in an error (``pair_settings.BTC/USDT.``)."""
    overrides = config.get("pair_settings") or {}
    return [("", config)] + [
        (f"pair_settings.{pair}.", {**config, **values})
        for pair, values in overrides.items()
        if isinstance(values, dict)
    ]


def spread_problems(
    config: dict[str, Any], spread_key: str, increment_key: str, example: str
) -> list[ConfigProblem]:
    """Spread and increment positive, increment below spread (a mirror goes spread - increment away), in
    the config and each pair's overrides."""
    problems = []
    for prefix, merged in pair_scopes(config):
        spread = Decimal(str(merged.get(spread_key, 0)))
        increment = Decimal(str(merged.get(increment_key, 0)))
        if spread <= ZERO or increment <= ZERO:
            key = spread_key if spread <= ZERO else increment_key
            problems.append(
                ConfigProblem(
                    prefix + key,
                    f"{spread_key} and {increment_key} must be positive (got {spread} and {increment}), "
                    f"e.g. {example}",
                )
            )
        elif increment >= spread:
            problems.append(
                ConfigProblem(
                    prefix + increment_key,
                    f"{increment_key} ({increment}) must be below {spread_key} ({spread}): a mirror order is "
                    f"placed spread - increment away from its fill; e.g. {example}",
                )
            )
    return problems


class LadderTradingMode(AbstractTradingMode):
    """Base of the modes that lay a ladder of limit orders and mirror each fill (grid, staggered).

    Subclasses implement :meth:`plan_layout` (the first ladder of a symbol) and :meth:`mirror_distance`
    (spread - increment of a symbol, in quote units).
    """

    ABSTRACT: ClassVar[bool] = True
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ()

    # --- evaluations are not used --------------------------------------------------------------
    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        return TradingModeState.NEUTRAL

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        return OrderPlan(symbol)

    # --- the ladder ----------------------------------------------------------------------------
    def plan_on_start(self, symbol: str) -> OrderPlan:
        left_open = self.own_open_orders(symbol)
        if left_open:
            self.restore(symbol, left_open)
            return OrderPlan(symbol)  # a restart: the orders left open are the ladder
        return self.plan_layout(symbol)

    def restore(self, symbol: str, left_open: list[Order]) -> None:
        """Take back what the ladder of ``symbol`` needs from the orders left open before a restart
        (nothing by default); called instead of laying a ladder."""
        logger.info(
            "%s on %s: %d order(s) of this mode left open: kept as the ladder, nothing laid",
            self.get_name(),
            symbol,
            len(left_open),
        )

    def plan_layout(self, symbol: str) -> OrderPlan:
        """The ladder to lay when the mode starts on ``symbol`` with no order of its own open."""
        raise NotImplementedError

    def mirror_distance(self, symbol: str) -> Decimal | None:
        """Spread - increment of ``symbol``, in quote units (None: the symbol is not traded)."""
        raise NotImplementedError

    def plan_on_fill(self, order: Order) -> OrderPlan:
        symbol = order.symbol
        distance = self.mirror_distance(symbol)
        if distance is None or order.kind is not OrderKind.LIMIT:
            return OrderPlan(symbol)
        rules = self.exchange_manager.markets.rules(symbol)
        portfolio = self.exchange_manager.portfolio
        mirror = mirror_of(
            order, distance, rules, portfolio.available(rules.base), portfolio.available(rules.quote)
        )
        if mirror is None:
            return OrderPlan(symbol)
        if not mirror.valid:
            logger.warning(
                "%s on %s: the mirror %s of %s (%s at %s) is below the exchange minimum: not created",
                self.get_name(),
                symbol,
                mirror.side.value,
                order.order_id,
                mirror.amount,
                mirror.price,
            )
            return OrderPlan(symbol)
        return OrderPlan(symbol, create=(self.limit(mirror.side, mirror.amount, mirror.price),))

    def pair_config(self, symbol: str) -> dict[str, Any]:
        """The config with ``symbol``'s ``pair_settings`` overrides merged in."""
        return {**self.config, **self.config.get("pair_settings", {}).get(symbol, {})}

    def lays(self, symbol: str, side: OrderSide) -> bool:
        """True when the layout of ``symbol`` has orders of ``side`` (to split shared funds)."""
        return True

    def shared_funds(self, asset: str, available: Decimal) -> Decimal:
        """``available`` split between this mode's pairs that spend ``asset`` on their first orders and
        have no ladder yet (the one being laid included), so each pair gets the same share."""
        users = 0
        for symbol in self.symbols:
            if self.own_open_orders(symbol):
                continue
            rules = self.exchange_manager.markets.rules(symbol)
            if asset == rules.quote and self.lays(symbol, OrderSide.BUY):
                users += 1
            elif asset == rules.base and self.lays(symbol, OrderSide.SELL):
                users += 1
        return available / max(users, 1)

    def limit(self, side: OrderSide, amount: Decimal, price: Decimal) -> OrderRequest:
        """A limit order of this ladder (its tag marks it as the mode's after a restart)."""
        return OrderRequest(side, OrderKind.LIMIT, amount, price, tag=self.get_name())

    def warn_skipped(self, symbol: str, skipped: int, fix: str) -> None:
        """Say how many rungs of a layout were below the exchange's minimum, and the fix."""
        if skipped:
            logger.warning(
                "%s on %s: %d order(s) not laid: below the exchange minimum with the funds given (%s)",
                self.get_name(),
                symbol,
                skipped,
                fix,
            )
