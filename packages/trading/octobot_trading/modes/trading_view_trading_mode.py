"""TradingViewSignalsTradingMode: orders from TradingView alerts (``KEY=value`` texts).

An alert names the pair and what to do: ``SIGNAL=buy|sell|cancel``, ``ORDER_TYPE=market|limit|stop``,
``PRICE`` (limit), ``STOP_PRICE`` (a stop order's trigger; with a buy, the stop-loss of what it buys),
``TAKE_PROFIT_PRICE`` (a limit sell of what the buy brings, one-cancels-the-other with the stop-loss;
with ``TAKE_PROFIT_PRICE_1``, ``_2``, ... several limit sells, each of an equal part, without stop-loss),
``VOLUME`` in the amount syntax (default ``buy_volume`` / ``sell_volume``), ``TAG``, ``REDUCE_ONLY``
(spot: a buy with it does nothing, a sell never sells more than is held, as every sell), and
``EXCHANGE`` (an alert for another exchange is ignored). ``SIGNAL=cancel`` cancels this mode's open
orders on the pair (those with ``TAG`` only, when given). Parsing: `parse_signal` (trading_view_signal.py).

What delivers alerts is a service feed (a webhook): the mode declares it in ``REQUIRED_FEEDS`` and the
orchestrator hands it each alert's text: `on_signal(text)`.
Evaluations are not used. Planning is pure (`plan_for_signal`), executed under the portfolio lock.
"""

from __future__ import annotations

import functools
import logging
from decimal import Decimal
from typing import ClassVar

from octobot_trading.modes.amounts import AMOUNT_SCHEMA_PATTERN
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest
from octobot_trading.modes.trading_mode import AbstractTradingMode, TradingModeState
from octobot_trading.modes.trading_view_signal import SignalError, TradingViewSignal, parse_signal
from octobot_trading.orders.enums import OrderKind, OrderSide

logger = logging.getLogger(__name__)


class TradingViewSignalsTradingMode(AbstractTradingMode):
    """Acts on TradingView alerts for its pairs; each alert is one plan."""

    ABSTRACT: ClassVar[bool] = False
    NAME: ClassVar[str | None] = "TradingViewSignalsTradingMode"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ()
    BACKTEST_REFUSAL: ClassVar[str | None] = (
        "takes its orders from TradingView alerts received live by a webhook, and recorded candles hold no "
        "alert: run it in paper trading (`octobot paper`) or live"
    )
    #: the service feed whose signals' text the orchestrator gives `on_signal` (octobot's webhook)
    REQUIRED_FEEDS: ClassVar[tuple[str, ...]] = ("WebhookFeed",)
    AMOUNT_KEYS: ClassVar[tuple[str, ...]] = ("buy_volume", "sell_volume")
    DEFAULT_CONFIG: ClassVar[dict] = {"trigger": "evaluations", "buy_volume": "10a%", "sell_volume": "100a%"}
    CONFIG_SCHEMA: ClassVar[dict] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "TradingViewSignalsTradingMode",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "trigger": {"enum": ["evaluations"], "description": "unused: alerts drive this mode"},
            "buy_volume": {
                "type": "string",
                "pattern": AMOUNT_SCHEMA_PATTERN,
                "x-expected": "an amount like '50q', '10a%' or '0.1'",
                "description": "what a buy alert without VOLUME buys, in the amount syntax",
            },
            "sell_volume": {
                "type": "string",
                "pattern": AMOUNT_SCHEMA_PATTERN,
                "x-expected": "an amount like '100a%' or '0.1'",
                "description": "what a sell alert without VOLUME sells, in the amount syntax",
            },
        },
    }

    def decide_state(self, symbol: str, evaluation: float) -> TradingModeState:
        return TradingModeState.NEUTRAL

    def plan_orders(self, symbol: str, state: TradingModeState, evaluation: float) -> OrderPlan:
        return OrderPlan(symbol)

    def symbol_of(self, signal: TradingViewSignal) -> str | None:
        """The mode's pair an alert names (``BTCUSDT`` or ``BTC/USDT``), None when it trades no such pair."""
        wanted = signal.symbol.replace("/", "").replace("-", "").upper()
        for symbol in self.symbols:
            if symbol.split(":")[0].replace("/", "").upper() == wanted:
                return symbol
        return None

    def plan_for_signal(self, signal: TradingViewSignal) -> OrderPlan:
        """What an alert asks for, as a plan (pure). Raises SignalError when the pair is not traded."""
        symbol = self.symbol_of(signal)
        if symbol is None:
            raise SignalError(
                f"{self.get_name()}: SYMBOL={signal.symbol} is not a pair of this mode "
                f"({', '.join(self.symbols)}); send one of them"
            )
        name = self.get_name()
        if signal.signal == "cancel":
            cancel = tuple(
                order
                for order in self.own_open_orders(symbol)
                if signal.tag is None or order.tag == signal.tag
            )
            return OrderPlan(symbol, cancel=cancel)
        buying = signal.signal == "buy"
        if buying and signal.reduce_only:
            return OrderPlan(symbol)  # spot: nothing to reduce with a buy
        volume = signal.volume or (self.config["buy_volume"] if buying else self.config["sell_volume"])
        side = OrderSide.BUY if buying else OrderSide.SELL
        tag = signal.tag or name
        if signal.order_type == "stop":
            kind, price, trigger = OrderKind.STOP_LOSS, None, signal.stop_price
        elif signal.order_type == "limit":
            kind, price, trigger = OrderKind.LIMIT, signal.price, None
        else:
            kind, price, trigger = OrderKind.MARKET, None, None
        chained: list[OrderRequest] = []
        stop, targets = signal.stop_price, signal.take_profit_prices
        if buying and signal.order_type != "stop":  # a buy's protections sell what it brings
            if stop is not None:
                chained.append(
                    OrderRequest(OrderSide.SELL, OrderKind.STOP_LOSS, None, trigger_price=stop, tag=tag)
                )
            share = None if len(targets) < 2 else Decimal(1) / len(targets)  # several: equal parts
            for target in targets:
                chained.append(
                    OrderRequest(
                        OrderSide.SELL, OrderKind.LIMIT, None, price=target, tag=tag, parent_share=share
                    )
                )
        request = OrderRequest(
            side,
            kind,
            volume,
            price,
            trigger,
            chained=tuple(chained),
            one_cancels_the_other=stop is not None and len(chained) > 1,
            tag=tag,
        )
        return OrderPlan(symbol, create=(request,))

    async def on_signal(self, text: str) -> bool:
        """Parse an alert and act on it; False when it is meant for another exchange. Raises SignalError
        (naming the key at fault) for an alert that cannot be acted on."""
        signal = parse_signal(text)
        exchange = self.exchange_manager.exchange_name
        if signal.exchange is not None and signal.exchange.lower() != exchange.lower():
            logger.info("%s: alert for %s ignored on %s", self.get_name(), signal.exchange, exchange)
            return False
        symbol = self.symbol_of(signal)
        if symbol is None:
            self.plan_for_signal(signal)  # raises the SignalError naming the pair
            return False
        await self._act(symbol, f"the alert {signal.signal}", functools.partial(self.plan_for_signal, signal))
        return True
