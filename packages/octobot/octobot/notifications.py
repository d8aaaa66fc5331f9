"""What notifiers tell the user: the notification types, their on / silent / off setting, and the
translation of the bot's channel messages into notifications.

Why in one place: every notifier (log, Telegram, Apprise, a user's own) sends the same events with the
same words; a notifier only chooses where they go. Each type is set per notifier in its config
(``{"notifications": {"order_created": "silent", "error": "off"}}``): ``on`` sends, ``silent`` sends
without a sound where the service allows it (Telegram), ``off`` does not send.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import octobot_trading as ot

if TYPE_CHECKING:
    from octobot.bot_control import BotControl

ORDER_CREATED = "order_created"
ORDER_FILLED = "order_filled"
ORDER_CANCELLED = "order_cancelled"
POSITION_CLOSED = "position_closed"
ERROR = "error"
DAILY_SUMMARY = "daily_summary"
EVENTS = (ORDER_CREATED, ORDER_FILLED, ORDER_CANCELLED, POSITION_CLOSED, ERROR, DAILY_SUMMARY)

ON, SILENT, OFF = "on", "silent", "off"
#: a fill (one trade) and a closed position ring; order book-keeping does not
DEFAULT_LEVELS: dict[str, str] = {
    ORDER_CREATED: SILENT,
    ORDER_FILLED: ON,
    ORDER_CANCELLED: SILENT,
    POSITION_CLOSED: ON,
    ERROR: ON,
    DAILY_SUMMARY: ON,
}
NOTIFICATIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Notifications sent: on, silent (no sound where the service allows it) or off, per type",
    "properties": {event: {"enum": [ON, SILENT, OFF], "default": DEFAULT_LEVELS[event]} for event in EVENTS},
    "additionalProperties": False,
}
DAY_MS = 86_400_000
ZERO = Decimal(0)
HUNDRED = Decimal(100)
#: loggers whose errors are not notified: the notifiers' and interfaces' own (a failing notifier
#: must not notify its failure through itself)
QUIET_LOGGERS = (
    "octobot.notifiers",
    "octobot.interfaces",
    "octobot.services.telegram_service",
    "aiogram",
    "apprise",
)


def levels_of(config: dict[str, Any]) -> dict[str, str]:
    """The level of each type: the defaults, overridden by the notifier config's ``notifications``."""
    return {**DEFAULT_LEVELS, **config.get("notifications", {})}


@dataclass(frozen=True)
class Notification:
    """One notification: its type, a title and a text ready to show, and the message it came from."""

    event: str
    title: str
    text: str
    silent: bool = False
    data: dict[str, Any] = field(default_factory=dict)


def amount(value: Any) -> str:
    """A Decimal without exponent or trailing zeros (``0.0126``, ``7925.5``)."""
    if value is None:
        return "-"
    text = format(Decimal(value).normalize(), "f")
    return text


def signed(value: Decimal, places: int = 2) -> str:
    return f"{value:+.{places}f}"


class NotificationEvents:
    """Turns the bot's channel messages into (type, title, text); keeps what that needs: the orders
    already announced, each open position's realised PnL, the day of the last candle."""

    def __init__(self, control: BotControl) -> None:
        self.control = control
        self._announced: set[str] = set()
        #: (exchange id, symbol) -> [realised PnL, entry cost] of the sells of a position still open
        self._closing: dict[tuple[str, str], list[Decimal]] = {}
        self._day: int | None = None

    def _exchange_name(self, exchange_id: str) -> str:
        for name, manager in self.control.bot.exchange_managers.items():
            if manager.exchange_id == exchange_id:
                return name
        return exchange_id

    def on_order(self, message: dict[str, Any]) -> tuple[str, str, str] | None:
        order = message["order"]
        order_id, status = order["id"], order["status"]
        exchange = self._exchange_name(message["exchange"])
        level = order["price"] if order.get("price") is not None else order.get("trigger_price")
        what = f"{order['side']} {order['kind']} {amount(order['amount'])} {order['symbol']}"
        if level is not None:
            what += f" at {amount(level)}"
        if status in ("open", "pending") and order_id not in self._announced:
            self._announced.add(order_id)
            return ORDER_CREATED, "Order created", f"{exchange}: new {what} (order {order_id})"
        if status in ("cancelled", "expired", "rejected"):
            self._announced.discard(order_id)
            return ORDER_CANCELLED, f"Order {status}", f"{exchange}: {status} {what} (order {order_id})"
        if status == "filled":
            self._announced.discard(order_id)  # its fills are notified as trades
        return None

    @staticmethod
    def on_fill(exchange: str, trade: dict[str, Any]) -> tuple[str, str, str]:
        text = (
            f"{exchange}: {trade['side']} {amount(trade['amount'])} {trade['symbol']} at "
            f"{amount(trade['price'])} (fee {amount(trade['fee']['cost'])} {trade['fee']['currency']})"
        )
        return ORDER_FILLED, "Order filled", text

    def on_trade(self, message: dict[str, Any]) -> list[tuple[str, str, str]]:
        """A fill; and, when it sold the last of what the bot held, the closed position with its PnL."""
        trade = message["trade"]
        exchange = self._exchange_name(message["exchange"])
        found = [self.on_fill(exchange, trade)]
        if trade["side"] != "sell":
            return found
        key = (message["exchange"], trade["symbol"])
        pnl = Decimal(trade["realised_pnl"])
        figures = self._closing.setdefault(key, [ZERO, ZERO])
        figures[0] += pnl
        figures[1] += Decimal(trade["cost"]) - pnl  # what the sold part had cost (fees aside)
        manager = self.control.bot.exchange_managers.get(exchange)
        if manager is None or trade["symbol"] in manager.account.holdings():
            return found
        total, cost = self._closing.pop(key)
        quote = manager.markets.rules(trade["symbol"]).quote
        percent = f" ({signed(total / cost * HUNDRED)} %)" if cost else ""
        text = f"{exchange}: {trade['symbol']} position closed: PnL {signed(total)} {quote}{percent}"
        found.append((POSITION_CLOSED, "Position closed", text))
        return found

    def on_candle(self, message: dict[str, Any]) -> tuple[str, str, str] | None:
        """The summary of the day that ended, at the first candle closing in a new UTC day."""
        close = int(message["candle"][0]) + ot.parse_time_frame(message["time_frame"]).ms
        day = close // DAY_MS
        previous, self._day = self._day, day
        if previous is None or day <= previous:
            return None
        yesterday = self.control.daily(days=day - previous + 1)[-2]
        balance = self.control.balance()
        total = balance.total_value
        value = "" if total is None else f"; portfolio {total:.2f} {balance.reference}"
        text = (
            f"{yesterday.day}: realised PnL {signed(yesterday.realised_pnl)} {balance.reference} over "
            f"{yesterday.trades} trade(s){value}"
        )
        return DAILY_SUMMARY, "Daily summary", text

    @staticmethod
    def on_error(record: logging.LogRecord) -> tuple[str, str, str] | None:
        if record.levelno < logging.ERROR or not record.name.startswith("octobot"):
            return None
        if record.name.startswith(QUIET_LOGGERS):
            return None
        return ERROR, "Error", f"{record.name}: {record.getMessage()}"
