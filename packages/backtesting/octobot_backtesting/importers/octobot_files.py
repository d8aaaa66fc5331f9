"""Reader of OctoBot's own SQLite data files (``.data``), so OctoBot users keep their recorded history.

Their layout: table ``description(timestamp, version, exchange, symbols JSON, time_frames JSON[,
start_timestamp,
end_timestamp])`` and table ``ohlcv(timestamp, exchange_name[, cryptocurrency], symbol, time_frame, candle)``,
where ``candle`` is a JSON text ``[open_time_s, open, high, low, close, volume]`` (seconds, not ms).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from octobot_backtesting.datafile_reader import open_sqlite_read_only
from octobot_backtesting.errors import ImporterError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OctoBotFileDescription:
    version: str
    exchange: str
    symbols: tuple[str, ...]
    time_frames: tuple[str, ...]


def is_octobot_file(connection: sqlite3.Connection) -> bool:
    """True when the SQLite file has OctoBot's description and ohlcv tables with a JSON candle column."""
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"description", "ohlcv"} <= tables:
            return False
        columns = {row[1] for row in connection.execute("PRAGMA table_info(ohlcv)")}
    except sqlite3.DatabaseError:
        return False
    return {"candle", "symbol", "time_frame"} <= columns


class OctoBotFileReader:
    """Reads the candles of an OctoBot data file series by series, in the file's row order."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._connection = open_sqlite_read_only(self.path)
        if not is_octobot_file(self._connection):
            self._connection.close()
            raise ImporterError(f"{self.path.name} is not an OctoBot data file (no description/ohlcv tables)")
        self.description = self._read_description()

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> OctoBotFileReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _read_description(self) -> OctoBotFileDescription:
        row = self._connection.execute(
            "SELECT version, exchange, symbols, time_frames FROM description ORDER BY timestamp DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise ImporterError(f"{self.path.name}: its description table is empty; the file is incomplete")
        try:
            return OctoBotFileDescription(
                str(row[0]), row[1], tuple(json.loads(row[2])), tuple(json.loads(row[3]))
            )
        except (TypeError, json.JSONDecodeError) as error:
            raise ImporterError(f"{self.path.name}: unreadable description ({error})") from None

    def series(self) -> list[tuple[str, str]]:
        """(symbol, time frame) pairs that have candles."""
        return [
            tuple(row) for row in self._connection.execute("SELECT DISTINCT symbol, time_frame FROM ohlcv")
        ]

    def read(self, symbol: str, time_frame: str) -> np.ndarray:
        """(n, 6) candles in row order, open times converted from seconds to ms."""
        rows = self._connection.execute(
            "SELECT candle FROM ohlcv WHERE symbol = ? AND time_frame = ? ORDER BY rowid",
            (symbol, time_frame),
        )
        candles = np.array([_candle(self.path, text) for (text,) in rows], dtype=np.float64).reshape(-1, 6)
        candles[:, 0] = np.round(candles[:, 0] * 1000)
        return candles

    def __iter__(self) -> Iterator[tuple[str, str, np.ndarray]]:
        for symbol, time_frame in self.series():
            yield symbol, time_frame, self.read(symbol, time_frame)


def _candle(path: Path, text: str) -> list[float]:
    try:
        values = json.loads(text)
    except (TypeError, json.JSONDecodeError):
        raise ImporterError(f"{path.name}: a candle is not JSON: {text!r}") from None
    if not isinstance(values, list) or len(values) < 6:
        raise ImporterError(f"{path.name}: a candle is not [time, open, high, low, close, volume]: {text!r}")
    return [float("nan") if value is None else value for value in values[:6]]
