"""The staging file of a live recording: tickers, order books and trades (and closed candles) committed
as they arrive, so an interrupted recording keeps what it got and the same recording run again goes on.

Why keys that absorb repeats: a stream and its REST fallback, or a restarted recording, may hand over
the same ticker, book or trade twice; a ticker or book of one instant is kept once (the last one), a
trade once per trade id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from octobot_backtesting import _schema
from octobot_backtesting.collectors.staging import StagingFile, staging_path


def interrupted_live_end(data_path: str | Path) -> int | None:
    """The end time (ms) of an interrupted live recording into ``data_path``, from its staging file;
    None when there is none (or it is a candle download). Lets a recording given as a duration resume
    to the end it was first given."""
    path = staging_path(Path(data_path))
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT value FROM request").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None  # unreadable: the collector itself says so when it opens it
    request = json.loads(row[0]) if row else {}
    return int(request["end_ms"]) if request.get("live") else None


def staged_timestamps(data_path: str | Path, table: str) -> list[int]:
    """The timestamps (ms, in order) of the rows of ``table`` (a market table, or "ohlcv" for closed
    candles) that an unfinished live recording into ``data_path`` has committed so far: how a caller
    follows a running recording (or sees what an interrupted one kept). Empty while there is no staging
    file yet; read-only, so it never disturbs the recording."""
    if table not in (*_schema.MARKET_TABLES, "ohlcv"):
        raise ValueError(
            f"table must be one of {', '.join((*_schema.MARKET_TABLES, 'ohlcv'))}, got {table!r}"
        )
    path = staging_path(Path(data_path))
    if not path.is_file():
        return []
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute(f"SELECT timestamp FROM {table} ORDER BY timestamp").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return []  # not created yet (the recording is opening it)
    return [int(row[0]) for row in rows]


class LiveStagingFile(StagingFile):
    """A :class:`StagingFile` with the market tables; blocking (called from one worker thread)."""

    EXTRA_TABLES = (
        """CREATE TABLE IF NOT EXISTS tickers (
            symbol TEXT NOT NULL, timestamp INTEGER NOT NULL,
            bid REAL, ask REAL, last REAL, base_volume REAL, quote_volume REAL,
            PRIMARY KEY (symbol, timestamp)
        ) WITHOUT ROWID""",
        """CREATE TABLE IF NOT EXISTS order_books (
            symbol TEXT NOT NULL, timestamp INTEGER NOT NULL, bids TEXT NOT NULL, asks TEXT NOT NULL,
            PRIMARY KEY (symbol, timestamp)
        ) WITHOUT ROWID""",
        """CREATE TABLE IF NOT EXISTS trades (
            symbol TEXT NOT NULL, timestamp INTEGER NOT NULL, trade_id TEXT,
            side TEXT, price REAL NOT NULL, amount REAL NOT NULL
        )""",
        "CREATE UNIQUE INDEX IF NOT EXISTS trades_id ON trades (symbol, trade_id)",
    )

    def append_market(self, table: str, rows: Sequence[Sequence]) -> None:
        """Stores rows ``(symbol, <MARKET_COLUMNS of table>)`` and commits them."""
        if not rows:
            return
        columns = _schema.MARKET_COLUMNS[table]
        placeholders = ", ".join("?" * (len(columns.split(",")) + 1))
        verb = "INSERT OR IGNORE" if table == _schema.TRADES else "INSERT OR REPLACE"
        self._connection.executemany(f"{verb} INTO {table} (symbol, {columns}) VALUES ({placeholders})", rows)
        self._connection.commit()

    def read_market(self, table: str) -> list[tuple]:
        columns = _schema.MARKET_COLUMNS[table]
        order = "symbol, timestamp" + (", rowid" if table == _schema.TRADES else "")
        return self._connection.execute(f"SELECT symbol, {columns} FROM {table} ORDER BY {order}").fetchall()

    def count_market(self, table: str) -> int:
        return self._connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def ohlcv_series(self) -> Iterable[tuple[str, str]]:
        return self._connection.execute(
            "SELECT DISTINCT symbol, time_frame FROM ohlcv ORDER BY symbol, time_frame"
        ).fetchall()
