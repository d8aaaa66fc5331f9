"""Reads a data file: its description, its series, and candles as numpy arrays streamed forward."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from octobot_backtesting import _schema, _sqlite_rows
from octobot_backtesting._time_frames import is_calendar, time_frame_ms
from octobot_backtesting.description import DataFileDescription, SeriesInfo
from octobot_backtesting.errors import DataFileError, SeriesNotFoundError, TimeFrameError

logger = logging.getLogger(__name__)

#: Candles per chunk when streaming: about 2.4 MB of float64 per chunk.
DEFAULT_CHUNK_SIZE = 50_000
#: A compiled read of at least this many rows is split in two halves read at once.
PARALLEL_READ_ROWS = 100_000
#: Columns of a candle array.
TIMESTAMP, OPEN, HIGH, LOW, CLOSE, VOLUME = range(6)


@dataclass(frozen=True, slots=True)
class SeriesRange:
    """One (symbol, time frame) series of a data file: its first and last open time (ms UTC)."""

    symbol: str
    time_frame: str
    first_timestamp_ms: int
    last_timestamp_ms: int

    @property
    def upper_bound(self) -> int | None:
        """Candles the series holds at most when they sit on their time frame's grid (open times off
        the grid, a warning of validation, may hold more); None for calendar or unknown time frames."""
        step = _grid_step(self.time_frame)
        if step is None:
            return None
        return (self.last_timestamp_ms - self.first_timestamp_ms) // step + 1


_SQLITE_MAGIC = b"SQLite format 3\x00"
_APPLICATION_ID_OFFSET = 68


def _header(path: Path) -> bytes:
    """The first 100 bytes (SQLite's header); DataFileError when the file cannot be read."""
    try:
        with path.open("rb") as file:
            return file.read(100)
    except OSError as error:
        raise DataFileError(
            f"{path}: cannot read it ({error.strerror or error}); check its permissions (chmod u+r)"
        ) from None


def not_a_data_file_error(path: Path, detail: str = "") -> DataFileError:
    """Why ``path`` cannot be read as a data file, said from its first bytes: empty, not SQLite at all,
    one of ours but damaged (truncated), or another SQLite file (an OctoBot .data file, for instance)."""
    header = _header(path)
    why = f" ({detail})" if detail else ""
    if not header:
        return DataFileError(
            f"{path} is empty", fix_key="rewrite", fix="delete it, then write it again (import or collect)"
        )
    if not header.startswith(_SQLITE_MAGIC):
        return DataFileError(
            f"{path} is not a data file (not SQLite){why}",
            fix_key="import",
            fix="if it is a CSV or JSON candle file, convert it with octobot_backtesting.import_files",
        )
    application_id = int.from_bytes(header[_APPLICATION_ID_OFFSET : _APPLICATION_ID_OFFSET + 4], "big")
    if application_id == _schema.APPLICATION_ID:
        return DataFileError(
            f"{path} is a damaged data file (truncated or overwritten){why}",
            fix_key="rewrite",
            fix="delete it, then write it again (import or collect)",
        )
    return DataFileError(
        f"{path} is a SQLite file but not an octobot-backtesting data file",
        fix_key="import",
        fix="if it is an OctoBot .data file, convert it with octobot_backtesting.import_files",
    )


def open_sqlite_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection usable from a worker thread (``asyncio.to_thread``)."""
    if not path.is_file():
        raise DataFileError(f"{path}: no such data file")
    _header(path)  # an unreadable file is said as such, not as "not a data file"
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error as error:
        raise DataFileError(f"{path}: cannot open as SQLite ({error})") from None


def is_our_data_file(connection: sqlite3.Connection) -> bool:
    """True when the SQLite file carries this project's application id."""
    try:
        return connection.execute("PRAGMA application_id").fetchone()[0] == _schema.APPLICATION_ID
    except sqlite3.DatabaseError:  # not a SQLite file at all
        return False


class DataFileReader:
    """Read access to one data file; a context manager (or call ``close()``).

    Why chunks: a year of 1m candles of many pairs must replay without holding more than the arrays the
    caller asked for, so candles come out of SQLite ``chunk_size`` rows at a time.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if self.path.name.endswith(_schema.PART_SUFFIX):
            raise DataFileError(
                f"{self.path} is an incomplete data file (its writer did not finish); "
                "delete it and write again"
            )
        self._connection = open_sqlite_read_only(self.path)
        self._uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            self.description = self._read_description()
        except BaseException:
            self._connection.close()
            raise

    def __enter__(self) -> DataFileReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    def _read_description(self) -> DataFileDescription:
        if not is_our_data_file(self._connection):
            raise not_a_data_file_error(self.path)
        try:
            row = self._connection.execute(
                "SELECT format, format_version, exchange, symbols, time_frames, first_timestamp, "
                "last_timestamp, created_at, origin FROM description"
            ).fetchone()
        except sqlite3.DatabaseError as error:
            raise not_a_data_file_error(self.path, str(error)) from None
        if row is None:
            raise DataFileError(
                f"{self.path} has no description: it is incomplete; delete it and write again"
            )
        if row[0] != _schema.FORMAT_NAME or row[1] > _schema.FORMAT_VERSION:
            raise DataFileError(
                f"{self.path} is format {row[0]} version {row[1]}; this octobot-backtesting reads "
                f"{_schema.FORMAT_NAME} up to version {_schema.FORMAT_VERSION}: upgrade octobot-backtesting"
            )
        return DataFileDescription(
            format_version=row[1],
            exchange=row[2],
            symbols=tuple(json.loads(row[3])),
            time_frames=tuple(json.loads(row[4])),
            first_timestamp_ms=row[5],
            last_timestamp_ms=row[6],
            created_at_ms=row[7],
            origin=row[8],
        )

    def series(self) -> list[SeriesInfo]:
        """Every (symbol, time frame) series with its exact candle count and range.

        The count reads every row of the series; ``ranges()`` gives the same without it.
        """
        count = self.count
        return [
            SeriesInfo(
                item.symbol,
                item.time_frame,
                count(item.symbol, item.time_frame),
                item.first_timestamp_ms,
                item.last_timestamp_ms,
            )
            for item in self.ranges()
        ]

    def ranges(self) -> list[SeriesRange]:
        """Every (symbol, time frame) series with its first and last open time, without counting rows.

        Why: MIN and MAX of the timestamp are index seeks, where a COUNT reads the whole range (0.16 s on
        a year of 1m candles); a caller that only needs a size bound takes ``SeriesRange.upper_bound``.
        Why not one GROUP BY: it compares the text keys of every row; this steps from series to series on
        the primary key.
        """
        execute = self._connection.execute
        result: list[SeriesRange] = []
        key = execute("SELECT symbol, time_frame FROM ohlcv ORDER BY symbol, time_frame LIMIT 1").fetchone()
        while key is not None:
            where = "WHERE symbol = ? AND time_frame = ?"
            first = execute(f"SELECT MIN(timestamp) FROM ohlcv {where}", key).fetchone()[0]
            last = execute(f"SELECT MAX(timestamp) FROM ohlcv {where}", key).fetchone()[0]
            result.append(SeriesRange(key[0], key[1], first, last))
            following = execute(
                "SELECT time_frame FROM ohlcv WHERE symbol = ? AND time_frame > ? "
                "ORDER BY time_frame LIMIT 1",
                key,
            ).fetchone()
            if following is not None:
                key = (key[0], following[0])
            else:
                key = execute(
                    "SELECT symbol, time_frame FROM ohlcv WHERE symbol > ? "
                    "ORDER BY symbol, time_frame LIMIT 1",
                    (key[0],),
                ).fetchone()
        return result

    def market_symbols(self, table: str) -> list[str]:
        """The symbols with rows in a market table (``tickers``, ``order_books``, ``trades``)."""
        _check_market_table(self.path, table)
        rows = self._connection.execute(f"SELECT DISTINCT symbol FROM {table} ORDER BY symbol").fetchall()
        return [row[0] for row in rows]

    def read_market_data(
        self,
        table: str,
        symbols: Iterable[str] | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
    ) -> list[tuple]:
        """Rows of a market table with their timestamp in [start_ms, end_ms], in time order (symbols in
        order within an instant): ``(symbol, timestamp, ...)`` with the columns of ``MARKET_COLUMNS``.

        Why lists of tuples, not arrays: recorded books and trades are hours of data, not years, and a
        replay pushes them one message at a time."""
        _check_market_table(self.path, table)
        where: list[str] = ["1"]
        parameters: list[object] = []
        if symbols is not None:
            wanted = list(symbols)
            where.append(f"symbol IN ({', '.join('?' * len(wanted))})")
            parameters += wanted
        if start_ms is not None:
            where.append("timestamp >= ?")
            parameters.append(int(start_ms))
        if end_ms is not None:
            where.append("timestamp <= ?")
            parameters.append(int(end_ms))
        order = "timestamp, symbol" + (", rowid" if table == _schema.TRADES else "")
        sql = (
            f"SELECT symbol, {_schema.MARKET_COLUMNS[table]} FROM {table} WHERE {' AND '.join(where)} "
            f"ORDER BY {order}"
        )
        return self._connection.execute(sql, parameters).fetchall()

    def has_series(self, symbol: str, time_frame: str) -> bool:
        return (
            self._connection.execute(
                "SELECT 1 FROM ohlcv WHERE symbol = ? AND time_frame = ? LIMIT 1", (symbol, time_frame)
            ).fetchone()
            is not None
        )

    def count(
        self, symbol: str, time_frame: str, start_ms: int | None = None, end_ms: int | None = None
    ) -> int:
        """Number of candles of a series whose open time is in [start_ms, end_ms]."""
        where, parameters = _range_clause(symbol, time_frame, start_ms, end_ms)
        return self._connection.execute(f"SELECT COUNT(*) FROM ohlcv WHERE {where}", parameters).fetchone()[0]

    def iter_ohlcv(
        self,
        symbol: str,
        time_frame: str,
        start_ms: int | None = None,
        end_ms: int | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> Generator[np.ndarray, None, None]:
        """Yields (k, 6) float64 arrays of candles in time order, open time in [start_ms, end_ms]."""
        if chunk_size < 1:
            raise DataFileError(f"chunk_size must be at least 1, got {chunk_size}")
        self._require_series(symbol, time_frame)
        if _sqlite_rows.AVAILABLE:
            yield from self._iter_compiled(symbol, time_frame, start_ms, end_ms, chunk_size)
            return
        where, parameters = _range_clause(symbol, time_frame, start_ms, end_ms)
        cursor = self._connection.execute(
            f"SELECT {_schema.OHLCV_COLUMNS} FROM ohlcv WHERE {where} ORDER BY timestamp", parameters
        )
        try:
            while rows := cursor.fetchmany(chunk_size):
                # None (a NaN stored by SQLite as NULL) becomes NaN, for validation to report
                yield np.array(rows, dtype=np.float64)
        finally:
            cursor.close()

    def _iter_compiled(
        self, symbol: str, time_frame: str, start_ms: int | None, end_ms: int | None, chunk_size: int
    ) -> Iterator[np.ndarray]:
        # each chunk resumes after the last open time read: no cursor is held between chunks
        lower = start_ms
        while True:
            where, parameters = _range_clause(symbol, time_frame, lower, end_ms)
            sql = f"SELECT {_schema.OHLCV_COLUMNS} FROM ohlcv WHERE {where} "
            sql += f"ORDER BY timestamp LIMIT {chunk_size}"
            chunk = np.empty((chunk_size, 6), dtype=np.float64)
            filled = _sqlite_rows.fill_rows(self._uri, sql, parameters, chunk)
            if filled:
                yield chunk if filled == chunk_size else chunk[:filled].copy()
            if filled < chunk_size:
                return
            lower = int(chunk[-1, TIMESTAMP]) + 1

    def read_ohlcv(
        self, symbol: str, time_frame: str, start_ms: int | None = None, end_ms: int | None = None
    ) -> np.ndarray:
        """Every candle of a series in [start_ms, end_ms] as one (n, 6) float64 array."""
        if _sqlite_rows.AVAILABLE:
            return self._read_compiled(symbol, time_frame, start_ms, end_ms)
        total = self.count(symbol, time_frame, start_ms, end_ms)
        result = np.empty((total, 6), dtype=np.float64)
        filled = 0
        for chunk in self.iter_ohlcv(symbol, time_frame, start_ms, end_ms):
            result[filled : filled + len(chunk)] = chunk
            filled += len(chunk)
        return result[:filled]

    def _read_compiled(
        self, symbol: str, time_frame: str, start_ms: int | None, end_ms: int | None
    ) -> np.ndarray:
        """The compiled read: rows copied by C into an array sized from the grid. A long range goes as two
        halves at once, on two threads: SQLite decodes rows with the GIL released, so the halves take
        about half the time on two cores."""
        capacity = self._capacity(symbol, time_frame, start_ms, end_ms)
        if not capacity:
            self._require_series(symbol, time_frame)  # an empty window, or no such series
            return np.empty((0, 6), dtype=np.float64)
        ranges = [(start_ms, end_ms)]
        step = _grid_step(time_frame)
        if capacity >= PARALLEL_READ_ROWS and step is not None:
            where, parameters = _range_clause(symbol, time_frame, start_ms, end_ms)
            first = self._connection.execute(f"SELECT MIN(timestamp) FROM ohlcv WHERE {where}", parameters)
            middle = int(first.fetchone()[0]) + (capacity // 2) * step
            ranges = [(start_ms, middle - 1), (middle, end_ms)]
            capacities = [self._capacity(symbol, time_frame, low, high) for low, high in ranges]
        else:
            capacities = [capacity]
        jobs = []
        for (low, high), count in zip(ranges, capacities, strict=True):
            where, parameters = _range_clause(symbol, time_frame, low, high)
            sql = f"SELECT {_schema.OHLCV_COLUMNS} FROM ohlcv WHERE {where} ORDER BY timestamp"
            jobs.append((sql, parameters, np.empty((count, 6), dtype=np.float64)))
        if len(jobs) == 1:
            filled = [_sqlite_rows.fill_rows(self._uri, *jobs[0])]
        else:
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="octobot-read") as pool:
                filled = list(pool.map(lambda job: _sqlite_rows.fill_rows(self._uri, *job), jobs))
        parts = []
        for (_, high), (_, _, output), count in zip(ranges, jobs, filled, strict=True):
            parts.append(output[:count])
            if count and count == len(output):
                # full: open times off the grid may hold more rows than the grid; read what follows
                after = int(output[count - 1, TIMESTAMP]) + 1
                parts.append(self._read_compiled(symbol, time_frame, after, high))
        parts = [part for part in parts if len(part)]
        if not parts:
            return np.empty((0, 6), dtype=np.float64)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _capacity(self, symbol: str, time_frame: str, start_ms: int | None, end_ms: int | None) -> int:
        """Rows of a range when its candles sit on their time frame's grid (two index lookups, where a
        COUNT reads the whole range); the exact count for calendar or unknown time frames."""
        step = _grid_step(time_frame)
        if step is None:
            return self.count(symbol, time_frame, start_ms, end_ms)
        where, parameters = _range_clause(symbol, time_frame, start_ms, end_ms)
        first = self._connection.execute(f"SELECT MIN(timestamp) FROM ohlcv WHERE {where}", parameters)
        first = first.fetchone()[0]
        if first is None:
            return 0
        last = self._connection.execute(f"SELECT MAX(timestamp) FROM ohlcv WHERE {where}", parameters)
        return (int(last.fetchone()[0]) - int(first)) // step + 1

    def _require_series(self, symbol: str, time_frame: str) -> None:
        if not self.has_series(symbol, time_frame):
            available = ", ".join(f"{s.symbol} {s.time_frame}" for s in self.series()) or "none"
            raise SeriesNotFoundError(
                f"{self.path} has no candles for {symbol} {time_frame}; available series: {available}"
            )


def _check_market_table(path: Path, table: str) -> None:
    if table not in _schema.MARKET_TABLES:
        raise DataFileError(
            f"{path}: no market table {table!r}; expected one of {', '.join(_schema.MARKET_TABLES)}"
        )


def _grid_step(time_frame: str) -> int | None:
    """The fixed length of the time frame's candles in ms; None for calendar or unknown time frames."""
    try:
        return None if is_calendar(time_frame) else time_frame_ms(time_frame)
    except TimeFrameError:
        return None


def _range_clause(
    symbol: str, time_frame: str, start_ms: int | None, end_ms: int | None
) -> tuple[str, tuple[object, ...]]:
    where = "symbol = ? AND time_frame = ?"
    parameters: tuple[object, ...] = (symbol, time_frame)
    if start_ms is not None:
        where += " AND timestamp >= ?"
        parameters += (int(start_ms),)
    if end_ms is not None:
        where += " AND timestamp <= ?"
        parameters += (int(end_ms),)
    return where, parameters
