"""Reconciliation of the bot's account with the exchange, after a restart and after a reconnection.

Why the exchange is the judge: while the bot was dead or disconnected, orders filled, got cancelled, or
(answer lost) may never have been created. Each open order is looked up (exchange id, else client id)
and brought to the exchange's state once: fills are differences of cumulative amounts, so nothing is
counted twice; a filled parent creates its chained orders once (they leave the pending state); a
protective order (a leg of a stop-loss / take-profit group, or a chained order) missing from the
exchange is created again from the stored group; balances are then taken from the exchange.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from octobot_trading.ccxt_connector.structures import ExchangeOrder
from octobot_trading.exchanges.exchange_manager import ExchangeManager
from octobot_trading.live.connector import LiveOrderConnector
from octobot_trading.orders.enums import OrderStatus
from octobot_trading.orders.groups import OneCancelsTheOther
from octobot_trading.orders.order import Order
from octobot_trading.portfolio import Balance, PortfolioSnapshot

logger = logging.getLogger(__name__)

ZERO = Decimal(0)


@dataclass
class ReconcileReport:
    """What one reconciliation changed (order ids)."""

    checked: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    recreated: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    balances: dict[str, Decimal] = field(default_factory=dict)


class LiveAccountSync:
    """Keeps ``manager``'s account equal to the exchange's (see module docstring)."""

    def __init__(self, manager: ExchangeManager, connector: LiveOrderConnector) -> None:
        self.manager = manager
        self.connector = connector
        self.exchange: Any = connector.exchange
        connector.account = manager.account
        connector.price_of = manager.last_price
        connector.notify = manager.flush
        connector.on_account_error = self.sync_balances
        self.reconciliations = 0

    def adopt(self, orders: list[Order]) -> None:
        """Track restored open orders (the connector reports their exchange updates)."""
        for order in orders:
            self.connector.orders[order.order_id] = order

    async def reconcile(self) -> ReconcileReport:
        """Check every open order with the exchange, then take the balances from it."""
        report = ReconcileReport()
        self.reconciliations += 1
        await self.connector.join()  # requests in flight first: their answers are part of the state
        account = self.manager.account
        found: list[tuple[Order, ExchangeOrder]] = []
        for order in list(account.open_orders.values()):
            if not order.is_active:
                continue
            self.connector.orders.setdefault(order.order_id, order)
            report.checked.append(order.order_id)
            update = await self.connector.lookup(order)
            if update is None:
                if self._is_protective(order):
                    self._recreate(order)
                    report.recreated.append(order.order_id)
                else:
                    logger.warning(
                        "%s: order %s never reached the exchange: dropped, its funds are released",
                        self.manager.exchange_id,
                        order.order_id,
                    )
                    account.close(order, OrderStatus.CANCELLED)
                    self.connector.orders.pop(order.order_id, None)
                    report.dropped.append(order.order_id)
                continue
            found.append((order, update))
        # fills first: a leg that executed while the bot was away cancels the other legs of its group
        # (recorded once, as cancelled) before their own "expired" answer could look like a loss
        found.sort(key=lambda pair: pair[1].filled <= pair[0].filled)
        exchange_view = {order.order_id: update for order, update in found}
        to_replace: list[Order] = []
        for order, update in found:
            filled_before = order.filled
            if order.is_active:
                await self.connector.apply_exchange_order(update)
            if order.filled > filled_before:
                report.filled.append(order.order_id)
            if order.is_closed and order.status is not OrderStatus.FILLED:
                report.closed.append(order.order_id)
                if self._is_protective(order) and self._group_still_open(order):
                    if self._list_gone(order, exchange_view):
                        to_replace.append(order)
        for replacement in self._replace_all(to_replace):  # together: a list's legs leave as one list
            report.recreated.append(replacement.order_id)
        await self.connector.join()  # chained orders created by fills above
        report.balances = await self.sync_balances()
        await self.manager.flush()
        logger.info(
            "%s: reconciled %d open order(s): %d filled, %d closed, %d re-created, %d dropped",
            self.manager.exchange_id,
            len(report.checked),
            len(report.filled),
            len(report.closed),
            len(report.recreated),
            len(report.dropped),
        )
        return report

    @staticmethod
    def _is_protective(order: Order) -> bool:
        return order.parent_id is not None or order.group is not None

    @staticmethod
    def _group_still_open(order: Order) -> bool:
        """True while no leg of the order's group filled (the position is still to protect)."""
        group = order.group
        if group is None:
            return True
        return not any(leg.filled > ZERO for leg in group.orders)

    def _recreate(self, order: Order) -> None:
        """Send again a protective order the exchange never received (same client id: it never existed)."""
        logger.warning(
            "%s: protective order %s missing on the exchange: sending it again",
            self.manager.exchange_id,
            order.order_id,
        )
        self.connector.submit_again(order)

    def _list_gone(self, order: Order, exchange_view: dict[str, ExchangeOrder]) -> bool:
        """For a leg of a native order list: True only when no leg of its list is open on the exchange
        (a leg that triggered keeps the position protected: the other one expired by design)."""
        list_client_id = self.connector.links.list_of(order.order_id)
        if list_client_id is None or not isinstance(order.group, OneCancelsTheOther):
            return True
        for leg in order.group.orders:
            if leg is order or self.connector.links.list_of(leg.order_id) != list_client_id:
                continue
            seen = exchange_view.get(leg.order_id)
            if leg.is_active and (seen is None or not seen.is_closed):
                return False
        return True

    def _replace_all(self, orders: list[Order]) -> list[Order]:
        """Replace ``orders`` (see ``_replace``), submitting the new orders in one synchronous step."""
        built = [(order, self._build_replacement(order)) for order in orders]
        created = []
        for order, new in built:
            if new is None:
                continue
            try:
                self.manager.trader.submit(new)
            except Exception as error:  # a failing replacement must not stop the reconciliation
                logger.error(
                    "%s: cannot re-create protective order %s: %s", self.manager.exchange_id, order, error
                )
                continue
            logger.warning(
                "%s: protective order %s was cancelled on the exchange: re-created as %s",
                self.manager.exchange_id,
                order.order_id,
                new.order_id,
            )
            created.append(new)
        return created

    def _build_replacement(self, order: Order) -> Order | None:
        """A new order with ``order``'s levels in its group (a protective order cancelled on the
        exchange, by hand or by a restart, while its position is still open)."""
        trader = self.manager.trader
        try:
            new = trader.new_order(
                order.symbol,
                order.side,
                order.kind,
                order.remaining,
                price=order.price,
                trigger_price=order.trigger_price,
                trailing_percent=order.trailing_percent,
                tag=order.tag,
            )
        except Exception as error:
            logger.error(
                "%s: cannot re-create protective order %s: %s", self.manager.exchange_id, order, error
            )
            return None
        if order.group is not None:
            order.group.add(new)
        new.parent_id = order.parent_id
        return new

    async def sync_balances(self) -> dict[str, Decimal]:
        """Take the totals from the exchange; what the bot's open orders lock stays locked."""
        balances = await self.exchange.fetch_balance()
        portfolio = self.manager.portfolio
        totals = {asset: balance.total for asset, balance in balances.items()}
        snapshot: dict[str, Balance] = {}
        for asset in set(totals) | set(portfolio.assets()):
            total = totals.get(asset, ZERO)
            locked = portfolio.locked(asset)
            if locked > total:
                logger.warning(
                    "%s: open orders lock %s %s but the exchange holds %s; the lock is capped",
                    self.manager.exchange_id,
                    locked,
                    asset,
                    total,
                )
                locked = total
            snapshot[asset] = Balance(total, total - locked)
        portfolio.restore(PortfolioSnapshot(None, snapshot))
        self.manager.account.balance_changed = True
        await self.manager.flush()
        return totals
