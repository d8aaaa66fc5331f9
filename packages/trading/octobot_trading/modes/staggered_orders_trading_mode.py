"""StaggeredOrdersTradingMode: OctoBot's staggered orders, a ladder between two bounds with a volume profile.

When it starts on a symbol at price ``P`` (``starting_price``, or the current price) it computes, in quote
units rounded to the market's price step, the increment ``I = P x increment_percent / 100`` and the
spread ``S = I x spread_percent / increment_percent``. The ladder's buys go from ``P - S / 2`` down to
``lower_bound`` and its sells from ``P + S / 2`` up to ``upper_bound``, one every ``I``; of these the
``operational_depth`` orders closest to the price are laid, alternating buy and sell (the further ones
are OctoBot's "virtual" orders: their share of the funds stays free).

Volumes (``mode``): each side's funds (``buy_funds`` quote / ``sell_funds`` base; 0: the available
funds, split between the mode's pairs) give an average quantity ``A = funds / count`` (buys: in base at
``P``), and the rung ``i`` of ``n`` (0 = closest to the price) gets
``(A x (1 - m / 2) + A x m x r_i) x start / price`` where ``start`` is the side's first price and ``r_i``
goes from 1 at the price to 0 at the bound when volumes grow towards the price, the other way when they
shrink, and is 0 when they are stable:

=============  ====  =================================  ===============================
``mode``       m     buys                               sells
=============  ====  =================================  ===============================
``neutral``    0.3   grow towards the price             grow towards the price
``mountain``   1     grow towards the price             grow towards the price
``valley``     1     shrink towards the price           shrink towards the price
``buy slope``  1     shrink towards the price           grow towards the price
``sell slope`` 1     grow towards the price             shrink towards the price
``flat``       0     stable                             stable
=============  ====  =================================  ===============================

Each fill is answered by its mirror ``S - I`` away (:mod:`octobot_trading.modes.ladder`, the rule the
grid mode keeps too). It never cancels an order. After a restart the orders it left open are the
ladder: it lays nothing, and takes ``I`` back from them (the smallest gap between two open orders of a
side, ``S`` from ``I`` as above), so the mirrors keep their distance whatever the price did meanwhile.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar

from octobot_trading.modes.config_problem import ConfigProblem
from octobot_trading.modes.errors import TradingModeError
from octobot_trading.modes.ladder import LadderTradingMode, pair_scopes, spread_problems
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.orders.enums import OrderSide
from octobot_trading.orders.order import Order

ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)
HUNDRED = Decimal(100)


class VolumeProfile(str, Enum):
    NEUTRAL = "neutral"
    MOUNTAIN = "mountain"
    VALLEY = "valley"
    SELL_SLOPE = "sell slope"
    BUY_SLOPE = "buy slope"
    FLAT = "flat"


_GROW, _SHRINK, _STABLE = "grow", "shrink", "stable"
#: OctoBot's multiplier and the way volumes go towards the price, per side
_PROFILES: dict[VolumeProfile, tuple[Decimal, str, str]] = {
    VolumeProfile.NEUTRAL: (Decimal("0.3"), _GROW, _GROW),
    VolumeProfile.MOUNTAIN: (ONE, _GROW, _GROW),
    VolumeProfile.VALLEY: (ONE, _SHRINK, _SHRINK),
    VolumeProfile.BUY_SLOPE: (ONE, _SHRINK, _GROW),
    VolumeProfile.SELL_SLOPE: (ONE, _GROW, _SHRINK),
    VolumeProfile.FLAT: (ZERO, _STABLE, _STABLE),
}

_POSITIVE = {"type": "number", "exclusiveMinimum": 0}
_SETTINGS_PROPERTIES: dict[str, Any] = {
    "mode": {
        "enum": [profile.value for profile in VolumeProfile],
        "description": "how funds are spread over the orders: neutral (a little more near the price), "
        "mountain (much more near the price), valley (more far from it), buy slope (buys grow away from "
        "the price, sells towards it), sell slope (the opposite), flat (the same everywhere)",
    },
    "spread_percent": {
        **_POSITIVE,
        "maximum": 100,
        "description": "gap between the highest buy and the lowest sell, in % of the starting price; a "
        "mirror order goes spread - increment away from its fill; above increment_percent",
    },
    "increment_percent": {
        **_POSITIVE,
        "maximum": 100,
        "description": "gap between two orders of a side, in % of the starting price; below spread_percent",
    },
    "lower_bound": {**_POSITIVE, "description": "lowest buy price, in quote units; below the price"},
    "upper_bound": {**_POSITIVE, "description": "highest sell price, in quote units; above the price"},
    "operational_depth": {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
        "description": "orders laid at most (the closest to the price, alternating sides); the ladder's "
        "further orders are not laid and their share of the funds stays free",
    },
    "buy_funds": {
        "type": "number",
        "minimum": 0,
        "description": "quote units spread over the ladder's buys; 0: the available quote (times 0.5 + "
        "risk, at most all of it), split between the mode's pairs",
    },
    "sell_funds": {
        "type": "number",
        "minimum": 0,
        "description": "base units spread over the ladder's sells; 0: the available base (times 0.5 + "
        "risk, at most all of it), split between the mode's pairs",
    },
    "starting_price": {
        "type": "number",
        "minimum": 0,
        "description": "price the ladder starts from, in quote units; 0: the price when the mode starts",
    },
}


@dataclass(frozen=True)
class Ladder:
    """The increment and spread of a symbol's ladder, in quote units on the price step."""

    increment: Decimal
    spread: Decimal

    @property
    def mirror_distance(self) -> Decimal:
        return self.spread - self.increment


class StaggeredOrdersTradingMode(LadderTradingMode):
    """A ladder between two bounds, its volumes shaped by ``mode``, each fill mirrored ``S - I`` away."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "StaggeredOrdersTradingMode"
    DEFAULT_CONFIG: ClassVar[dict] = {
        "trigger": "evaluations",
        "mode": "neutral",
        "spread_percent": 2.0,
        "increment_percent": 1.0,
        "lower_bound": 0.0001,
        "upper_bound": 1_000_000,
        "operational_depth": 20,
        "buy_funds": 0,
        "sell_funds": 0,
        "starting_price": 0,
        "pair_settings": {},
    }
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "StaggeredOrdersTradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {"enum": ["evaluations"], "description": "unused: the ladder acts on its own fills"},
            **_SETTINGS_PROPERTIES,
            "pair_settings": {
                "type": "object",
                "description": "per pair overrides of the keys above, "
                'e.g. {"BTC/USDT": {"lower_bound": 10000, "upper_bound": 90000}}',
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
        #: each symbol's increment and spread, set when its ladder is laid or restored
        self.ladders: dict[str, Ladder] = {}

    @classmethod
    def config_problems(cls, config: dict[str, Any]) -> list[ConfigProblem]:
        """Spread above increment, lower bound below upper bound (the config and each pair's overrides)."""
        problems = super().config_problems(config) + spread_problems(
            config, "spread_percent", "increment_percent", "spread_percent 2 and increment_percent 1"
        )
        for prefix, merged in pair_scopes(config):
            lower, upper = merged.get("lower_bound", 0), merged.get("upper_bound", 0)
            if isinstance(lower, int | float) and isinstance(upper, int | float) and lower >= upper:
                problems.append(
                    ConfigProblem(
                        prefix + "upper_bound",
                        f"upper_bound ({upper}) must be above lower_bound ({lower}): the ladder lies between "
                        "them, e.g. lower_bound 10000 and upper_bound 90000 for BTC/USDT",
                    )
                )
        return problems

    def mirror_distance(self, symbol: str) -> Decimal | None:
        ladder = self.ladders.get(symbol)
        return None if ladder is None else ladder.mirror_distance

    def _ladder(self, symbol: str, price: Decimal) -> Ladder:
        """Increment and spread at ``price``: the spread derives from the increment, so a restart that
        finds the increment finds the same spread."""
        rules = self.exchange_manager.markets.rules(symbol)
        config = self.pair_config(symbol)
        ratio = Decimal(str(config["spread_percent"])) / Decimal(str(config["increment_percent"]))
        increment = rules.adjust_price(price * Decimal(str(config["increment_percent"])) / HUNDRED)
        if increment <= ZERO:
            raise TradingModeError(
                f"{self.get_name()}: increment_percent {config['increment_percent']} of {price} is below "
                f"{symbol}'s price step: raise increment_percent"
            )
        return Ladder(increment, rules.adjust_price(increment * ratio))

    def restore(self, symbol: str, left_open: list[Order]) -> None:
        super().restore(symbol, left_open)
        gaps: list[Decimal] = []
        for side in (OrderSide.BUY, OrderSide.SELL):
            prices = sorted({o.price for o in left_open if o.side is side and o.price is not None})
            gaps.extend(high - low for low, high in itertools.pairwise(prices))
        if gaps:
            increment = min(gaps)
            config = self.pair_config(symbol)
            ratio = Decimal(str(config["spread_percent"])) / Decimal(str(config["increment_percent"]))
            rules = self.exchange_manager.markets.rules(symbol)
            self.ladders[symbol] = Ladder(increment, rules.adjust_price(increment * ratio))
        else:  # one order per side at most: the increment can only come from the price again
            price = Decimal(str(self.pair_config(symbol)["starting_price"])) or self.current_price(symbol)
            self.ladders[symbol] = self._ladder(symbol, price)

    def plan_layout(self, symbol: str) -> OrderPlan:
        config = self.pair_config(symbol)
        centre = Decimal(str(config["starting_price"])) or self.current_price(symbol)
        lower, upper = Decimal(str(config["lower_bound"])), Decimal(str(config["upper_bound"]))
        if not lower < centre < upper:
            raise TradingModeError(
                f"{self.get_name()}: {symbol}'s price {centre} is outside the ladder's bounds "
                f"[{lower}, {upper}]: move lower_bound/upper_bound around the price"
            )
        ladder = self._ladder(symbol, centre)
        self.ladders[symbol] = ladder
        rules = self.exchange_manager.markets.rules(symbol)
        portfolio = self.exchange_manager.portfolio
        half = rules.adjust_price(ladder.spread / TWO)
        profile = _PROFILES[VolumeProfile(config["mode"])]
        sides: dict[OrderSide, list[OrderRequest | None]] = {}
        for side, start, bound in (
            (OrderSide.BUY, centre - half, lower),
            (OrderSide.SELL, centre + half, upper),
        ):
            count = _rung_count(start, bound, side, ladder.increment)
            if side is OrderSide.BUY:
                funds = Decimal(str(config["buy_funds"])) or self.shared_funds(
                    rules.quote, self.risk_scaled(portfolio.available(rules.quote))
                )
                average = funds / centre / count if count else ZERO
            else:
                funds = Decimal(str(config["sell_funds"])) or self.shared_funds(
                    rules.base, self.risk_scaled(portfolio.available(rules.base))
                )
                average = funds / count if count else ZERO
            depth = min(count, int(config["operational_depth"]))
            sides[side] = [
                self._rung(side, start, ladder.increment, index, count, average, profile, symbol)
                for index in range(depth)
            ]
        laid = _alternate(sides[OrderSide.BUY], sides[OrderSide.SELL], int(config["operational_depth"]))
        requests = tuple(request for request in laid if request is not None)
        self.warn_skipped(symbol, len(laid) - len(requests), "raise buy_funds/sell_funds or the increment")
        return OrderPlan(symbol, create=requests)

    def _rung(
        self,
        side: OrderSide,
        start: Decimal,
        increment: Decimal,
        index: int,
        count: int,
        average: Decimal,
        profile: tuple[Decimal, str, str],
        symbol: str,
    ) -> OrderRequest | None:
        """Rung ``index`` of ``count`` (0: closest to the price); None when below the exchange minimum."""
        multiplier, buys, sells = profile
        way = buys if side is OrderSide.BUY else sells
        price = start - increment * index if side is OrderSide.BUY else start + increment * index
        if price <= ZERO:
            return None
        progress = Decimal(index) / Decimal(count - 1) if count > 1 else ZERO
        ratio = {_GROW: ONE - progress, _SHRINK: progress, _STABLE: ZERO}[way]
        low = average * (ONE - multiplier / TWO)
        quantity = (low + average * multiplier * ratio) * (start / price if count > 1 else ONE)
        rules = self.exchange_manager.markets.rules(symbol)
        amount = rules.adjust_amount(quantity)
        if amount <= ZERO or not rules.is_valid_order(amount, price):
            return None
        return self.limit(side, amount, price)


def _rung_count(start: Decimal, bound: Decimal, side: OrderSide, increment: Decimal) -> int:
    """Rungs from ``start`` to ``bound`` (included) one ``increment`` apart, buys down and above zero,
    sells up; 0 when ``start`` is already beyond the bound."""
    if side is OrderSide.BUY:
        if start < bound or start <= ZERO:
            return 0
        return min(math.floor((start - bound) / increment) + 1, math.ceil(start / increment))
    if start > bound:
        return 0
    return math.floor((bound - start) / increment) + 1


def _alternate(
    buys: list[OrderRequest | None], sells: list[OrderRequest | None], depth: int
) -> list[OrderRequest | None]:
    """The ``depth`` rungs closest to the price, one buy then one sell (OctoBot's operational depth)."""
    laid: list[OrderRequest | None] = []
    for index in range(max(len(buys), len(sells))):
        for side in (buys, sells):
            if index < len(side) and len(laid) < depth:
                laid.append(side[index])
    return laid
