"""Rebuilding an exchange manager's account from a stored state.

Why the portfolio snapshot is restored as is (locks included): it was captured in the same instant as
the open orders, so each order's ``locked_amount`` is exactly its share of the stored locked balances;
re-locking would count them twice.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from octobot_trading.exchanges.exchange_manager import ExchangeManager
from octobot_trading.orders.enums import OrderKind, OrderStatus
from octobot_trading.orders.groups import OneCancelsTheOther
from octobot_trading.orders.order import Order
from octobot_trading.persistence.codec import order_from_record, trade_from_record
from octobot_trading.persistence.store import StoredState
from octobot_trading.portfolio import PortfolioSnapshot
from octobot_trading.trader import ORDER_IDS

logger = logging.getLogger(__name__)

_TRAILING_NUMBER = re.compile(r"(\d+)$")


def _suffix(identifier: str) -> int:
    found = _TRAILING_NUMBER.search(identifier)
    return int(found.group(1)) if found else 0


def max_id_suffix(identifiers: list[str]) -> int:
    """The largest trailing number of ``identifiers`` (0 when none): ids issued after a restart start
    above it, so a restored order never shares its id with a new one."""
    return max((_suffix(i) for i in identifiers), default=0)


def reserve_order_ids(above: int) -> None:
    """Make the trader's next order ids start above ``above`` (ids are process-wide)."""
    ORDER_IDS.reserve_above(above)


def _all_ids(records: list[dict]) -> list[str]:
    ids = []
    for record in records:
        ids.append(record["id"])
        ids.extend(_all_ids(record.get("chained", [])))
    return ids


def restore_account(manager: ExchangeManager, state: StoredState, *, resubmit: bool = True) -> list[Order]:
    """Put ``state`` back into ``manager``'s account: portfolio, open orders (with their groups and pending
    chained orders), trades (and the holdings they built, for realised PnL), id counters.

    ``resubmit``: hand the open orders back to the connector (the simulator indexes them again); a live
    connector reconciles them with the exchange instead. Returns the open orders restored.
    """
    account = manager.account
    if state.portfolio is not None:
        manager.portfolio.restore(PortfolioSnapshot.from_dict(state.portfolio))
    groups: dict[str, OneCancelsTheOther] = {}
    restored: list[Order] = []
    for record in state.open_orders:
        order = order_from_record(record, groups)
        order.exchange_id = manager.exchange_id
        for child in order.chained:
            child.exchange_id = manager.exchange_id
        account.open_orders[order.order_id] = order
        restored.append(order)
    # a group leg closed before the crash is not restored: drop it from the rebuilt groups
    for group in groups.values():
        group.orders = [o for o in group.orders if o.order_id in account.open_orders or o.parent_id]
    for record in state.trades:
        account.restore_trade(trade_from_record(record))
    account.trade_ids.reserve_above(max_id_suffix([t["id"] for t in state.trades]))
    manager.trader.order_ids.reserve_above(
        max(max_id_suffix(_all_ids(list(state.orders.values()))), state.counters.get("order_id", 0))
    )
    if state.history:
        history = manager.portfolio_manager.history
        for timestamp, value in state.history:
            if history.last is None or timestamp > history.last[0]:
                history.record(timestamp, Decimal(value))
    if resubmit:
        now = manager.clock.now_ms()
        for order in restored:
            _resubmit(manager, order, now)
    account.balance_changed = True
    logger.info(
        "%s: restored %d open order(s), %d trade(s) from the state file",
        manager.exchange_id,
        len(restored),
        len(state.trades),
    )
    return restored


def _resubmit(manager: ExchangeManager, order: Order, now: int) -> None:
    """Index a restored open order in the simulator again, keeping its status and fills."""
    if order.kind is OrderKind.MARKET:
        return  # a market order is never left open by the simulator
    status = order.status
    order.status = OrderStatus.PENDING  # the connector opens it; its real status is put back after
    triggered, updated_at = order.triggered, order.updated_at
    try:
        manager.connector.submit(order, now)
    finally:
        order.status, order.triggered, order.updated_at = status, triggered, updated_at


__all__ = ["max_id_suffix", "reserve_order_ids", "restore_account"]
