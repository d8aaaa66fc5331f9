"""What a running bot tells its user: one short status line per closed candle, one log line per order
action.

Why on events: nothing polls; the line is printed when the market closes a candle on the smallest time
frame or when an order changes, from the exchange manager's own channels.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any, TextIO

import octobot_channel as oc
import octobot_trading as ot
from octobot.secret_masking import mask

logger = logging.getLogger(__name__)


def _amount(value: Any) -> str:
    if value is None:
        return "-"
    text = format(Decimal(value).normalize(), "f")
    return text


#: the places of a value when no market of the exchange tells the asset's precision
DEFAULT_PLACES = 8


def value_places(markets: ot.Markets, asset: str) -> int:
    """How many decimals a value in ``asset`` is shown with: the finest precision the exchange's markets
    give ``asset`` (its amount step where it is the base, its price step where it is the quote), so
    0.99359553 BTC does not read "1 BTC"; ``DEFAULT_PLACES`` when no market tells."""
    steps = []
    for symbol in markets:
        rules = markets[symbol]
        if rules.is_default:
            continue
        for step in (
            rules.amount_step() if rules.base == asset else None,
            rules.price_step() if rules.quote == asset else None,
        ):
            if step is not None and step > 0:
                steps.append(step)
    if not steps:
        return DEFAULT_PLACES
    exponent = min(steps).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else DEFAULT_PLACES


class StatusLine(ot.MarketDataSource):
    """Prints ``<exchange> | pairs ... | open orders N | value V REF | last signal ...`` (as a market data
    source, so the bot starts it last and stops it first)."""

    def __init__(self, manager: ot.ExchangeManager, pairs: list[str], time_frame: str, out: TextIO) -> None:
        self.manager = manager
        self.pairs = pairs
        self.time_frame = time_frame
        self.out = out
        self.last_signal: str = "none yet"
        self.places = value_places(manager.markets, manager.portfolio_manager.reference_market)
        self.lines = 0
        self._consumers: list[tuple[oc.Channel, oc.Consumer]] = []

    async def start(self, sink: ot.MarketDataSink) -> None:
        manager = self.manager
        for name, callback, filters in (
            ("OHLCVChannel", self._on_candle, {"time_frame": self.time_frame}),
            ("OrdersChannel", self._on_order, None),
            ("ModeChannel", self._on_signal, None),
        ):
            channel = manager.get_channel(name)
            consumer = await channel.new_consumer(
                callback, priority=oc.Priority.OPTIONAL, filters=filters, name=f"status-{name}"
            )
            self._consumers.append((channel, consumer))
        self.print_status()

    async def stop(self) -> None:
        consumers, self._consumers = self._consumers, []
        for channel, consumer in consumers:
            if not channel.is_closed:
                await channel.remove_consumer(consumer)

    def status(self) -> str:
        manager = self.manager
        reference = manager.portfolio_manager.reference_market
        try:
            value = f"{_amount(round(manager.portfolio_manager.value(strict=True), self.places))} {reference}"
        except ot.OctobotTradingError:
            value = f"? {reference} (no price yet)"
        return (
            f"status {manager.exchange_name} | pairs {', '.join(self.pairs)} | open orders "
            f"{len(manager.trader.open_orders())} | value {value} | last signal {self.last_signal}"
        )

    def print_status(self) -> None:
        self.out.write(mask(self.status()) + "\n")
        self.out.flush()
        self.lines += 1

    async def _on_candle(self, message: dict) -> None:
        self.print_status()

    async def _on_signal(self, message: dict) -> None:
        state = message.get("state")
        state = getattr(state, "name", state)
        self.last_signal = f"{message.get('symbol')} {state} ({message.get('evaluation')})"

    async def _on_order(self, message: dict) -> None:
        order = message["order"]
        level = order.get("price") if order.get("price") is not None else order.get("trigger_price")
        logger.info(
            "%s: order %s %s %s %s %s @ %s: %s (filled %s)",
            self.manager.exchange_id,
            order["id"],
            order["symbol"],
            order["side"],
            order["kind"],
            _amount(order["amount"]),
            _amount(level),
            order["status"],
            _amount(order["filled"]),
        )
