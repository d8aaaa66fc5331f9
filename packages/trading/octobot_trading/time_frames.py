"""Candle time frames.

Durations are ccxt's (``Exchange.parse_timeframe``, which exchange connectors use: 1M is 30 days), so our
lengths agree with the data they fetch; they are written here rather than asked of ccxt because importing
ccxt costs seconds a backtest does not need (a test checks each against ccxt's).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import Enum

from octobot_trading.errors import UnknownTimeFrameError


class TimeFrame(str, Enum):
    """A supported time frame; its value is the ccxt string (``"1h"``)."""

    ONE_MINUTE = "1m"
    THREE_MINUTES = "3m"
    FIVE_MINUTES = "5m"
    FIFTEEN_MINUTES = "15m"
    THIRTY_MINUTES = "30m"
    ONE_HOUR = "1h"
    TWO_HOURS = "2h"
    FOUR_HOURS = "4h"
    SIX_HOURS = "6h"
    EIGHT_HOURS = "8h"
    TWELVE_HOURS = "12h"
    ONE_DAY = "1d"
    THREE_DAYS = "3d"
    ONE_WEEK = "1w"
    ONE_MONTH = "1M"

    def __str__(self) -> str:
        return self.value

    # ordering by duration (str ordering would put "1h" before "1m"); other types compare as strings
    def __lt__(self, other: object) -> bool:
        if isinstance(other, TimeFrame):
            return _MS[self] < _MS[other]
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, TimeFrame):
            return _MS[self] <= _MS[other]
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, TimeFrame):
            return _MS[self] > _MS[other]
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, TimeFrame):
            return _MS[self] >= _MS[other]
        return NotImplemented

    @property
    def ms(self) -> int:
        """Length in milliseconds (1M is 30 days, as in ccxt)."""
        return _MS[self]

    @property
    def seconds(self) -> int:
        return _MS[self] // 1000


_SECONDS = {"m": 60, "h": 3_600, "d": 86_400, "w": 604_800, "M": 2_592_000}
_MS: dict[TimeFrame, int] = {tf: int(tf.value[:-1]) * _SECONDS[tf.value[-1]] * 1000 for tf in TimeFrame}
_BY_VALUE: dict[str, TimeFrame] = {tf.value: tf for tf in TimeFrame}
_VALID = ", ".join(tf.value for tf in TimeFrame)


def parse_time_frame(text: str | TimeFrame) -> TimeFrame:
    """The ``TimeFrame`` for ``"1h"`` etc.; raises ``UnknownTimeFrameError`` with a suggestion."""
    if isinstance(text, TimeFrame):
        return text
    if isinstance(text, str):
        found = _BY_VALUE.get(text)
        if found is not None:
            return found
    raise UnknownTimeFrameError(_unknown_message(text))


def _unknown_message(text: object) -> str:
    suggestion = _suggest(text) if isinstance(text, str) else None
    hint = f"; did you mean '{suggestion}'?" if suggestion else ";"
    return f"unknown time frame {_quote(text)}{hint} valid: {_VALID}"


def _quote(text: object) -> str:
    return f"'{text}'" if isinstance(text, str) else repr(text)


_UNIT_MS = {"m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000, "M": 2_592_000_000}
_BY_MS: dict[int, TimeFrame] = {ms: tf for tf, ms in _MS.items()}
_ALIASES = {
    "min": "m",
    "mn": "m",
    "hr": "h",
    "hour": "h",
    "hours": "h",
    "day": "d",
    "days": "d",
    "wk": "w",
    "week": "w",
    "weeks": "w",
    "mo": "M",
    "month": "M",
    "months": "M",
}


def _suggest(text: str) -> str | None:
    """The closest valid time frame: alias-aware first, then by string similarity."""
    cleaned = text.strip()
    digits = "".join(c for c in cleaned if c.isdigit())
    unit = cleaned[len(digits) :].strip() if cleaned.startswith(digits) else ""
    if digits and unit:
        for candidate in (unit, unit.lower(), _ALIASES.get(unit.lower(), "")):
            if candidate and f"{digits}{candidate}" in _BY_VALUE:
                return f"{digits}{candidate}"
        if unit.lower().startswith("m") and len(unit) > 1 and f"{digits}m" in _BY_VALUE:
            return f"{digits}m"
        # same duration written in another unit: "60m" -> "1h", "24h" -> "1d"
        unit_key = unit if unit in _UNIT_MS else _ALIASES.get(unit.lower(), unit.lower())
        if unit_key in _UNIT_MS:
            same = _BY_MS.get(int(digits) * _UNIT_MS[unit_key])
            if same is not None:
                return same.value
    close = difflib.get_close_matches(cleaned, list(_BY_VALUE), n=1, cutoff=0.5)
    return close[0] if close else None


def sort_time_frames(time_frames: Iterable[str | TimeFrame], *, reverse: bool = False) -> list[TimeFrame]:
    """Time frames from the shortest to the longest (duplicates removed)."""
    unique = {parse_time_frame(tf) for tf in time_frames}
    return sorted(unique, key=lambda tf: _MS[tf], reverse=reverse)


def smallest_time_frame(time_frames: Iterable[str | TimeFrame]) -> TimeFrame:
    """The shortest of ``time_frames`` (ValueError when empty)."""
    ordered = sort_time_frames(time_frames)
    if not ordered:
        raise UnknownTimeFrameError(f"no time frame given; give at least one of: {_VALID}")
    return ordered[0]


def largest_time_frame(time_frames: Iterable[str | TimeFrame]) -> TimeFrame:
    """The longest of ``time_frames``."""
    ordered = sort_time_frames(time_frames)
    if not ordered:
        raise UnknownTimeFrameError(f"no time frame given; give at least one of: {_VALID}")
    return ordered[-1]


ALL_TIME_FRAMES: tuple[TimeFrame, ...] = tuple(TimeFrame)
