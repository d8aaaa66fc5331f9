"""Readers of candle text files: CSV (header optional, ms or ISO dates) and ccxt/freqtrade JSON arrays."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import numpy as np

from octobot_backtesting.errors import ImporterError
from octobot_trading import InvalidTimestampError, iso_to_ms

logger = logging.getLogger(__name__)

#: A millisecond timestamp below this is before 1973: the column is most likely in seconds.
_SMALLEST_MS = 100_000_000_000
_COLUMN_NAMES = {
    "timestamp": ("timestamp", "time", "date", "datetime", "open_time", "opentime", "ts", "unix", "t"),
    "open": ("open", "o"),
    "high": ("high", "h"),
    "low": ("low", "l"),
    "close": ("close", "c"),
    "volume": ("volume", "vol", "v", "base_volume", "volume_base"),
}
_UNITS = {"ms": 1, "s": 1000}


def _unit_factor(timestamp_unit: str) -> int:
    if timestamp_unit not in _UNITS:
        raise ImporterError(f"timestamp_unit must be 'ms' or 's', got {timestamp_unit!r}")
    return _UNITS[timestamp_unit]


def _check_unit(path: Path, first_ms: float, timestamp_unit: str) -> None:
    if timestamp_unit == "ms" and 0 <= first_ms < _SMALLEST_MS:
        raise ImporterError(
            f"{path.name}: the first timestamp {int(first_ms)} is too small for milliseconds",
            fix_key="timestamp_unit",
            fix="if the file is in seconds, pass timestamp_unit='s'",
        )


def _parse_time(text: str, factor: int) -> float:
    try:
        return float(int(text) * factor) if text.lstrip("-").isdigit() else float(text) * factor
    except ValueError:
        return float(iso_to_ms(text))


def _is_header(row: list[str]) -> bool:
    try:
        _parse_time(row[0].strip(), 1)
        float(row[1])
    except (ValueError, InvalidTimestampError, IndexError):
        return True
    return False


def _header_columns(path: Path, header: list[str]) -> list[int]:
    names = [name.strip().lower() for name in header]
    columns = []
    for field, aliases in _COLUMN_NAMES.items():
        found = next((names.index(alias) for alias in aliases if alias in names), None)
        if found is None:
            raise ImporterError(
                f"{path.name}: no {field!r} column in the header {header}; expected columns timestamp, open, "
                "high, low, close, volume"
            )
        columns.append(found)
    return columns


def read_csv_candles(path: str | Path, *, timestamp_unit: str = "ms") -> np.ndarray:
    """(n, 6) candles in file order, from a CSV of timestamp, open, high, low, close, volume.

    The header is optional (without one, columns are in that order); ``,``, ``;`` and tab separators are
    recognised; timestamps are integers (ms, or seconds with ``timestamp_unit='s'``) or ISO 8601 dates.
    """
    path = Path(path)
    factor = _unit_factor(timestamp_unit)
    with path.open(newline="", encoding="utf-8-sig") as file:
        first_line = file.readline()
        delimiter = max(",;\t", key=first_line.count)
        file.seek(0)
        reader = csv.reader(file, delimiter=delimiter)
        first = next(reader, None)
        if first is None:
            raise ImporterError(f"{path.name} is empty")
        columns = [0, 1, 2, 3, 4, 5]
        rows: list[list[str]] = []
        first_row_line = 1  # file line of rows[0]
        if _is_header(first):
            columns = _header_columns(path, first)
            first_row_line = 2
        else:
            rows.append(first)
        rows.extend(reader)
    width = max(columns) + 1
    candles = np.empty((len(rows), 6), dtype=np.float64)
    for index, row in enumerate(rows):
        if len(row) < width:
            if not any(cell.strip() for cell in row):
                candles[index] = np.nan  # blank line, removed below
                continue
            raise ImporterError(
                f"{path.name} line {first_row_line + index}: {width} columns expected, got {row}"
            )
        try:
            candles[index, 0] = _parse_time(row[columns[0]].strip(), factor)
            candles[index, 1:] = [float(row[c]) if row[c].strip() else np.nan for c in columns[1:]]
        except (ValueError, InvalidTimestampError) as error:
            raise ImporterError(
                f"{path.name} line {first_row_line + index}: cannot read {row}: {error}"
            ) from None
    candles = candles[~np.isnan(candles[:, 0])]
    if len(candles):
        _check_unit(path, candles[0, 0], timestamp_unit)
    return candles


def read_json_candles(path: str | Path, *, timestamp_unit: str = "ms") -> np.ndarray:
    """(n, 6) candles in file order from ccxt's / freqtrade's ``[[ts, o, h, l, c, v], ...]`` array."""
    path = Path(path)
    factor = _unit_factor(timestamp_unit)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImporterError(f"{path.name} is not valid JSON: {error}") from None
    if not isinstance(data, list) or any(not isinstance(row, list) or len(row) < 6 for row in data):
        raise ImporterError(
            f"{path.name}: expected a JSON array of candle arrays [[timestamp_ms, open, high, low, "
            "close, volume], ...]"
        )
    try:
        candles = np.array([row[:6] for row in data], dtype=np.float64).reshape(-1, 6)
    except (TypeError, ValueError) as error:
        raise ImporterError(f"{path.name}: a candle holds a value that is not a number ({error})") from None
    candles[:, 0] *= factor
    if len(candles):
        _check_unit(path, candles[0, 0], timestamp_unit)
    return candles
