"""Time helpers: int milliseconds UTC everywhere, and the clock the bot reads.

Why a ``Clock`` protocol: nothing in the bot calls the system time directly; it asks a clock object. Live
and paper trading use ``WallClock``; backtesting plugs a simulated clock that it advances itself, so a
replay is deterministic.
"""

from __future__ import annotations

import calendar
import math
import time
from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

from octobot_trading.errors import InvalidTimestampError
from octobot_trading.time_frames import TimeFrame, parse_time_frame

#: Monday 1970-01-05 00:00 UTC: exchanges (Binance, ccxt's candle grid) open weekly candles on Mondays
_FIRST_MONDAY_MS = 4 * 86_400_000
#: lengths of the time frames on the fixed epoch grid (all but weeks and months), keyed by TimeFrame and by
#: its text (a str enum hashes as its value): the hot paths skip parsing for them
_GRID_MS: dict = {tf: tf.ms for tf in TimeFrame if tf not in (TimeFrame.ONE_WEEK, TimeFrame.ONE_MONTH)}


@runtime_checkable
class Clock(Protocol):
    """Anything with ``now_ms()``: the current time in int milliseconds UTC."""

    def now_ms(self) -> int: ...


class WallClock:
    """The system clock."""

    __slots__ = ()

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000

    def __repr__(self) -> str:
        return "WallClock()"


def seconds_to_ms(seconds: float | int) -> int:
    """Seconds since the epoch (int or float, as OctoBot files and many APIs give them) to int ms."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
        raise InvalidTimestampError(f"timestamp in seconds must be a finite number, got {seconds!r}")
    return round(seconds * 1000)


def ms_to_seconds(ms: int) -> float:
    return check_ms(ms) / 1000


def check_ms(ms: object) -> int:
    """``ms`` as an int, refusing floats with a fraction, bools and anything that is not a number."""
    if isinstance(ms, bool):
        raise InvalidTimestampError(f"timestamp must be int milliseconds UTC, got a bool {ms!r}")
    if isinstance(ms, int):
        return ms
    if isinstance(ms, float) and ms.is_integer():
        return int(ms)
    if hasattr(ms, "__index__"):  # numpy integers
        return int(ms)
    raise InvalidTimestampError(
        f"timestamp must be int milliseconds UTC, got {ms!r} ({type(ms).__name__}); "
        "use seconds_to_ms() or iso_to_ms() to convert"
    )


def iso_to_ms(text: str) -> int:
    """An ISO 8601 date/time (``2018-01-10T04:55:00Z``, ``2018-01-10 04:55``, ``2018-01-10``) to int ms.

    A time without an offset is read as UTC (the project's only time zone).
    """
    if not isinstance(text, str):
        raise InvalidTimestampError(f"ISO date must be a string, got {text!r}")
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        raise InvalidTimestampError(
            f"cannot read {text!r} as an ISO 8601 date; write it like '2024-01-31T12:00:00Z' or '2024-01-31'"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    delta = parsed - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def ms_to_iso(ms: int) -> str:
    """int ms to ISO 8601 UTC with milliseconds, as ccxt's ``iso8601`` (``2018-01-10T04:55:00.000Z``)."""
    value = check_ms(ms)
    moment = datetime.fromtimestamp(value // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{value % 1000:03d}Z"


def ms_to_datetime(ms: int) -> datetime:
    """An aware UTC datetime (for display and calendar arithmetic only)."""
    value = check_ms(ms)
    return datetime.fromtimestamp(value // 1000, tz=timezone.utc).replace(microsecond=(value % 1000) * 1000)


def grid_length_ms(time_frame: object) -> int | None:
    """The length of a time frame on the fixed epoch grid (minutes to days), None for weeks, months and
    anything else: the close time of a candle of a grid time frame is plain integer arithmetic."""
    try:
        return _GRID_MS.get(time_frame)
    except TypeError:  # unhashable: parse_time_frame names the problem
        return None


def candle_open_time(timestamp_ms: int, time_frame: str | TimeFrame) -> int:
    """Open time of the candle of ``time_frame`` that contains ``timestamp_ms``.

    Candles follow the exchanges' grid: fixed lengths from the epoch for minutes to days, weeks open on
    Monday 00:00 UTC and months on the first of the calendar month (so a 1M candle lasts 28 to 31 days,
    even though ``TimeFrame.ONE_MONTH.ms`` is ccxt's nominal 30 days). 3d candles use the fixed epoch
    grid; some exchanges (Binance) anchor them on the market's listing day instead, so for 3d trust the
    exchange's own open times.
    """
    length = grid_length_ms(time_frame)
    if length is not None and type(timestamp_ms) is int:  # hot path: a plain int on the epoch grid
        return timestamp_ms - timestamp_ms % length
    ts = check_ms(timestamp_ms)
    tf = parse_time_frame(time_frame)
    if tf is TimeFrame.ONE_MONTH:
        moment = ms_to_datetime(ts)
        return calendar.timegm((moment.year, moment.month, 1, 0, 0, 0)) * 1000
    if tf is TimeFrame.ONE_WEEK:
        return ts - (ts - _FIRST_MONDAY_MS) % tf.ms
    return ts - ts % tf.ms


def candle_close_time(open_time_ms: int, time_frame: str | TimeFrame) -> int:
    """The instant the candle opened at ``open_time_ms`` closes (= the next candle's open time).

    A candle becomes visible to strategies at this time, never before (no look-ahead).
    """
    if type(open_time_ms) is int:  # hot path (evaluators, every candle): a plain int on the epoch grid
        try:
            length = _GRID_MS.get(time_frame)
        except TypeError:  # unhashable: parse_time_frame names the problem below
            length = None
        if length is not None:
            return open_time_ms - open_time_ms % length + length
    ts = check_ms(open_time_ms)
    tf = parse_time_frame(time_frame)
    if tf is TimeFrame.ONE_MONTH:
        moment = ms_to_datetime(candle_open_time(ts, tf))
        year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
        return calendar.timegm((year, month, 1, 0, 0, 0)) * 1000
    return candle_open_time(ts, tf) + tf.ms


def is_candle_closed(open_time_ms: int, time_frame: str | TimeFrame, now_ms: int) -> bool:
    """True once ``now_ms`` reached the candle's close time."""
    return check_ms(now_ms) >= candle_close_time(open_time_ms, time_frame)
