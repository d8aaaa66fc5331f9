"""IndexTradingMode: keeps the portfolio split between coins by target weights.

On every closed candle of a traded pair ``COIN/REF`` it values the account in the reference asset ``REF``
(the quote of every pair of the mode) and compares the coin's share of that value with its target
weight. When they differ by more than ``rebalance_trigger_min_percent`` percentage points, it plans one
market order bringing the coin back to its weight: a sell of the excess, or a buy of the shortfall
(capped by the free reference asset). A coin of the mode's pairs that ``index_content`` does not name has
a weight of 0: it is sold. Weights summing to less than 100 keep the rest in ``REF``; an empty
``index_content`` splits 100 % equally between the pairs' coins.

Why per pair: each plan is one pair's order, sized from the whole account, so the sells of one candle
free the quote the buys of the next one use; a buy that cannot be paid in full is paid with what is
free, and the next candle finishes it. Evaluations are not used.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from octobot_trading.modes.config_problem import ConfigProblem
from octobot_trading.modes.errors import TradingModeError
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.modes.trading_mode import AbstractTradingMode, TradingModeState
from octobot_trading.orders.enums import OrderKind, OrderSide

HUNDRED = Decimal(100)
ZERO = Decimal(0)


class IndexTradingMode(AbstractTradingMode):
    """Rebalances each coin of its pairs to its target share of the account's value."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "IndexTradingMode"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ()
    DEFAULT_CONFIG: ClassVar[dict] = {
        "trigger": "candles",
        "index_content": [],
        "rebalance_trigger_min_percent": 5.0,
    }
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "IndexTradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {"enum": ["candles"], "description": "the index is checked on every closed candle"},
            "index_content": {
                "type": "array",
                "description": "target weights: [{'name': 'BTC', 'value': 60}, ...] in percent of the "
                "account's value; empty: equal weights between the pairs' coins",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name", "value"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1, "description": "a coin, e.g. BTC"},
                        "value": {"type": "number", "minimum": 0, "maximum": 100, "description": "percent"},
                    },
                },
            },
            "rebalance_trigger_min_percent": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "description": "how far (percentage points of the account's value) a coin's share may drift "
                "from its weight before it is rebalanced",
            },
        },
    }

    @classmethod
    def config_problems(cls, config: dict[str, Any]) -> list[ConfigProblem]:
        problems = super().config_problems(config)
        content = config.get("index_content") or []
        names = [entry.get("name") for entry in content if isinstance(entry, dict)]
        total = sum(
            entry.get("value", 0)
            for entry in content
            if isinstance(entry, dict) and _is_number(entry.get("value"))
        )
        if len(set(names)) != len(names):
            problems.append(
                ConfigProblem("index_content", "a coin is named twice; give each coin one weight")
            )
        if total > 100:
            problems.append(
                ConfigProblem(
                    "index_content",
                    f"the weights add up to {total} %; keep them at most 100 % (the rest stays in the "
                    "reference asset), e.g. BTC 60 and ETH 40",
                )
            )
        return problems

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        markets = self.exchange_manager.markets
        quotes = {markets.rules(symbol).quote for symbol in self.symbols}
        if len(quotes) != 1:
            raise TradingModeError(
                f"{self.get_name()}: every pair must be quoted in the same reference asset to value the "
                f"index (got {', '.join(sorted(quotes))}); use COIN/USDT pairs only, for instance"
            )
        self.reference = quotes.pop()
        coins = [markets.rules(symbol).base for symbol in self.symbols]
        content = self.config["index_content"]
        if content:
            named = {entry["name"]: Decimal(str(entry["value"])) for entry in content}
            missing = sorted(set(named) - set(coins))
            if missing:
                raise TradingModeError(
                    f"{self.get_name()}: index_content names {', '.join(missing)} but no pair of the profile "
                    f"trades it against {self.reference}; add the pair or remove the coin from index_content"
                )
            self.weights = {coin: named.get(coin, ZERO) / HUNDRED for coin in coins}
        else:
            self.weights = {coin: Decimal(1) / len(coins) for coin in coins}
        self.threshold = Decimal(str(self.config["rebalance_trigger_min_percent"])) / HUNDRED

    def evaluation_from_candle(self, symbol: str, time_frame: str, candle: list) -> float | None:
        return 0.0  # the index needs no evaluation: look at the account on every closed candle

    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        return TradingModeState.NEUTRAL

    def account_value(self) -> Decimal | None:
        """The account's value in the reference asset; None while a pair of the mode has no price."""
        portfolio = self.exchange_manager.portfolio
        value = portfolio.total(self.reference)
        for symbol in self.symbols:
            price = self.exchange_manager.last_price(symbol)
            if price is None:
                return None
            value += portfolio.total(self.exchange_manager.markets.rules(symbol).base) * price
        return value

    def share(self, symbol: str) -> Decimal | None:
        """The coin of ``symbol``'s share of the account's value (0 to 1); None without prices."""
        total = self.account_value()
        price = self.exchange_manager.last_price(symbol)
        if not total or price is None:
            return None
        coin = self.exchange_manager.markets.rules(symbol).base
        return self.exchange_manager.portfolio.total(coin) * price / total

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        total = self.account_value()
        price = self.exchange_manager.last_price(symbol)
        if not total or price is None or price <= ZERO:
            return OrderPlan(symbol)
        rules = self.exchange_manager.markets.rules(symbol)
        portfolio = self.exchange_manager.portfolio
        held = portfolio.total(rules.base)
        target = total * self.weights[rules.base]
        gap = held * price - target
        if abs(gap) <= total * self.threshold:
            return OrderPlan(symbol)
        if gap > ZERO:
            side = OrderSide.SELL
            amount = min(gap / price, portfolio.available(rules.base))
        else:
            side = OrderSide.BUY
            fee = rules.fee_rate(True)
            amount = min(-gap, portfolio.available(self.reference) / (1 + fee)) / price
        amount = rules.adjust_amount(amount)
        if amount <= ZERO or not rules.is_valid_order(amount, price):
            return OrderPlan(symbol)
        return OrderPlan(symbol, create=(OrderRequest(side, OrderKind.MARKET, amount, tag=self.get_name()),))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
