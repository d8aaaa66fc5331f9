"""An exchange manager whose account lives in a state file: restored when it starts, written after
every change, closed when it stops.

Why a subclass of ExchangeManager: an orchestrator starts and stops its exchange managers itself (first
up, last down); the state must be restored before the trading modes run and written until after they
cancelled their orders at shutdown, which is exactly the manager's own lifetime.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from octobot_trading.exchanges.exchange_manager import ExchangeManager
from octobot_trading.orders.order import Order
from octobot_trading.persistence.recorder import AccountRecorder
from octobot_trading.persistence.restore import restore_account
from octobot_trading.persistence.store import StateStore, StoredState

logger = logging.getLogger(__name__)

#: (manager, stored state) -> awaitable: see PersistentExchangeManager
StateHook = Callable[["PersistentExchangeManager", StoredState], Awaitable[None]]


class PersistentExchangeManager(ExchangeManager):
    """An :class:`ExchangeManager` persisted to ``state_path`` (see module docstring).

    ``resubmit``: hand restored open orders back to the connector (the simulator); a live manager leaves
    them to ``on_started``, which checks each one with the exchange.
    ``on_loaded(manager, state)``: after the state is back in the account, before the channels exist.
    ``on_started(manager, state)``: once the channels and the recorder run (reconciliation).
    ``extras(order)`` / ``counters()``: stored with each order record / each change (live order links).
    """

    def __init__(
        self,
        *args: Any,
        state_path: str | Path,
        resubmit: bool = True,
        on_loaded: StateHook | None = None,
        on_started: StateHook | None = None,
        extras: Callable[[Order], dict[str, Any]] | None = None,
        counters: Callable[[], dict[str, int]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.state_path = Path(state_path)
        self.resubmit = resubmit
        self.on_loaded = on_loaded
        self.on_started = on_started
        self.extras = extras
        self.counters = counters
        self.store: StateStore | None = None
        self.recorder: AccountRecorder | None = None
        #: open orders found in the state file at start
        self.restored_orders: list[Order] = []

    async def start(self) -> PersistentExchangeManager:
        if self.store is not None:
            return self
        store = await StateStore(self.state_path).open()
        self.store = store
        try:
            state = await store.load()
            restored = not state.is_empty
            if restored:
                self.restored_orders = restore_account(self, state, resubmit=self.resubmit)
            else:
                logger.info("%s: new state file %s", self.exchange_id, self.state_path)
            if self.on_loaded is not None:
                await self.on_loaded(self, state)
            await super().start()
            self.recorder = AccountRecorder(self, store, extras=self.extras, counters=self.counters)
            await self.recorder.start(restored=restored)
            if self.on_started is not None:
                await self.on_started(self, state)
            await self.recorder.save()
        except BaseException:
            await self.stop()
            raise
        return self

    async def save(self) -> None:
        """Write the account now (returns once it is on disk)."""
        if self.recorder is not None:
            await self.recorder.save()

    async def stop(self) -> None:
        recorder, self.recorder = self.recorder, None
        store, self.store = self.store, None
        try:
            if recorder is not None:
                await recorder.stop()
        finally:
            if store is not None:
                await store.close()
            await super().stop()
