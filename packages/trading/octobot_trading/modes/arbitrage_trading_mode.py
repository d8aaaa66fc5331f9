"""ArbitrageTradingMode: buy where a pair is cheaper than on the bot's other exchanges, sell at their
average.

OctoBot's arbitrage (its long side), written as plans. At each price of a symbol on this exchange (a
closed candle, a ticker), the mode compares the local price ``p`` with the average ``A`` of the last
prices of the same symbol on the bot's other exchanges (those with a price). When ``p`` is at least
``minimal_price_delta_percent`` below ``A`` (``p <= A * (1 - delta / 100)``) and the mode holds no
arbitrage on the symbol, it places:

- an entry: a limit buy at ``p`` for ``portfolio_percent_per_trade`` percent of the available quote;
- chained to it, created when it fills, in one one-cancels-the-other group: the exit, a limit sell at
  ``A`` (the average when the entry was decided), and a stop-loss at ``p * (1 - stop_loss_delta_percent
  / 100)``, both selling what the entry brought (its amount minus the fee taken in the base asset).

An entry still unfilled when the gap closes (``p`` no longer ``delta`` below the average) is cancelled.
No funds move between exchanges: each exchange's mode trades with that exchange's account. Evaluations
are not used (no strategy); it needs no data beyond each exchange's prices (candles suffice to backtest).
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import ClassVar

from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.modes.trading_mode import AbstractTradingMode, TradingModeState
from octobot_trading.orders.enums import OrderKind, OrderSide

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class ArbitrageTradingMode(AbstractTradingMode):
    """Buys below the other exchanges' average price by a minimum delta; exits at the average, with a stop."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "ArbitrageTradingMode"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ()
    DEFAULT_CONFIG: ClassVar[dict] = {
        "trigger": "evaluations",
        "minimal_price_delta_percent": 0.25,
        "portfolio_percent_per_trade": 25.0,
        "stop_loss_delta_percent": 0.1,
    }
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ArbitrageTradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {"enum": ["evaluations"], "description": "unused: the mode reacts to prices"},
            "minimal_price_delta_percent": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 50,
                "description": "how far below the other exchanges' average price the local price must be "
                "to enter, in percent of that average (above 0, up to 50)",
            },
            "portfolio_percent_per_trade": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "description": "percent of the available quote (e.g. USDT) spent on one entry (above 0, up "
                "to 100)",
            },
            "stop_loss_delta_percent": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 50,
                "description": "how far below the entry price the stop-loss triggers, in percent of the "
                "entry price (above 0, up to 50)",
            },
        },
    }

    # --- evaluations are not used --------------------------------------------------------------
    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        return TradingModeState.NEUTRAL

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        return OrderPlan(symbol)

    # --- prices --------------------------------------------------------------------------------
    async def start(self) -> None:
        await super().start()
        await self._listen("OHLCVChannel", self._on_price, "candles")
        await self._listen("TickerChannel", self._on_price, "tickers")

    def others_average(self, symbol: str) -> Decimal | None:
        """The average last price of ``symbol`` on the bot's other exchanges (None: none has one)."""
        prices = []
        for peer in self.peer_exchanges.values():
            if symbol in peer.markets:
                price = peer.last_price(symbol)
                if price is not None:
                    prices.append(price)
        return sum(prices, ZERO) / len(prices) if prices else None

    async def _on_price(self, message: dict) -> None:
        symbol = message["symbol"]
        if symbol not in self.symbols:
            return
        local = self.exchange_manager.last_price(symbol)
        average = self.others_average(symbol)
        if local is None or average is None:
            return
        plan = self.plan_arbitrage(symbol, local, average)
        if plan:
            await self._act(symbol, f"{local} against an average of {average}", lambda: plan)

    def plan_arbitrage(self, symbol: str, local: Decimal, average: Decimal) -> OrderPlan:
        """What to do at local price ``local`` against the others' ``average`` (see the module doc). Changes
        nothing."""
        delta = Decimal(str(self.config["minimal_price_delta_percent"])) / HUNDRED
        opportunity = local <= average * (1 - delta)
        own = self.own_open_orders(symbol)
        entries = [o for o in own if o.side is OrderSide.BUY and o.parent_id is None]
        if entries:
            # waiting for the entry to fill: give up when the gap closed
            return OrderPlan(symbol) if opportunity else OrderPlan(symbol, cancel=tuple(entries))
        if own or not opportunity:  # an exit in progress, or nothing to do
            return OrderPlan(symbol)
        rules = self.exchange_manager.markets.rules(symbol)
        price = rules.adjust_price(local)
        share = Decimal(str(self.config["portfolio_percent_per_trade"])) / HUNDRED
        amount = rules.adjust_amount(self.exchange_manager.portfolio.available(rules.quote) * share / price)
        if amount <= ZERO or not rules.is_valid_order(amount, price):
            logger.info("%s on %s: funds too low for an entry at %s", self.get_name(), symbol, price)
            return OrderPlan(symbol)
        stop = Decimal(str(self.config["stop_loss_delta_percent"])) / HUNDRED
        tag = self.get_name()
        exits = (
            OrderRequest(OrderSide.SELL, OrderKind.LIMIT, None, price=rules.adjust_price(average), tag=tag),
            OrderRequest(
                OrderSide.SELL,
                OrderKind.STOP_LOSS,
                None,
                trigger_price=rules.adjust_price(price * (1 - stop)),
                tag=tag,
            ),
        )
        entry = OrderRequest(
            OrderSide.BUY, OrderKind.LIMIT, amount, price, chained=exits, one_cancels_the_other=True, tag=tag
        )
        return OrderPlan(symbol, create=(entry,))
