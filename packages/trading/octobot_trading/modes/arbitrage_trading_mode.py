"""ArbitrageTradingMode: trade a pair where its price strays from its average on the bot's other
exchanges, and exit at that average.

OctoBot's arbitrage on spot markets, written as plans. At each price of a symbol on this exchange (a
closed candle, a ticker), the mode compares the local price ``p`` with the average ``A`` of the last
prices of the same symbol on the bot's other exchanges (those with a price). With ``delta`` the
``minimal_price_delta_percent``, and when the mode holds no arbitrage on the symbol:

- **cheaper here** (``p <= A * (1 - delta / 100)``, side ``buy``): a limit buy at ``p`` for
  ``portfolio_percent_per_trade`` percent of the available quote; chained to it, created when it fills,
  in one one-cancels-the-other group: the exit, a limit sell at ``A`` (the average when the entry was
  decided), and a stop-loss at ``p * (1 - stop_loss_delta_percent / 100)``, both selling what the entry
  brought (its amount minus the fee taken in the base asset);
- **dearer here** (``p >= A * (1 + delta / 100)``, side ``sell``): a limit sell at ``p`` of
  ``portfolio_percent_per_trade`` percent of the available base; chained to it in one group: the buy-back,
  a limit buy at ``A`` of the amount sold (less when the quote the sale brought cannot pay it), and a
  stop-loss buy at ``p * (1 + stop_loss_delta_percent / 100)`` sized to what the sale brought. On spot
  there is no short: this side sells coins the account holds and buys them back cheaper.

``sides`` chooses which of the two the mode trades. An entry still unfilled when its gap closes is
cancelled. No funds move between exchanges: each exchange's mode trades with that exchange's account.
Evaluations are not used (no strategy); it needs no data beyond each exchange's prices (candles suffice
to backtest).
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
    """Enters where the price strays from the other exchanges' average by a minimum delta (buying below
    it, selling held coins above it); exits at the average, with a stop."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "ArbitrageTradingMode"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ()
    DEFAULT_CONFIG: ClassVar[dict] = {
        "trigger": "evaluations",
        "minimal_price_delta_percent": 0.25,
        "portfolio_percent_per_trade": 25.0,
        "stop_loss_delta_percent": 0.1,
        "sides": "both",
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
                "description": "how far the local price must be from the other exchanges' average "
                "price to enter (below it to buy, above it to sell), in percent of that average (above 0, "
                "up to 50)",
            },
            "portfolio_percent_per_trade": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "description": "percent of the available quote (e.g. USDT) spent on one buy entry, or of "
                "the available base (e.g. BTC) sold by one sell entry (above 0, up to 100)",
            },
            "stop_loss_delta_percent": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 50,
                "description": "how far beyond the entry price the stop-loss triggers (below a buy entry, "
                "above a sell entry), in percent of the entry price (above 0, up to 50)",
            },
            "sides": {
                "enum": ["both", "buy", "sell"],
                "description": "which gaps the mode trades: buy where the pair is cheaper here, sell held "
                "coins where it is dearer here, or both",
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
        sides = self.config.get("sides", "both")
        cheaper = sides != "sell" and local <= average * (1 - delta)
        dearer = sides != "buy" and local >= average * (1 + delta)
        own = self.own_open_orders(symbol)
        entries = [o for o in own if o.parent_id is None]
        if entries:
            # waiting for the entry to fill: give up when its gap closed
            still = [o for o in entries if (cheaper if o.side is OrderSide.BUY else dearer)]
            gone = tuple(o for o in entries if o not in still)
            return OrderPlan(symbol, cancel=gone) if gone else OrderPlan(symbol)
        if own:  # an exit in progress
            return OrderPlan(symbol)
        if cheaper:
            return self._buy_entry(symbol, local, average)
        if dearer:
            return self._sell_entry(symbol, local, average)
        return OrderPlan(symbol)

    def _buy_entry(self, symbol: str, local: Decimal, average: Decimal) -> OrderPlan:
        rules = self.exchange_manager.markets.rules(symbol)
        price = rules.adjust_price(local)
        funds = self.exchange_manager.portfolio.available(rules.quote)
        amount = rules.adjust_amount(funds * self._share() / price)
        if amount <= ZERO or not rules.is_valid_order(amount, price):
            logger.info("%s on %s: funds too low for a buy entry at %s", self.get_name(), symbol, price)
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

    def _sell_entry(self, symbol: str, local: Decimal, average: Decimal) -> OrderPlan:
        """Sell held coins at ``local`` and buy them back at ``average``: the buy-back legs are sized so
        that the quote the sale brings pays either of them (the stop's price is above the sale's)."""
        rules = self.exchange_manager.markets.rules(symbol)
        price = rules.adjust_price(local)
        amount = rules.adjust_amount(self.exchange_manager.portfolio.available(rules.base) * self._share())
        if amount <= ZERO or not rules.is_valid_order(amount, price):
            logger.info("%s on %s: holdings too low for a sell entry at %s", self.get_name(), symbol, price)
            return OrderPlan(symbol)
        stop = Decimal(str(self.config["stop_loss_delta_percent"])) / HUNDRED
        # what the sale brings, after its fee in the quote (a limit at the price may fill as a taker)
        kept = 1 - max(rules.fee_rate(True), rules.fee_rate(False))
        back = rules.adjust_price(average)
        stop_price = rules.adjust_price(price * (1 + stop))
        tag = self.get_name()
        exits = (
            OrderRequest(
                OrderSide.BUY,
                OrderKind.LIMIT,
                None,
                price=back,
                parent_share=min(Decimal(1), price * kept / back),
                tag=tag,
            ),
            OrderRequest(
                OrderSide.BUY,
                OrderKind.STOP_LOSS,
                None,
                trigger_price=stop_price,
                parent_share=min(Decimal(1), price * kept / stop_price),
                tag=tag,
            ),
        )
        entry = OrderRequest(
            OrderSide.SELL, OrderKind.LIMIT, amount, price, chained=exits, one_cancels_the_other=True, tag=tag
        )
        return OrderPlan(symbol, create=(entry,))

    def is_entry(self, request: OrderRequest) -> bool:
        """Both sides open an arbitrage (a sell entry sells held coins to buy them back): a pause drops
        either; the exits are chained to them and go with them."""
        return True

    def _share(self) -> Decimal:
        return Decimal(str(self.config["portfolio_percent_per_trade"])) / HUNDRED
