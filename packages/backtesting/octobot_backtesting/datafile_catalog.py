"""Data files as a collection: list a folder, inspect, delete and merge files."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from octobot_backtesting import _schema
from octobot_backtesting.datafile_reader import TIMESTAMP, DataFileReader
from octobot_backtesting.datafile_writer import DataFileWriter, stale_parts
from octobot_backtesting.description import DataFileDescription, DataFileSummary, SeriesInfo
from octobot_backtesting.errors import DataFileError, MergeConflictError
from octobot_backtesting.gaps import Gap, find_gaps

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SeriesInspection:
    info: SeriesInfo
    gaps: tuple[Gap, ...]

    @property
    def missing_candles(self) -> int:
        return sum(gap.missing for gap in self.gaps)


@dataclass(frozen=True, slots=True)
class DataFileInspection:
    """Everything about a data file short of its candles."""

    path: Path
    description: DataFileDescription
    size_bytes: int
    series: tuple[SeriesInspection, ...]


def list_data_files(folder: str | os.PathLike) -> list[DataFileSummary]:
    """The complete data files of ``folder`` with their description, oldest first.

    Files being written (``.part``) and files of other formats are skipped (logged at debug level).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFileError(f"{folder}: no such folder")
    found = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.endswith(_schema.PART_SUFFIX):
            continue
        try:
            with DataFileReader(path) as reader:
                found.append(DataFileSummary(path, reader.description, path.stat().st_size))
        except DataFileError as error:
            logger.debug("skipped %s: %s", path, error)
    return sorted(found, key=lambda summary: (summary.description.created_at_ms, summary.path.name))


def inspect_data_file(path: str | os.PathLike) -> DataFileInspection:
    """Symbols, time frames, ranges, candle counts and gaps of every series (streamed, any file size)."""
    path = Path(path)
    with DataFileReader(path) as reader:
        series = []
        for info in reader.series():
            gaps: list[Gap] = []
            previous = None
            for chunk in reader.iter_ohlcv(info.symbol, info.time_frame):
                gaps.extend(find_gaps(info.symbol, info.time_frame, chunk[:, TIMESTAMP], previous))
                previous = int(chunk[-1, TIMESTAMP])
            series.append(SeriesInspection(info, tuple(gaps)))
        return DataFileInspection(path, reader.description, path.stat().st_size, tuple(series))


def delete_data_file(path: str | os.PathLike) -> None:
    """Deletes a data file (refusing anything that is not one), and its leftover ``.part`` if any."""
    path = Path(path)
    DataFileReader(path).close()  # raises DataFileError for a missing file or one of another format
    path.unlink()
    for leftover in stale_parts(path):
        leftover.unlink(missing_ok=True)
    logger.info("deleted %s", path)


def merge_data_files(
    first: str | os.PathLike,
    second: str | os.PathLike,
    destination: str | os.PathLike,
    *,
    overwrite: bool = False,
) -> DataFileDescription:
    """Writes the union of two data files of one exchange into ``destination``.

    Series present in both are merged by timestamp; the same candle twice is kept once, but two different
    candles for the same instant raise MergeConflictError (which one is right cannot be guessed).
    """
    first, second, destination = Path(first), Path(second), Path(destination)
    if destination.resolve() in (first.resolve(), second.resolve()):
        raise DataFileError(f"{destination}: merge into a new file, not into one of its sources")
    with DataFileReader(first) as a, DataFileReader(second) as b:
        if a.description.exchange != b.description.exchange:
            raise DataFileError(
                f"cannot merge {first.name} ({a.description.exchange}) with {second.name} "
                f"({b.description.exchange}): a data file holds one exchange"
            )
        keys_a = {(s.symbol, s.time_frame) for s in a.series()}
        keys_b = {(s.symbol, s.time_frame) for s in b.series()}
        origin = f"merge: {first.name} + {second.name}"
        with DataFileWriter(
            destination, exchange=a.description.exchange, origin=origin, overwrite=overwrite
        ) as out:
            for symbol, time_frame in sorted(keys_a | keys_b):
                parts = [
                    reader.read_ohlcv(symbol, time_frame)
                    for reader, keys in ((a, keys_a), (b, keys_b))
                    if (symbol, time_frame) in keys
                ]
                out.write_ohlcv(symbol, time_frame, _union(symbol, time_frame, parts))
    with DataFileReader(destination) as merged:
        return merged.description


def _union(symbol: str, time_frame: str, parts: list[np.ndarray]) -> np.ndarray:
    if len(parts) == 1:
        return parts[0]
    both = np.concatenate(parts)
    both = both[np.argsort(both[:, TIMESTAMP], kind="stable")]
    same_time = np.flatnonzero(np.diff(both[:, TIMESTAMP]) == 0)
    differ = [i for i in same_time.tolist() if not np.array_equal(both[i], both[i + 1], equal_nan=True)]
    if differ:
        raise MergeConflictError(
            f"{symbol} {time_frame}: the two files hold different candles at {len(differ)} timestamp(s) "
            f"(first: {int(both[differ[0], TIMESTAMP])}); merge files that agree, or delete one series first"
        )
    keep = np.ones(len(both), dtype=bool)
    keep[same_time + 1] = False
    return both[keep]
