"""DCATradingMode: dollar-cost averaging, entries on a timer or on a strategy's buy signal.

Each entry buys ``buy_amount`` (amount syntax: ``"50q"`` quote units, ``"5a%"`` of the available quote)
with a market order, or a limit order ``entry_offset_percent`` below the price, followed by
``secondary_entries_count`` limit buys every ``secondary_entries_spacing_percent`` further down. Each
entry carries its own exits: a take-profit ``take_profit_percent`` above its price and a stop-loss
``stop_loss_percent`` below, chained (created when the entry fills, in one one-cancels-the-other group
when both), selling what the entry brought. A new entry first cancels the entries of the previous one
that never filled (``cancel_unfilled_entries``); exits of filled entries stay.

Triggers (``trigger``):
- ``"time"``: on every closed candle, enter when ``entry_interval_minutes`` have passed since the last
  entry of this mode on the symbol (the first entry at the first candle);
- ``"evaluations"``: enter when a strategy's evaluation reaches ``buy_threshold`` (+1 = strongest buy),
  once per crossing.

It never sells except through the exits. Like every mode it only plans: `plan_orders` reads the account,
the clock and its own orders, and returns what to cancel and create.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from octobot_trading.modes.amounts import AMOUNT_SCHEMA_PATTERN
from octobot_trading.modes.config_problem import ConfigProblem
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.modes.protections import protections
from octobot_trading.modes.trading_mode import AbstractTradingMode, TradingModeState
from octobot_trading.orders.enums import OrderKind, OrderSide
from octobot_trading.orders.order import Order

HUNDRED = Decimal(100)
_MINUTE_MS = 60_000
_PERCENT_OR_NONE = {"anyOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": 1000}, {"type": "null"}]}


class DCATradingMode(AbstractTradingMode):
    """Regular or signalled entries, each with its own take-profit and stop-loss."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "DCATradingMode"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ()
    AMOUNT_KEYS: ClassVar[tuple[str, ...]] = ("buy_amount",)
    DEFAULT_CONFIG: ClassVar[dict] = {
        "trigger": "time",
        "entry_interval_minutes": 10080,
        "buy_threshold": 0.5,
        "buy_amount": "5a%",
        "entry_type": "market",
        "entry_offset_percent": 1.0,
        "secondary_entries_count": 0,
        "secondary_entries_spacing_percent": 2.0,
        "take_profit_percent": 5.0,
        "stop_loss_percent": None,
        "cancel_unfilled_entries": True,
        "act_on_state_change_only": True,
    }
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "DCATradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {
                "enum": ["time", "evaluations"],
                "description": "time: enter every entry_interval_minutes; evaluations: enter when a "
                "strategy's evaluation reaches buy_threshold",
            },
            "entry_interval_minutes": {
                "type": "integer",
                "minimum": 1,
                "description": "minutes between two entries on a symbol (time trigger); 10080 is weekly",
            },
            "buy_threshold": {
                "type": "number",
                "minimum": -1,
                "maximum": 1,
                "description": "evaluation at or above which a signal entry is made (evaluations trigger)",
            },
            "buy_amount": {
                "type": "string",
                "pattern": AMOUNT_SCHEMA_PATTERN,
                "x-expected": "an amount like '50q' (quote units), '5a%' (of the available quote) or '0.1'",
                "description": "what each entry order buys, in the amount syntax",
            },
            "entry_type": {"enum": ["market", "limit"], "description": "the first entry's order type"},
            "entry_offset_percent": {
                "type": "number",
                "minimum": 0,
                "maximum": 99,
                "description": "a limit entry's distance below the price, in percent",
            },
            "secondary_entries_count": {
                "type": "integer",
                "minimum": 0,
                "maximum": 50,
                "description": "extra limit buys below the first entry",
            },
            "secondary_entries_spacing_percent": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 99,
                "description": "distance between two successive entries, in percent of the price",
            },
            "take_profit_percent": {
                **_PERCENT_OR_NONE,
                "description": "each entry's take-profit above its price, in percent; null: none",
            },
            "stop_loss_percent": {
                "anyOf": [
                    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 100},
                    {"type": "null"},
                ],
                "description": "each entry's stop-loss below its price, in percent; null: none",
            },
            "cancel_unfilled_entries": {
                "type": "boolean",
                "description": "a new entry cancels the previous entries that did not fill",
            },
            "act_on_state_change_only": {
                "type": "boolean",
                "description": "evaluations trigger: enter once per crossing of buy_threshold",
            },
        },
    }

    @classmethod
    def config_problems(cls, config: dict[str, Any]) -> list[ConfigProblem]:
        problems = super().config_problems(config)
        count, spacing = (
            config.get("secondary_entries_count"),
            config.get("secondary_entries_spacing_percent"),
        )
        offset = config.get("entry_offset_percent") or 0
        numbers = all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in (count, spacing, offset)
        )
        if numbers and count and offset + count * spacing >= 100:
            problems.append(
                ConfigProblem(
                    "secondary_entries_count",
                    f"the lowest entry would be {offset + count * spacing} % below the price "
                    "(entry_offset_percent + secondary_entries_count x secondary_entries_spacing_percent); "
                    "keep it below 100 %, "
                    "e.g. 3 entries 2 % apart",
                )
            )
        return problems

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_time = self.config["trigger"] == "time"
        #: when this mode last entered each symbol: found in the closed orders at start (earlier
        #: sessions), then kept by execute_plan (one look-up per candle, however many entries were made)
        self._last_entries: dict[str, int] = {}

    async def start(self) -> None:
        for order in [
            *self.exchange_manager.trader.closed_orders(),
            *self.exchange_manager.trader.open_orders(),
        ]:
            if self._is_entry(order) and order.symbol in self.symbols:
                self._note_entry(order)
        await super().start()

    async def execute_plan(self, plan: OrderPlan) -> list[Order]:
        created = await super().execute_plan(plan)
        for order in created:
            if self._is_entry(order):
                self._note_entry(order)
        return created

    def _note_entry(self, order: Order) -> None:
        previous = self._last_entries.get(order.symbol, order.created_at)
        self._last_entries[order.symbol] = max(previous, order.created_at)

    def acts_on_candles(self) -> bool:
        return self._by_time  # the time trigger looks at the clock on every closed candle

    def evaluation_from_candle(self, symbol: str, time_frame: str, candle: list) -> float | None:
        return 0.0 if self._by_time else None  # the time trigger needs no evaluation

    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        if self._by_time:
            return TradingModeState.NEUTRAL
        if evaluation != evaluation:
            return TradingModeState.NEUTRAL  # NaN: no opinion
        return (
            TradingModeState.LONG if evaluation >= self.config["buy_threshold"] else TradingModeState.NEUTRAL
        )

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        if self._by_time:
            last = self.last_entry_time(symbol)
            now = self.exchange_manager.clock.now_ms()
            if last is not None and now - last < self.config["entry_interval_minutes"] * _MINUTE_MS:
                return OrderPlan(symbol)
        elif state is not TradingModeState.LONG:
            return OrderPlan(symbol)
        return self._entries(symbol)

    def last_entry_time(self, symbol: str) -> int | None:
        """When this mode last entered ``symbol`` (its first entry order's creation), None if never."""
        return self._last_entries.get(symbol)

    def _is_entry(self, order: Order) -> bool:
        return order.tag == self.get_name() and order.side is OrderSide.BUY and order.parent_id is None

    def _entries(self, symbol: str) -> OrderPlan:
        c = self.config
        price = self.current_price(symbol)
        cancel: tuple[Order, ...] = ()
        if c["cancel_unfilled_entries"]:
            cancel = tuple(o for o in self.own_open_orders(symbol) if self._is_entry(o))
        offset = Decimal(str(c["entry_offset_percent"])) / HUNDRED
        spacing = Decimal(str(c["secondary_entries_spacing_percent"])) / HUNDRED
        rules = self.exchange_manager.markets.rules(symbol)
        requests: list[OrderRequest] = []
        market = c["entry_type"] == "market"
        first = price if market else rules.adjust_price(price * (1 - offset))
        requests.append(
            self._entry(OrderKind.MARKET if market else OrderKind.LIMIT, None if market else first, first)
        )
        start = Decimal(0) if market else offset
        for index in range(1, c["secondary_entries_count"] + 1):
            level = rules.adjust_price(price * (1 - start - spacing * index))
            requests.append(self._entry(OrderKind.LIMIT, level, level))
        return OrderPlan(symbol, cancel=cancel, create=tuple(requests))

    def _entry(self, kind: OrderKind, price: Decimal | None, reference: Decimal) -> OrderRequest:
        c = self.config
        exits = protections(reference, c["stop_loss_percent"], c["take_profit_percent"], self.get_name())
        return OrderRequest(
            OrderSide.BUY,
            kind,
            c["buy_amount"],
            price,
            chained=exits,
            one_cancels_the_other=len(exits) > 1,
            tag=self.get_name(),
        )
