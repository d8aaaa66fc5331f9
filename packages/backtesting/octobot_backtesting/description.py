"""What a data file holds, as written in its description table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class DataFileDescription:
    """The header of a data file: enough to choose a file without reading its candles."""

    format_version: int
    exchange: str
    symbols: tuple[str, ...]
    time_frames: tuple[str, ...]
    #: open time (ms UTC) of the earliest and latest candle of the file; None when it holds no candle
    first_timestamp_ms: int | None
    last_timestamp_ms: int | None
    created_at_ms: int
    origin: str


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """One (symbol, time frame) series of a data file."""

    symbol: str
    time_frame: str
    count: int
    first_timestamp_ms: int
    last_timestamp_ms: int


@dataclass(frozen=True, slots=True)
class DataFileSummary:
    """A data file found in a folder."""

    path: Path
    description: DataFileDescription
    size_bytes: int
