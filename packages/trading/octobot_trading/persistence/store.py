"""The state store: one SQLite file per account, written one transaction per state change.

Why SQLite in WAL mode with one transaction per change: a bot killed at any instant (kill -9, power cut)
must find on restart either the state before a change or the state after it, never half of it; SQLite's
journal gives that atomicity, WAL keeps writes cheap and readers unblocked. Why one worker thread: the bot
runs on one event loop and SQLite I/O blocks; a single thread also keeps the writes in submission order.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from octobot_trading.persistence.errors import StateClosedError, StateFileError

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
#: the write-ahead log is checkpointed into the state file, and truncated, once it grows past this size
#: (SQLite's own automatic checkpoint only comes at about 4 MB, and never shrinks the file)
WAL_LIMIT_BYTES = 512 * 1024
_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, symbol TEXT NOT NULL, open INTEGER NOT NULL,
                                   record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS orders_open ON orders (open);
CREATE TABLE IF NOT EXISTS trades (id TEXT PRIMARY KEY, order_id TEXT NOT NULL, time INTEGER NOT NULL,
                                   record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS portfolio (id INTEGER PRIMARY KEY CHECK (id = 1), snapshot TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS history (timestamp INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

_CLOSED_STATUSES = frozenset({"filled", "cancelled", "rejected", "expired"})


@dataclass
class StateChange:
    """What one state change writes, all in one transaction.

    ``orders``: order records to insert or replace (open ones with their pending chained children);
    ``trades``: trade records, each stored once (a trade id already stored is ignored);
    ``portfolio``: the portfolio snapshot (``PortfolioSnapshot.to_dict()``) replacing the stored one;
    ``history``: (timestamp ms, value) portfolio value points; ``counters``: named integers (the
    client-order-id counter); ``meta``: named strings; ``forget_orders``: order ids to delete.
    """

    orders: list[dict[str, Any]] = field(default_factory=list)
    trades: list[dict[str, Any]] = field(default_factory=list)
    portfolio: dict[str, Any] | None = None
    history: list[tuple[int, str]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    forget_orders: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.orders
            or self.trades
            or self.portfolio is not None
            or self.history
            or self.counters
            or self.meta
            or self.forget_orders
        )


@dataclass
class StoredState:
    """Everything a store holds, as written."""

    orders: dict[str, dict[str, Any]]
    trades: list[dict[str, Any]]
    portfolio: dict[str, Any] | None
    history: list[tuple[int, str]]
    counters: dict[str, int]
    meta: dict[str, str]

    @property
    def open_orders(self) -> list[dict[str, Any]]:
        """Order records not closed, oldest first."""
        found = [r for r in self.orders.values() if r.get("status") not in _CLOSED_STATUSES]
        return sorted(found, key=lambda r: (r.get("created_at", 0), r["id"]))

    @property
    def is_empty(self) -> bool:
        return not (self.orders or self.trades or self.portfolio)


class StateStore:
    """An account's state file (see module docstring). ``await open()``, ``await write(change)``,
    ``await load()``, ``await close()``; or ``async with StateStore(path) as store``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._executor: ThreadPoolExecutor | None = None
        self._connection: sqlite3.Connection | None = None
        #: number of transactions committed by this instance
        self.writes = 0

    # --- lifecycle -------------------------------------------------------------------------------
    async def open(self) -> StateStore:
        if self._executor is not None:
            return self
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="octobot-state")
        try:
            await self._run(self._open)
        except BaseException:
            self._executor.shutdown(wait=True)
            self._executor = None
            raise
        return self

    async def close(self) -> None:
        executor = self._executor
        if executor is None:
            return
        try:
            await self._run(self._close)
        finally:
            self._executor = None
            executor.shutdown(wait=True)

    async def __aenter__(self) -> StateStore:
        return await self.open()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def is_open(self) -> bool:
        return self._executor is not None

    async def _run(self, function: Callable[..., _T], *args: Any) -> _T:
        if self._executor is None:
            raise StateClosedError(f"state store {self.path} is not open; await store.open() first")
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    # --- worker-thread side ------------------------------------------------------------------------
    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(self.path, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints,
            # atomic always (a crash loses at most the last commits, never half of one)
            connection.executescript(_SCHEMA)
            row = connection.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone()
            if row is None:
                connection.execute(
                    "INSERT INTO meta (key, value) VALUES ('format_version', ?)", (str(FORMAT_VERSION),)
                )
            elif int(row[0]) > FORMAT_VERSION:
                connection.close()
                raise StateFileError(
                    f"{self.path}: state format {row[0]} is newer than this version reads "
                    f"({FORMAT_VERSION}); "
                    "upgrade octobot-trading"
                )
        except sqlite3.DatabaseError as error:
            raise StateFileError(
                f"{self.path} is not a usable state file ({error}); move it away to start afresh"
            ) from error
        self._connection = connection
        logger.debug("state store %s open", self.path)

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _write(self, change: StateChange) -> int:
        """One transaction: everything in ``change`` or nothing. Returns the number of new trades.

        Records are encoded inside the transaction, so a record that fails to encode rolls back the
        rows written before it.
        """
        connection = self._connection
        assert connection is not None
        new_trades = 0
        connection.execute("BEGIN IMMEDIATE")
        try:
            for record in change.orders:
                connection.execute(
                    "INSERT OR REPLACE INTO orders (id, symbol, open, record) VALUES (?, ?, ?, ?)",
                    (
                        record["id"],
                        record["symbol"],
                        int(record.get("status") not in _CLOSED_STATUSES),
                        json.dumps(record, separators=(",", ":")),
                    ),
                )
            for order_id in change.forget_orders:
                connection.execute("DELETE FROM orders WHERE id = ?", (order_id,))
            for record in change.trades:
                cursor = connection.execute(
                    "INSERT OR IGNORE INTO trades (id, order_id, time, record) VALUES (?, ?, ?, ?)",
                    (
                        record["id"],
                        record["order_id"],
                        int(record["time"]),
                        json.dumps(record, separators=(",", ":")),
                    ),
                )
                new_trades += cursor.rowcount
            if change.portfolio is not None:
                connection.execute(
                    "INSERT OR REPLACE INTO portfolio (id, snapshot) VALUES (1, ?)",
                    (json.dumps(change.portfolio, separators=(",", ":")),),
                )
            if change.history:
                connection.executemany(
                    "INSERT OR REPLACE INTO history (timestamp, value) VALUES (?, ?)",
                    [(int(ts), str(value)) for ts, value in change.history],
                )
            for name, value in change.counters.items():
                connection.execute(
                    "INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)", (name, int(value))
                )
            for key, text in change.meta.items():
                connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(text)))
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        self.writes += 1
        self._checkpoint_if_large()
        return new_trades

    def _checkpoint_if_large(self) -> None:
        """Fold the write-ahead log into the state file during the run, not only at a clean stop."""
        try:
            size = os.stat(self._wal_path).st_size
        except FileNotFoundError:
            return
        if size > WAL_LIMIT_BYTES:
            # a PRAGMA always answers one row (busy, log frames, checkpointed frames)
            busy = self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]  # type: ignore[union-attr]
            if busy:  # a reader of another process holds it: tried again at the next write
                logger.debug("state store %s: checkpoint postponed (busy)", self.path)

    @property
    def _wal_path(self) -> str:
        return f"{self.path}-wal"

    def _load(self) -> StoredState:
        connection = self._connection
        assert connection is not None
        try:
            connection.execute("BEGIN")  # one consistent read
            try:
                orders = {
                    order_id: json.loads(record)
                    for order_id, record in connection.execute("SELECT id, record FROM orders")
                }
                trades = [
                    json.loads(record)
                    for (record,) in connection.execute("SELECT record FROM trades ORDER BY time, rowid")
                ]
                row = connection.execute("SELECT snapshot FROM portfolio WHERE id = 1").fetchone()
                portfolio = json.loads(row[0]) if row else None
                history = [
                    (int(ts), value)
                    for ts, value in connection.execute("SELECT timestamp, value FROM history ORDER BY 1")
                ]
                counters = dict(connection.execute("SELECT name, value FROM counters"))
                meta = dict(connection.execute("SELECT key, value FROM meta"))
            finally:
                connection.execute("COMMIT")
        except (sqlite3.DatabaseError, ValueError) as error:
            raise StateFileError(f"{self.path}: cannot read the stored state ({error})") from error
        return StoredState(orders, trades, portfolio, history, counters, meta)

    # --- public API ----------------------------------------------------------------------------------
    async def write(self, change: StateChange) -> int:
        """Commit ``change`` atomically (see :class:`StateChange`); the number of trades newly stored."""
        if not change:
            return 0
        return await self._run(self._write, change)

    async def load(self) -> StoredState:
        """The state as last committed."""
        return await self._run(self._load)
