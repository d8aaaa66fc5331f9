"""The staging file of a collection: every downloaded page is committed here before the next request.

Why a separate file: a data file is written atomically (``.part`` then rename), so it cannot be appended
to page by page; the staging file can. An interrupted collection (network down, Ctrl-C, crash) leaves its
staging file behind, and running the same collection again resumes after the last candle stored. Once
every series is complete, the data file is written from it and the staging file is deleted.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np

from octobot_backtesting.collectors.errors import CollectorError

#: Suffix of a staging file, next to the data file it prepares.
STAGING_SUFFIX = ".collecting"

_CREATE = (
    "CREATE TABLE IF NOT EXISTS request (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS ohlcv (
        symbol TEXT NOT NULL, time_frame TEXT NOT NULL, timestamp INTEGER NOT NULL,
        open REAL, high REAL, low REAL, close REAL, volume REAL,
        PRIMARY KEY (symbol, time_frame, timestamp)
    ) WITHOUT ROWID""",
    "CREATE TABLE IF NOT EXISTS complete (symbol TEXT NOT NULL, time_frame TEXT NOT NULL, "
    "PRIMARY KEY (symbol, time_frame))",
)


def staging_path(data_path: Path) -> Path:
    return data_path.with_name(data_path.name + STAGING_SUFFIX)


class StagingFile:
    """Blocking SQLite access; the collector calls it through ``asyncio.to_thread``."""

    #: tables a subclass adds to the candles (CREATE TABLE IF NOT EXISTS statements)
    EXTRA_TABLES: tuple[str, ...] = ()

    def __init__(self, path: Path, request: dict, *, restart: bool) -> None:
        self.path = path
        #: True when an earlier, interrupted collection of the same request is continued
        self.resumed = False
        if restart:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        existed = path.exists()
        try:
            self._connection = sqlite3.connect(path, check_same_thread=False)
            # WAL + NORMAL: a commit survives a crash of the process without an fsync per page; a power
            # cut may lose the last pages, which the next run downloads again
            self._connection.execute("PRAGMA journal_mode = WAL")
            self._connection.execute("PRAGMA synchronous = NORMAL")
            for statement in (*_CREATE, *self.EXTRA_TABLES):
                self._connection.execute(statement)
            self._connection.commit()
            self._check_request(request, existed)
        except sqlite3.DatabaseError as error:
            raise CollectorError(
                f"{path} is not a readable collection staging file ({error})",
                fix_key="restart",
                fix="delete it or pass restart=True",
            ) from None

    def _check_request(self, request: dict, existed: bool) -> None:
        row = self._connection.execute("SELECT value FROM request").fetchone()
        wanted = json.dumps(request, sort_keys=True)
        if row is None:
            self._connection.execute("INSERT INTO request VALUES (1, ?)", (wanted,))
            self._connection.commit()
            return
        if row[0] != wanted:
            self.close()
            raise CollectorError(
                f"{self.path} holds an interrupted collection of other parameters ({row[0]})",
                fix_key="restart",
                fix="run that collection again to finish it, or pass restart=True to discard it",
            )
        self.resumed = existed

    def close(self) -> None:
        self._connection.close()

    def delete(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    def is_complete(self, symbol: str, time_frame: str) -> bool:
        query = "SELECT 1 FROM complete WHERE symbol = ? AND time_frame = ?"
        return self._connection.execute(query, (symbol, time_frame)).fetchone() is not None

    def last_timestamp(self, symbol: str, time_frame: str) -> int | None:
        query = "SELECT MAX(timestamp) FROM ohlcv WHERE symbol = ? AND time_frame = ?"
        return self._connection.execute(query, (symbol, time_frame)).fetchone()[0]

    def count(self, symbol: str, time_frame: str) -> int:
        query = "SELECT COUNT(*) FROM ohlcv WHERE symbol = ? AND time_frame = ?"
        return self._connection.execute(query, (symbol, time_frame)).fetchone()[0]

    def append(self, symbol: str, time_frame: str, candles: np.ndarray) -> None:
        """Stores one page and commits it; a candle already stored is kept (pages may overlap on resume)."""
        times = candles[:, 0].astype(np.int64).tolist()
        values = candles[:, 1:6].tolist()
        rows = ((symbol, time_frame, t, *v) for t, v in zip(times, values, strict=True))
        self._connection.executemany("INSERT OR IGNORE INTO ohlcv VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self._connection.commit()

    def mark_complete(self, symbol: str, time_frame: str) -> None:
        self._connection.execute("INSERT OR IGNORE INTO complete VALUES (?, ?)", (symbol, time_frame))
        self._connection.commit()

    def read(self, symbol: str, time_frame: str) -> np.ndarray:
        rows = self._connection.execute(
            "SELECT timestamp, open, high, low, close, volume FROM ohlcv WHERE symbol = ? AND time_frame = ? "
            "ORDER BY timestamp",
            (symbol, time_frame),
        ).fetchall()
        return np.array(rows, dtype=np.float64).reshape(-1, 6)
