"""The exchange manager of a live account: real orders through the live connector, its state in a state
file, reconciled with the exchange at start and after every reconnection.

Why reconcile on reconnection: while a stream is down, orders may fill on the exchange; the stream does
not replay what was missed, so each time a stream comes back the open orders are checked again (each
fill counted once: cumulative amounts) and the balances are taken from the exchange.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from octobot_trading.ccxt_connector.structures import ExchangeOrder
from octobot_trading.live.connector import LiveOrderConnector
from octobot_trading.live.links import OrderLinks
from octobot_trading.live.sync import LiveAccountSync, ReconcileReport
from octobot_trading.markets import Markets
from octobot_trading.persistence.manager import PersistentExchangeManager
from octobot_trading.persistence.store import StoredState
from octobot_trading.timestamps import Clock, WallClock

logger = logging.getLogger(__name__)

STREAM = "stream"


class LiveExchangeManager(PersistentExchangeManager):
    """A live account (see module docstring).

    ``exchange``: a started ``CcxtLiveConnector`` (with credentials); ``markets``: its market rules
    (``await exchange.markets()``); ``prefix``: the start of every client order id of this bot.
    Feed own-order updates to :meth:`on_exchange_order` and stream mode changes to :meth:`on_mode_change`
    (``LiveFeed(..., orders=True, on_order=manager.on_exchange_order)``, ``feed.on_mode_change = ...``).
    """

    def __init__(
        self,
        exchange: Any,
        markets: Markets,
        *,
        state_path: str | Path,
        exchange_id: str | None = None,
        reference_market: str | None = None,
        clock: Clock | None = None,
        prefix: str = "octobot",
    ) -> None:
        clock = clock or WallClock()
        self.prefix = prefix
        self._max_length = getattr(getattr(exchange, "profile", None), "client_order_id_max_length", 32)
        self.order_connector = LiveOrderConnector(
            exchange, OrderLinks(prefix, clock.now_ms(), max_length=self._max_length)
        )
        super().__init__(
            getattr(exchange, "exchange_id", "exchange"),
            markets,
            portfolio={},
            connector=self.order_connector,
            clock=clock,
            exchange_id=exchange_id,
            reference_market=reference_market,
            state_path=state_path,
            resubmit=False,
            on_loaded=self._links_from_state,
            on_started=self._reconcile_at_start,
            extras=lambda order: self.order_connector.links.extras(order),
            counters=lambda: self.order_connector.links.counters(),
        )
        self.sync = LiveAccountSync(self, self.order_connector)
        self.last_report: ReconcileReport | None = None
        self._modes: dict[Any, str] = {}
        self._reconcile_task: asyncio.Task | None = None
        self._reconcile_again = False

    async def _links_from_state(self, manager: PersistentExchangeManager, state: StoredState) -> None:
        self.order_connector.links = OrderLinks.restore(
            self.prefix,
            state.counters,
            list(state.orders.values()),
            self.clock.now_ms(),
            max_length=self._max_length,
        )

    async def _reconcile_at_start(self, manager: PersistentExchangeManager, state: StoredState) -> None:
        self.order_connector.persist = self.save
        self.sync.adopt(self.restored_orders)
        self.last_report = await self.sync.reconcile()

    async def reconcile(self) -> ReconcileReport:
        """Check every open order and the balances with the exchange now."""
        self.last_report = await self.sync.reconcile()
        await self.save()
        return self.last_report

    async def on_exchange_order(self, update: ExchangeOrder) -> None:
        """An own-order update from the exchange's stream (or a poll)."""
        await self.order_connector.apply_exchange_order(update)

    def on_mode_change(self, key: Any, mode: str) -> None:
        """A stream went down (REST fallback) or came back: reconcile when it is back."""
        previous = self._modes.get(key)
        self._modes[key] = mode
        if mode == STREAM and previous is not None and previous != STREAM:
            logger.info("%s: %s stream is back: reconciling with the exchange", self.exchange_id, key)
            self.request_reconcile()

    def request_reconcile(self) -> None:
        """Reconcile in the background (once more if one is already running)."""
        if self._reconcile_task is not None and not self._reconcile_task.done():
            self._reconcile_again = True
            return
        self._reconcile_task = asyncio.get_running_loop().create_task(self._reconcile_loop())

    async def _reconcile_loop(self) -> None:
        while True:
            self._reconcile_again = False
            try:
                await self.reconcile()
            except Exception as error:  # a failed check is retried at the next reconnection
                logger.error("%s: reconciliation failed: %s", self.exchange_id, error)
            if not self._reconcile_again:
                return

    async def stop(self) -> None:
        task, self._reconcile_task = self._reconcile_task, None
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        await self.order_connector.join()
        await super().stop()
