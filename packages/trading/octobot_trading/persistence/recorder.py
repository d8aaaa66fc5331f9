"""The recorder: writes an exchange manager's account to its state store after every change.

Why it listens to the account's channels: every change of orders, trades or balances is announced
there (fills included), so the recorder needs no hook in the trader. Each change is captured
synchronously on the event loop (a consistent instant: nothing else runs between two awaits), as the
difference from what was last written, and committed in one transaction by the store's worker thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import octobot_channel as oc
from octobot_trading.exchanges.exchange_manager import ExchangeManager
from octobot_trading.orders.order import Order
from octobot_trading.persistence.codec import order_to_record, trade_to_record
from octobot_trading.persistence.store import StateChange, StateStore

logger = logging.getLogger(__name__)

_CHANNELS = ("OrdersChannel", "TradesChannel", "BalanceChannel")


class AccountRecorder:
    """Keeps ``store`` equal to ``manager``'s account (see module docstring).

    ``extras(order)``: extra fields stored with each order record (a live connector's exchange ids);
    ``counters()``: named counters stored with each change (the client-order-id counter).
    """

    def __init__(
        self,
        manager: ExchangeManager,
        store: StateStore,
        *,
        extras: Callable[[Order], dict[str, Any]] | None = None,
        counters: Callable[[], dict[str, int]] | None = None,
    ) -> None:
        self.manager = manager
        self.store = store
        self.extras = extras
        self.counters = counters
        self._saved_orders: dict[str, str] = {}
        self._closed_seen = 0
        self._revised_seen = self._revised_next = 0
        self._trades_seen = 0
        self._history_seen = 0
        self._portfolio: str | None = None
        self._counters: dict[str, int] = {}
        self._lock = asyncio.Lock()
        self._consumers: list[tuple[oc.Channel, oc.SupervisedConsumer]] = []
        #: called after each committed change (status lines, benchmarks): (change, new trades)
        self.on_saved: Callable[[StateChange, int], None] | None = None

    async def start(self, *, restored: bool = False) -> None:
        """Subscribe to the account's channels and write the current state.

        ``restored``: the account was just rebuilt from this store: what it holds is already written.
        """
        if restored:
            account = self.manager.account
            self._closed_seen = len(account.closed_orders)
            self._trades_seen = len(account.trades)
            for order in account.open_orders.values():
                self._saved_orders[order.order_id] = self._encode(order)
        for name in _CHANNELS:
            channel = self.manager.get_channel(name)
            consumer = oc.SupervisedConsumer(
                self._on_message, priority=oc.Priority.HIGH, name=f"state-recorder-{name}"
            )
            await channel.add_consumer(consumer)
            self._consumers.append((channel, consumer))
        await self.save()

    async def stop(self) -> None:
        """Write what is left and unsubscribe."""
        consumers, self._consumers = self._consumers, []
        for channel, consumer in consumers:
            if not channel.is_closed:
                await channel.remove_consumer(consumer)
        if self.store.is_open:
            await self.save()

    async def join(self) -> None:
        """Return once every change announced so far is written."""
        for _channel, consumer in self._consumers:
            await consumer.join()

    async def _on_message(self, message: dict) -> None:
        await self.save()

    def _encode(self, order: Order) -> str:
        record = order_to_record(order)
        if self.extras is not None:
            record.update(self.extras(order))
        return json.dumps(record, separators=(",", ":"), sort_keys=True)

    def capture(self) -> tuple[StateChange, dict[str, str], int, int, int]:
        """What changed since the last write (synchronous: one consistent instant)."""
        account = self.manager.account
        change = StateChange()
        saved: dict[str, str] = {}
        for order in account.open_orders.values():
            text = self._encode(order)
            saved[order.order_id] = text
            if self._saved_orders.get(order.order_id) != text:
                change.orders.append(json.loads(text))
        closed = account.closed_orders
        for order in closed[self._closed_seen :]:
            if order.order_id not in saved:
                change.orders.append(json.loads(self._encode(order)))
        for order in account.revised_orders[self._revised_seen :]:  # closed, then changed (a late fill)
            change.orders.append(json.loads(self._encode(order)))
        change.trades = [trade_to_record(t) for t in account.trades[self._trades_seen :]]
        portfolio = json.dumps(self.manager.portfolio.snapshot().to_dict(), sort_keys=True)
        if portfolio != self._portfolio:
            change.portfolio = json.loads(portfolio)
        history = self.manager.portfolio_history  # no price sync needed: points only
        points = history.points()
        change.history = [(ts, str(value)) for ts, value in points[self._history_seen :]]
        if self.counters is not None:
            counters = self.counters()
            change.counters = {k: v for k, v in counters.items() if self._counters.get(k) != v}
        self._revised_next = len(account.revised_orders)
        return change, saved, len(closed), len(account.trades), len(points)

    async def save(self) -> int:
        """Write the changes since the last write (one transaction); the number of new trades stored.

        Returns once the change is committed: a caller about to act on the outside world (send an
        order) knows its intent is on disk.
        """
        async with self._lock:
            change, saved, closed_seen, trades_seen, history_seen = self.capture()
            new_trades = await self.store.write(change) if change else 0
            self._saved_orders = saved
            self._closed_seen, self._trades_seen, self._history_seen = closed_seen, trades_seen, history_seen
            self._revised_seen = self._revised_next
            if change.portfolio is not None:
                self._portfolio = json.dumps(change.portfolio, sort_keys=True)
            self._counters.update(change.counters)
            if change.orders or change.trades:
                logger.info(
                    "%s: state saved (%d order change(s), %d new trade(s))",
                    self.manager.exchange_id,
                    len(change.orders),
                    new_trades,
                )
            if change and self.on_saved is not None:
                self.on_saved(change, new_trades)
            return new_trades
