# cython: annotation_typing=False
"""Candles in memory: one numpy ring buffer per (symbol, time frame).

Why a mirrored ring: every candle is written twice, at slot ``i`` and ``i + size``, so the last ``n``
candles are always one contiguous slice of the backing arrays. Indicators get zero-copy float64 views
(numpy and ta-lib want contiguous arrays) and an append stays O(1), with no shifting.

Views are windows on the live buffer: they stay valid until the next ``append``/``update``/``load``.
Copy one (``view.copy()``) to keep it across candles.
"""

from __future__ import annotations

import logging
import math
from typing import NamedTuple

import numpy as np

try:
    import cython
except ImportError:  # pure build without Cython installed (see octobot_channel.cython_shim)
    from octobot_channel import cython_shim as cython

from octobot_trading.errors import CandleOrderError, InvalidCandleError
from octobot_trading.time_frames import TimeFrame, parse_time_frame
from octobot_trading.timestamps import ms_to_iso

logger = logging.getLogger(__name__)

DEFAULT_MAX_SIZE = 1000

# rows of the values array
_OPEN, _HIGH, _LOW, _CLOSE, _VOLUME = 0, 1, 2, 3, 4


class Candle(NamedTuple):
    """One candle, stamped by its open time (int ms UTC); prices and volume are floats (indicator data)."""

    timestamp: int
    open: float
    high: float
    low: float
    close: float
    volume: float


class CandleBuffer:
    """The last ``max_size`` closed candles of one (symbol, time frame), plus the candle in construction.

    ``append`` stores a closed candle; ``update`` replaces the candle still forming (the exchange's
    latest partial candle); ``load`` bulk-loads closed candles for warm-up. Views of closed candles
    exclude the forming one unless ``include_current=True``.
    """

    def __init__(self, symbol: str, time_frame: str | TimeFrame, max_size: int = DEFAULT_MAX_SIZE) -> None:
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise ValueError(f"max_size must be a positive int (number of candles kept), got {max_size!r}")
        self.symbol = str(symbol)
        self.time_frame = parse_time_frame(time_frame)
        self.max_size = max_size
        # one spare slot for the candle in construction; everything mirrored at +size
        self._size = max_size + 1
        self._times_array = np.zeros(2 * self._size, dtype=np.int64)
        self._values_array = np.zeros((5, 2 * self._size), dtype=np.float64)
        self._times = self._times_array
        self._values = self._values_array
        #: closed candles ever appended (loads included, never decreasing, not reset by `clear`; also the
        #: write position, modulo size): a reader that saw ``appended == k`` and now sees ``k + 1`` with
        #: more than one candle held knows exactly one candle closed since, right after the last one it read
        self.appended = 0
        self._stored = 0  # closed candles held, <= max_size
        self._has_current = False
        self._last_timestamp = -1  # of the last closed candle; -1 when empty
        # the three reads every evaluator makes per candle are attributes, not properties: no call per
        # read in the pure build, C fields for a compiled reader that cimports CandleBuffer
        #: open time of the last closed candle, None when empty
        self.last_timestamp: int | None = None
        #: close of the last closed candle (NaN when empty): no array slice for the common read
        self.last_close: float = math.nan
        self._current_timestamp = -1

    # --- writing ---------------------------------------------------------------------------------

    def append(
        self, timestamp: int, open: float, high: float, low: float, close: float, volume: float
    ) -> None:
        """Store a closed candle; it must be newer than the last closed one. It supersedes the forming
        candle when it has the forming candle's timestamp or a newer one."""
        ts = self._check(timestamp, open, high, low, close, volume, "append")
        if ts <= self._last_timestamp:
            raise CandleOrderError(self._order_message(ts, "append", self._last_timestamp))
        self._write(self.appended % self._size, ts, open, high, low, close, volume)
        self.appended += 1
        if self._stored < self.max_size:
            self._stored += 1
        self._last_timestamp = ts
        self.last_timestamp = ts
        self.last_close = close if type(close) is float else float(close)
        self._has_current = False
        self._current_timestamp = -1

    def append_candle(self, candle: Candle) -> None:
        self.append(candle[0], candle[1], candle[2], candle[3], candle[4], candle[5])

    def update(
        self, timestamp: int, open: float, high: float, low: float, close: float, volume: float
    ) -> None:
        """Replace the candle in construction; it must be newer than the last closed candle."""
        ts = self._check(timestamp, open, high, low, close, volume, "update")
        if ts <= self._last_timestamp:
            raise CandleOrderError(self._order_message(ts, "update", self._last_timestamp))
        if self._has_current and ts < self._current_timestamp:
            raise CandleOrderError(
                self._order_message(ts, "update", self._current_timestamp, what="the candle in construction")
            )
        self._write(self.appended % self._size, ts, open, high, low, close, volume)
        self._has_current = True
        self._current_timestamp = ts

    def load(self, candles: np.ndarray) -> None:
        """Bulk-append closed candles: an (n, 6) array of [timestamp, open, high, low, close, volume]
        rows, oldest first, every timestamp newer than the last one stored. Only the last ``max_size``
        are kept. Drops the candle in construction."""
        array = np.asarray(candles)
        if (
            cython.compiled
            and array.dtype == np.float64
            and array.ndim == 2
            and array.shape[1] == 6
            and array.flags.c_contiguous
            and self._load_rows(array)
        ):
            return  # checked and written row by row in C (a backtest's candle runs load often)
        if array.ndim != 2 or array.shape[1] != 6:
            raise InvalidCandleError(
                f"{self._where()}: load() needs an (n, 6) array of "
                "[timestamp, open, high, low, close, volume], "
                f"got shape {array.shape}"
            )
        n = array.shape[0]
        if n == 0:
            return
        times = array[:, 0]
        if times.dtype.kind == "f":
            # whole numbers within int64 (False for NaN and infinity)
            whole = (times == np.floor(times)) & (np.abs(times) < 9.2e18)
            if not whole.all():
                bad = int(np.flatnonzero(~whole)[0])
                raise InvalidCandleError(
                    f"{self._where()}: row {bad} has timestamp {times[bad]!r}; timestamps must be int ms UTC"
                )
        times = times.astype(np.int64)
        values = np.ascontiguousarray(array[:, 1:6], dtype=np.float64)
        if not np.isfinite(values).all():
            bad = int(np.flatnonzero(~np.isfinite(values).all(axis=1))[0])
            raise InvalidCandleError(
                f"{self._where()}: candle at {self._stamp(int(times[bad]))} (row {bad}) "
                "has a NaN or infinite "
                f"value {values[bad].tolist()}; clean or drop it before loading"
            )
        newer = times[1:] > times[:-1]
        if not newer.all():
            bad = int(np.flatnonzero(~newer)[0]) + 1
            raise CandleOrderError(
                f"{self._where()}: candle at {self._stamp(int(times[bad]))} (row {bad}) is not newer "
                f"than the previous row ({self._stamp(int(times[bad - 1]))}); "
                "sort the candles by time and drop duplicates"
            )
        if times[0] <= self._last_timestamp:
            raise CandleOrderError(self._order_message(int(times[0]), "load", self._last_timestamp))
        keep = min(n, self.max_size)
        times = times[n - keep :]
        values = values[n - keep :]
        size = self._size
        first = (self.appended + (n - keep)) % size
        head = min(keep, size - first)  # the rows before the ring wraps, then the rest from slot 0
        for begin, rows in ((first, slice(0, head)), (0, slice(head, keep))):
            count = rows.stop - rows.start
            if count <= 0:
                continue
            for mirror in (begin, begin + size):  # each slot is mirrored one size further
                self._times_array[mirror : mirror + count] = times[rows]
                self._values_array[:, mirror : mirror + count] = values[rows].T
        self.appended += n
        self._stored = min(self._stored + n, self.max_size)
        self._last_timestamp = self.last_timestamp = int(times[-1])
        self.last_close = float(values[-1, _CLOSE])
        self._has_current = False
        self._current_timestamp = -1

    def clear(self) -> None:
        # appended goes on: it stays monotonic, so a reader can tell new candles from a refill
        self._stored = 0
        self._has_current = False
        self._last_timestamp = -1
        self.last_timestamp = None
        self.last_close = math.nan
        self._current_timestamp = -1

    # --- reading ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of closed candles held (at most ``max_size``)."""
        return self._stored

    @property
    def last_candle(self) -> Candle | None:
        """The last closed candle, None when empty."""
        if not self._stored:
            return None
        return self._candle_at((self.appended - 1) % self._size)

    @property
    def current_candle(self) -> Candle | None:
        """The candle in construction, None when there is none."""
        if not self._has_current:
            return None
        return self._candle_at(self.appended % self._size)

    def timestamps(self, n: int | None = None, include_current: bool = False) -> np.ndarray:
        """The last ``n`` open times (all when None), oldest first, as a contiguous int64 view."""
        start, stop = self._window(n, include_current)
        return self._times_array[start:stop]

    def opens(self, n: int | None = None, include_current: bool = False) -> np.ndarray:
        start, stop = self._window(n, include_current)
        return self._values_array[_OPEN, start:stop]

    def highs(self, n: int | None = None, include_current: bool = False) -> np.ndarray:
        start, stop = self._window(n, include_current)
        return self._values_array[_HIGH, start:stop]

    def lows(self, n: int | None = None, include_current: bool = False) -> np.ndarray:
        start, stop = self._window(n, include_current)
        return self._values_array[_LOW, start:stop]

    def closes(self, n: int | None = None, include_current: bool = False) -> np.ndarray:
        start, stop = self._window(n, include_current)
        return self._values_array[_CLOSE, start:stop]

    def volumes(self, n: int | None = None, include_current: bool = False) -> np.ndarray:
        start, stop = self._window(n, include_current)
        return self._values_array[_VOLUME, start:stop]

    def to_array(self, n: int | None = None, include_current: bool = False) -> np.ndarray:
        """A new (n, 6) float64 array [timestamp, open, high, low, close, volume] (a copy: for export)."""
        start, stop = self._window(n, include_current)
        result = np.empty((stop - start, 6), dtype=np.float64)
        result[:, 0] = self._times_array[start:stop]
        result[:, 1:] = self._values_array[:, start:stop].T
        return result

    def __repr__(self) -> str:
        return (
            f"CandleBuffer({self.symbol!r}, {self.time_frame.value!r}, max_size={self.max_size}, "
            f"len={self._stored}, last={self.last_timestamp})"
        )

    # --- internals -------------------------------------------------------------------------------

    def _window(self, n: object, include_current: bool) -> tuple[int, int]:
        """[start, stop) in the mirrored arrays of the last n candles."""
        available = self._stored + (1 if include_current and self._has_current else 0)
        if n is None:
            count = available
        else:
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise ValueError(f"n must be a non-negative int (number of candles), got {n!r}")
            count = n if n < available else available
        stop = self.appended % self._size + (1 if include_current and self._has_current else 0)
        if stop < count:
            stop += self._size
        return stop - count, stop

    def _write(
        self, slot: int, ts: int, open: float, high: float, low: float, close: float, volume: float
    ) -> None:
        mirror = slot + self._size
        times = self._times
        values = self._values
        times[slot] = ts
        times[mirror] = ts
        values[0, slot] = open
        values[0, mirror] = open
        values[1, slot] = high
        values[1, mirror] = high
        values[2, slot] = low
        values[2, mirror] = low
        values[3, slot] = close
        values[3, mirror] = close
        values[4, slot] = volume
        values[4, mirror] = volume

    def _load_rows(self, rows: np.ndarray) -> bool:
        """The compiled build's load: False, with nothing written, when any row would be refused (the
        numpy path then names it); else the rows are stored as ``load`` stores them."""
        count = rows.shape[0]
        if count == 0:
            return True  # nothing to store (the candle in construction stays, as in the numpy path)
        last = self._last_timestamp
        for index in range(count):
            stamp = rows[index, 0]
            if not -9.2e18 < stamp < 9.2e18:  # NaN, infinite or beyond int64
                return False
            ts = cython.cast(cython.longlong, stamp)
            if ts != stamp or ts <= last:
                return False
            last = ts
            for column in range(1, 6):
                value = rows[index, column]
                if value - value != 0.0:  # NaN or infinite
                    return False
        keep = min(count, self.max_size)
        for index in range(count - keep, count):
            self._write(
                (self.appended + index) % self._size,
                cython.cast(cython.longlong, rows[index, 0]),
                rows[index, 1],
                rows[index, 2],
                rows[index, 3],
                rows[index, 4],
                rows[index, 5],
            )
        self.appended += count
        self._stored = min(self._stored + count, self.max_size)
        self._last_timestamp = last
        self.last_timestamp = last
        self.last_close = rows[count - 1, 4]
        self._has_current = False
        self._current_timestamp = -1
        return True

    def _candle_at(self, slot: int) -> Candle:
        values = self._values
        return Candle(
            int(self._times[slot]),
            float(values[0, slot]),
            float(values[1, slot]),
            float(values[2, slot]),
            float(values[3, slot]),
            float(values[4, slot]),
        )

    def _check(
        self,
        timestamp: object,
        open: float,
        high: float,
        low: float,
        close: float,
        volume: float,
        action: str,
    ) -> int:
        if type(timestamp) is not int and (
            isinstance(timestamp, bool) or not hasattr(timestamp, "__index__")
        ):
            if isinstance(timestamp, float) and timestamp.is_integer():
                timestamp = int(timestamp)
            else:
                raise InvalidCandleError(
                    f"{self._where()}: cannot {action} a candle with timestamp {timestamp!r}; "
                    "timestamps are int ms UTC"
                )
        ts = int(timestamp)
        # one sum checks all five: a non-number raises TypeError, a NaN or infinity makes it NaN/inf
        try:
            total = open + high + low + close + volume
            finite = total - total == 0.0
        except TypeError:
            finite = False
        if not finite:
            raise InvalidCandleError(
                f"{self._where()}: refused to {action} the candle at {self._stamp(ts)}: NaN, infinite or "
                f"non-numeric value in {[open, high, low, close, volume]}; fix or skip this candle"
            )
        return ts

    def _where(self) -> str:
        return f"{self.symbol} {self.time_frame.value}"

    @staticmethod
    def _stamp(ts: int) -> str:
        try:
            return f"{ts} ({ms_to_iso(ts)})"
        except (OverflowError, ValueError, OSError):
            return str(ts)

    def _order_message(self, ts: int, action: str, last: int, what: str = "the last closed candle") -> str:
        return (
            f"{self._where()}: refused to {action} the candle at {self._stamp(ts)}: out of order, "
            "it is not newer "
            f"than {what} ({self._stamp(last)}); candles must arrive oldest first, once each"
        )
