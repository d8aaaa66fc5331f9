"""The Telegram interface's answers: BotControl's results as short plain-text messages.

Plain text (no Markdown): a symbol, an order id or an error never needs escaping.
"""

from __future__ import annotations

from decimal import Decimal

from octobot.bot_control import (
    BalanceReport,
    BotStatus,
    DailyFigure,
    OrderView,
    ProfitSummary,
    TradesPage,
)
from octobot.notifications import amount, signed

#: (command, arguments, what it does), in the order /help lists them
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("status", "", "open positions with live PnL, open orders"),
    ("profit", "[days]", "realised PnL (over the last days), portfolio change"),
    ("daily", "[days]", "PnL per day"),
    ("balance", "", "holdings and their value"),
    ("trades", "[page]", "trade history, newest first"),
    ("orders", "", "open orders"),
    ("cancel", "<order id>", "cancel an open order"),
    ("pause", "", "no new entries, exits go on"),
    ("resume", "", "entries again"),
    ("stop", "", "stop the bot (asks to confirm)"),
    ("forceexit", "<position|order id|all>", "sell a position at market now (asks to confirm)"),
    ("forcebuy", "<symbol> <amount>", "manual market buy (asks to confirm; off unless enabled)"),
    ("risk", "<0-1>", "set the risk"),
    ("ping", "", "is the bot there"),
    ("version", "", "OctoBot's version"),
    ("help", "", "this list"),
)


def help_text() -> str:
    lines = [f"/{name}{' ' + arguments if arguments else ''}: {what}" for name, arguments, what in COMMANDS]
    return "OctoBot commands\n" + "\n".join(lines)


def _order(view: OrderView) -> str:
    level = view.price if view.price is not None else view.trigger_price
    at = f" at {amount(level)}" if level is not None else ""
    filled = f", filled {amount(view.filled)}" if view.filled else ""
    return f"{view.order_id}: {view.side} {view.kind} {amount(view.amount)} {view.symbol}{at}{filled}"


def status_text(status: BotStatus) -> str:
    state = "paused (no new entries)" if status.paused else "running"
    lines = [f"{status.bot_id}: {state}"]
    if status.positions:
        lines.append("Positions:")
        for position in status.positions:
            pnl = ""
            if position.unrealised_pnl is not None and position.unrealised_pnl_percent is not None:
                pnl = (
                    f", now {amount(position.current_price)}: PnL {signed(position.unrealised_pnl)} "
                    f"{position.quote} ({signed(position.unrealised_pnl_percent)} %)"
                )
            lines.append(
                f"{position.position_id}: {amount(position.amount)} bought at {position.entry_price:.2f}{pnl}"
            )
    else:
        lines.append("No open position.")
    lines.append(orders_text(status.open_orders))
    return "\n".join(lines)


def orders_text(orders: tuple[OrderView, ...] | list[OrderView]) -> str:
    if not orders:
        return "No open order."
    return "Open orders:\n" + "\n".join(_order(view) for view in orders)


def _percent(value: Decimal | None) -> str:
    return "?" if value is None else f"{signed(value)} %"


def profit_text(profit: ProfitSummary) -> str:
    window = f"last {profit.days} day(s)" if profit.days is not None else "since the start"
    lines = [
        f"Profit, {window}: realised {signed(profit.realised_pnl)} {profit.reference} over {profit.trades} "
        f"trade(s) ({profit.winning_exits} winning, {profit.losing_exits} losing exits)"
    ]
    if profit.current_value is not None and profit.start_value is not None:
        lines.append(
            f"Portfolio {profit.start_value:.2f} -> {profit.current_value:.2f} {profit.reference} "
            f"({_percent(profit.profit_percent)}; vs market {_percent(profit.vs_market_percent)})"
        )
    return "\n".join(lines)


def daily_text(days: list[DailyFigure], reference: str) -> str:
    lines = [f"{day.day}: {signed(day.realised_pnl)} {reference}, {day.trades} trade(s)" for day in days]
    return "Daily PnL\n" + "\n".join(lines)


def balance_text(balance: BalanceReport) -> str:
    lines = []
    for line in balance.lines:
        value = "" if line.value is None else f" = {line.value:.2f} {balance.reference}"
        lines.append(f"{line.asset}: {amount(line.total)} (available {amount(line.available)}){value}")
    total = "?" if balance.total_value is None else f"{balance.total_value:.2f}"
    return "Balance\n" + "\n".join(lines or ["nothing held"]) + f"\nTotal: {total} {balance.reference}"


def trades_text(page: TradesPage) -> str:
    if not page.total:
        return "No trade yet."
    lines = [
        f"{trade.trade_id}: {trade.side} {amount(trade.amount)} {trade.symbol} at {amount(trade.price)}"
        + (f", PnL {signed(trade.realised_pnl)}" if trade.realised_pnl else "")
        for trade in page.trades
    ]
    return f"Trades (page {page.page}/{page.pages}, {page.total} in all)\n" + "\n".join(lines)
