"""Writes a data file atomically: into ``<name>.<pid>-<token>.part``, renamed to ``<name>`` only once
complete."""

from __future__ import annotations

import glob
import json
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

import numpy as np

from octobot_backtesting import _schema
from octobot_backtesting._time_frames import time_frame_ms
from octobot_backtesting.errors import DataFileError, DataFileExistsError

logger = logging.getLogger(__name__)

_INSERT_OHLCV = (
    "INSERT INTO ohlcv (symbol, time_frame, timestamp, open, high, low, close, volume) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def part_path(path: Path) -> Path:
    """Where ``path`` is written until it is complete: a name of this writer only (process id and a
    random token), in the same folder, so two runs writing the same file never share a ``.part``."""
    return path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}{_schema.PART_SUFFIX}")


def stale_parts(path: Path) -> list[Path]:
    """The ``.part`` files of ``path`` left by writers that are gone (a crash): their process no longer
    runs. Those of a live writer are kept (another run may be writing the same file right now)."""
    found = []
    for part in path.parent.glob(f"{glob.escape(path.name)}.*{_schema.PART_SUFFIX}"):
        owner = part.name[len(path.name) + 1 : -len(_schema.PART_SUFFIX)].split("-", 1)[0]
        if not owner.isdigit() or not _running(int(owner)):
            found.append(part)
    legacy = path.with_name(path.name + _schema.PART_SUFFIX)  # the shared name of earlier versions
    if legacy.exists():
        found.append(legacy)
    return found


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    except OSError:
        return False
    return True


class DataFileWriter:
    """Context manager writing candles of many (symbol, time frame) series into one data file.

    Why ``.part`` then rename: the description table is written last and the rename is atomic, so a crash
    or an exception leaves either no file or a ``.part`` file that readers and listings refuse; never a
    half file that looks whole. Durability settings are relaxed while writing for speed, since a crashed
    ``.part`` file is worthless anyway. Each writer has its own ``.part`` name: two runs sharing a
    home folder never write into, rename or delete each other's. When both create the same new file,
    the first to finish publishes it; the other gets a ``DataFileExistsError`` (with ``overwrite``, the
    last one replaces it atomically: a reader of the first keeps a whole file).
    """

    def __init__(
        self, path: str | os.PathLike, *, exchange: str, origin: str, overwrite: bool = False
    ) -> None:
        self.path = Path(path)
        if self.path.name.endswith(_schema.PART_SUFFIX):
            raise DataFileError(f"{self.path}: a data file name must not end with {_schema.PART_SUFFIX!r}")
        if not exchange:
            raise DataFileError("exchange must be a non-empty name (for instance 'binance')")
        if self.path.exists() and not overwrite:
            raise DataFileExistsError(
                f"{self.path} already exists", fix_key="overwrite", fix="delete it or pass overwrite=True"
            )
        self.exchange = exchange
        self.origin = origin
        self.overwrite = overwrite
        self._part = part_path(self.path)
        self._connection: sqlite3.Connection | None = None
        self._series: set[tuple[str, str]] = set()
        #: symbols with rows in a market table (tickers, order books, trades)
        self._market_symbols: set[str] = set()

    def __enter__(self) -> DataFileWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in stale_parts(self.path):  # of an earlier crash
            leftover.unlink(missing_ok=True)
        connection = sqlite3.connect(self._part, isolation_level=None)
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        for statement in _schema.CREATE_STATEMENTS:
            connection.execute(statement)
        connection.execute("BEGIN")
        self._connection = connection
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self._finish()
        else:
            self._abort()

    def write_ohlcv(self, symbol: str, time_frame: str, candles: np.ndarray) -> int:
        """Appends candles (rows of timestamp ms, open, high, low, close, volume) to a series.

        Rows must be in strictly increasing time order, across calls too; returns how many were written.
        """
        connection = self._require_open()
        time_frame_ms(time_frame)  # a clear error on an unknown time frame, before anything is written
        if not symbol:
            raise DataFileError("symbol must be a non-empty ccxt symbol (for instance 'BTC/USDT')")
        array = np.asarray(candles, dtype=np.float64)
        if array.size == 0:
            return 0
        if array.ndim != 2 or array.shape[1] != 6:
            raise DataFileError(
                f"{symbol} {time_frame}: candles must be an (n, 6) array of timestamp, open, high, low, "
                f"close, volume; got shape {array.shape}"
            )
        timestamps = array[:, 0].astype(np.int64)
        steps = np.diff(timestamps)
        if steps.size and (bad := np.flatnonzero(steps <= 0)).size:
            index = int(bad[0]) + 1
            raise DataFileError(
                f"{symbol} {time_frame}: candle at {int(timestamps[index])} ms is a duplicate or out of "
                "order (rows must be strictly increasing in time); validate and clean the source first"
            )
        rows = zip(
            (symbol,) * len(array),
            (time_frame,) * len(array),
            timestamps.tolist(),
            *(array[:, column].tolist() for column in range(1, 6)),
            strict=True,
        )
        try:
            connection.executemany(_INSERT_OHLCV, rows)
        except sqlite3.IntegrityError:
            raise DataFileError(
                f"{symbol} {time_frame}: candles between {int(timestamps[0])} and {int(timestamps[-1])} ms "
                "overlap candles already written to this series; write each series in time order"
            ) from None
        self._series.add((symbol, time_frame))
        return len(array)

    def write_market_data(self, table: str, rows: Iterable[Sequence]) -> int:
        """Appends rows to a market table: ``tickers`` (symbol, timestamp ms, bid, ask, last, base_volume,
        quote_volume), ``order_books`` (symbol, timestamp ms, bids JSON, asks JSON: ``[[price, amount],
        ...]`` best first) or ``trades`` (symbol, timestamp ms, trade_id, side, price, amount); returns how
        many were written. A ticker or book twice at one instant of a symbol is refused."""
        connection = self._require_open()
        if table not in _schema.MARKET_TABLES:
            raise DataFileError(
                f"no market table {table!r}; expected one of {', '.join(_schema.MARKET_TABLES)}"
            )
        listed = [tuple(row) for row in rows]
        if not listed:
            return 0
        width = len(_schema.MARKET_COLUMNS[table].split(",")) + 1
        if any(len(row) != width for row in listed):
            raise DataFileError(
                f"{table}: rows must be (symbol, {_schema.MARKET_COLUMNS[table]}), {width} values each"
            )
        placeholders = ", ".join("?" * width)
        try:
            connection.executemany(
                f"INSERT INTO {table} (symbol, {_schema.MARKET_COLUMNS[table]}) VALUES ({placeholders})",
                listed,
            )
        except sqlite3.IntegrityError:
            raise DataFileError(
                f"{table}: two rows of one symbol at the same timestamp (between {listed[0][1]} and "
                f"{listed[-1][1]} ms); keep one per instant"
            ) from None
        self._market_symbols.update(str(row[0]) for row in listed)
        return len(listed)

    def _require_open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise DataFileError(f"{self.path}: the writer is not open; use it as a context manager")
        return self._connection

    def _finish(self) -> None:
        connection = self._require_open()
        try:
            first, last = connection.execute("SELECT MIN(timestamp), MAX(timestamp) FROM ohlcv").fetchone()
            if first is None and self._market_symbols:  # live market data only: its first and last rows
                bounds = [
                    connection.execute(f"SELECT MIN(timestamp), MAX(timestamp) FROM {table}").fetchone()
                    for table in _schema.MARKET_TABLES
                ]
                first = min((low for low, _ in bounds if low is not None), default=None)
                last = max((high for _, high in bounds if high is not None), default=None)
            symbols = sorted({symbol for symbol, _ in self._series} | self._market_symbols)
            time_frames = sorted({tf for _, tf in self._series}, key=time_frame_ms)
            connection.execute(
                "INSERT INTO description VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _schema.FORMAT_NAME,
                    _schema.FORMAT_VERSION,
                    self.exchange,
                    json.dumps(symbols),
                    json.dumps(time_frames),
                    first,
                    last,
                    int(time.time() * 1000),
                    self.origin,
                ),
            )
            connection.execute("COMMIT")
            connection.close()
            self._connection = None
            _fsync(self._part)  # on disk before it becomes visible under its real name
        except BaseException:
            self._abort()
            raise
        self._publish()
        _fsync_directory(self.path.parent)  # the rename itself survives a power cut
        logger.info("wrote %s: %d series from %s", self.path, len(self._series), self.origin)

    def _publish(self) -> None:
        """Give the complete ``.part`` its real name, atomically; without ``overwrite`` it never
        replaces a file another run published meanwhile (a hard link fails when the name exists)."""
        if self.overwrite:
            os.replace(self._part, self.path)
            return
        try:
            os.link(self._part, self.path)
        except FileExistsError:
            self._part.unlink(missing_ok=True)
            raise DataFileExistsError(
                f"{self.path} was created by another run while this one wrote it; this copy was dropped: "
                "use that file, or write again with overwrite to replace it"
            ) from None
        except OSError:  # no hard links on this file system: the rename, checked just before
            if self.path.exists():
                self._part.unlink(missing_ok=True)
                raise DataFileExistsError(
                    f"{self.path} was created by another run while this one wrote it; this copy was "
                    "dropped: use that file, or write again with overwrite to replace it"
                ) from None
            os.replace(self._part, self.path)
            return
        self._part.unlink()

    def _abort(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._part.unlink(missing_ok=True)
        logger.warning("writing %s failed: the partial file was removed", self.path)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as file:
        os.fsync(file.fileno())


def _fsync_directory(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; its renames are journaled by NTFS
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
