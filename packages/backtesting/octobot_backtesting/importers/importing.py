"""Converts candle files (this project's, OctoBot's, CSV, ccxt/freqtrade JSON) into one data file.

What is fixed and what is not, always reported in ``ImportReport.issues``: rows out of time order are
sorted and identical duplicate rows dropped (warnings); two different candles for one instant stop the
import (the right one cannot be guessed); bad values (NaN, high below low...) are imported as they are and
reported as errors, which validation will report again before any run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from octobot_backtesting._time_frames import checked_time_frame, time_frame_ms
from octobot_backtesting.datafile_reader import (
    TIMESTAMP,
    DataFileReader,
    is_our_data_file,
    open_sqlite_read_only,
)
from octobot_backtesting.datafile_writer import DataFileWriter
from octobot_backtesting.errors import ImporterError, ResamplingError
from octobot_backtesting.importers.file_names import parse_candle_file_name
from octobot_backtesting.importers.octobot_files import OctoBotFileReader, is_octobot_file
from octobot_backtesting.importers.text_candles import read_csv_candles, read_json_candles
from octobot_backtesting.resampling import check_resampling, resample_candles
from octobot_backtesting.validation import (
    IssueKind,
    Severity,
    ValidationIssue,
    most_common_spacing,
    validate_candles,
)
from octobot_trading import ccxt_exchange_ids, normalize_symbol

logger = logging.getLogger(__name__)

_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(slots=True)
class ImportReport:
    """What an import wrote and everything it noticed on the way."""

    path: Path
    #: (symbol, time frame) -> candles written
    series: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (symbol, target time frame) -> source time frame, for the series built by resampling
    resampled: dict[tuple[str, str], str] = field(default_factory=dict)
    issues: list[ValidationIssue] = field(default_factory=list)


@dataclass(slots=True)
class _Series:
    symbol: str
    time_frame: str
    candles: np.ndarray
    source: str


@dataclass(slots=True)
class CandleFiles:
    """Every series of some candle files, read and normalized as an import would, nothing written."""

    #: (symbol, time frame) -> candles (sorted by open time, identical duplicates dropped)
    series: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    #: exchanges the sources record (OctoBot and octobot-backtesting data files name theirs)
    exchanges: set[str] = field(default_factory=set)
    issues: list[ValidationIssue] = field(default_factory=list)


def read_candle_files(
    sources: Iterable[str | os.PathLike] | str | os.PathLike,
    *,
    symbol: str | None = None,
    time_frame: str | None = None,
    timestamp_unit: str = "ms",
) -> CandleFiles:
    """Reads every series of ``sources`` in memory: whatever ``import_files`` accepts (this project's data
    files, OctoBot ``.data`` files, CSV, ccxt/freqtrade JSON), with the same checks and fixes.

    Why: a tool that replays candles (the exchange emulator) reads every format the bot reads without a
    data file on disk and without a reader of its own.
    """
    read = CandleFiles()
    collected = _collect(_paths(sources), symbol, time_frame, timestamp_unit, read.exchanges, read.issues)
    read.series = {key: series.candles for key, series in collected.items()}
    return read


def import_files(
    sources: Iterable[str | os.PathLike] | str | os.PathLike,
    destination: str | os.PathLike,
    *,
    exchange: str | None = None,
    symbol: str | None = None,
    time_frame: str | None = None,
    resample_to: Iterable[str] = (),
    timestamp_unit: str = "ms",
    overwrite: bool = False,
) -> ImportReport:
    """Imports every series of ``sources`` into the data file ``destination`` (many symbols and time frames).

    CSV and JSON files name their symbol and time frame in freqtrade's way (``ETH_BTC-5m.csv``) unless
    ``symbol``/``time_frame`` are given. ``exchange`` defaults to the one recorded in OctoBot files or to
    the folder name when it is a ccxt exchange id (freqtrade's ``data/binance/``). ``resample_to`` lists
    longer time frames to build from the longest imported time frame that divides them.
    """
    paths = _paths(sources)
    report = ImportReport(Path(destination))
    exchanges: set[str] = set()
    collected = _collect(paths, symbol, time_frame, timestamp_unit, exchanges, report.issues)
    for target in resample_to:
        _resample_into(collected, checked_time_frame(target).value, report)
    exchange = _exchange_name(exchange, exchanges, paths)
    origin = "import: " + ", ".join(path.name for path in paths)
    with DataFileWriter(report.path, exchange=exchange, origin=origin, overwrite=overwrite) as writer:
        for (series_symbol, series_time_frame), series in sorted(collected.items()):
            report.series[(series_symbol, series_time_frame)] = writer.write_ohlcv(
                series_symbol, series_time_frame, series.candles
            )
    logger.info(
        "imported %d series into %s with %d issue(s)", len(report.series), report.path, len(report.issues)
    )
    return report


def _paths(sources: Iterable[str | os.PathLike] | str | os.PathLike) -> list[Path]:
    paths = (
        [Path(sources)] if isinstance(sources, str | os.PathLike) else [Path(source) for source in sources]
    )
    if not paths:
        raise ImporterError("no source file given to import")
    return paths


def _collect(
    paths: list[Path],
    symbol: str | None,
    time_frame: str | None,
    timestamp_unit: str,
    exchanges: set[str],
    issues: list[ValidationIssue],
) -> dict[tuple[str, str], _Series]:
    """Every series of ``paths``, normalized; a series found in two sources is refused."""
    collected: dict[tuple[str, str], _Series] = {}
    for path in paths:
        for series in _read_source(path, symbol, time_frame, timestamp_unit, exchanges):
            key = (series.symbol, series.time_frame)
            if key in collected:
                raise ImporterError(
                    f"{series.symbol} {series.time_frame} comes from both {collected[key].source} and "
                    f"{series.source}; import them into separate files and merge them, or import one"
                )
            series.candles = _normalized(series, issues)
            collected[key] = series
    return collected


def _read_source(
    path: Path, symbol: str | None, time_frame: str | None, timestamp_unit: str, exchanges: set[str]
) -> Iterator[_Series]:
    if not path.is_file():
        raise ImporterError(f"{path}: no such file")
    with path.open("rb") as file:
        is_sqlite = file.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    if is_sqlite:
        yield from _read_sqlite_source(path, exchanges)
        return
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json", ".txt"):
        raise ImporterError(
            f"{path.name}: unknown candle file format {suffix!r}; import a .csv, a .json candle "
            "array, an OctoBot "
            "data file or an octobot-backtesting data file"
        )
    series_symbol, series_time_frame = _series_name(path, symbol, time_frame)
    reader = read_json_candles if suffix == ".json" else read_csv_candles
    yield _Series(series_symbol, series_time_frame, reader(path, timestamp_unit=timestamp_unit), path.name)


def _read_sqlite_source(path: Path, exchanges: set[str]) -> Iterator[_Series]:
    connection = open_sqlite_read_only(path)
    try:
        ours, octobot = is_our_data_file(connection), is_octobot_file(connection)
    finally:
        connection.close()
    if ours:
        with DataFileReader(path) as reader:
            exchanges.add(reader.description.exchange)
            for info in reader.series():
                yield _Series(
                    info.symbol, info.time_frame, reader.read_ohlcv(info.symbol, info.time_frame), path.name
                )
    elif octobot:
        octobot_reader = OctoBotFileReader(path)
        try:
            exchanges.add(octobot_reader.description.exchange)
            for series_symbol, series_time_frame, candles in octobot_reader:
                yield _Series(series_symbol, series_time_frame, candles, path.name)
        finally:
            octobot_reader.close()
    else:
        raise ImporterError(
            f"{path.name} is a SQLite file but neither an OctoBot nor an octobot-backtesting data file"
        )


def _series_name(path: Path, symbol: str | None, time_frame: str | None) -> tuple[str, str]:
    if symbol is None or time_frame is None:
        try:
            named_symbol, named_time_frame = parse_candle_file_name(path)
        except ImporterError:
            missing = " and ".join(
                name for name, value in (("symbol", symbol), ("time_frame", time_frame)) if not value
            )
            raise ImporterError(
                f"{path.name} does not say which symbol and time frame it holds and its name is not "
                "freqtrade's ('BASE_QUOTE-5m.csv')",
                fix_key="symbol_time_frame",
                fix=f"pass {missing}= explicitly",
            ) from None
        symbol, time_frame = symbol or named_symbol, time_frame or named_time_frame
    try:
        return normalize_symbol(symbol), checked_time_frame(time_frame).value
    except ValueError as error:
        raise ImporterError(f"{path.name}: {error}") from None


def _normalized(series: _Series, issues: list[ValidationIssue]) -> np.ndarray:
    """Sorted, identical duplicates dropped; every finding of the source's validation kept in ``issues``.

    The sorted candles are validated (two swapped rows are one disorder, not two false gaps); the
    disorder itself is reported once.
    """
    candles = series.candles
    raw = validate_candles(candles, series.symbol, series.time_frame)
    if bad_times := [found for found in raw.issues if found.kind is IssueKind.BAD_TIMESTAMP]:
        raise ImporterError(
            f"{series.source}: {series.symbol} {series.time_frame}: {len(bad_times)} row(s) without a usable "
            f"timestamp (first: {bad_times[0].message}); fix the source and import again"
        )
    order = np.argsort(candles[:, TIMESTAMP], kind="stable")
    ordered = candles[order]
    same_time = np.flatnonzero(np.diff(ordered[:, TIMESTAMP]) == 0)
    conflicts = [int(i) for i in same_time if not _same_candle(ordered[i], ordered[i + 1])]
    if conflicts:
        shown = ", ".join(str(int(ordered[i, TIMESTAMP])) for i in conflicts[:5])
        raise ImporterError(
            f"{series.source}: {series.symbol} {series.time_frame} has {len(conflicts)} "
            "timestamp(s) with two "
            f"different candles (first: {shown}); keep one candle per timestamp in the source and "
            "import again"
        )
    keep = np.ones(len(ordered), dtype=bool)
    keep[same_time + 1] = False
    report = validate_candles(ordered, series.symbol, series.time_frame)
    if any(found.kind is IssueKind.TOO_CLOSE for found in report.issues):
        spacing = most_common_spacing(ordered[keep][:, TIMESTAMP])
        raise ImporterError(
            f"{series.source}: {series.symbol} candles are {spacing} apart, not {series.time_frame} as its "
            "name or the given time frame says",
            fix_key="time_frame",
            fix=f"rename the file for its time frame (like BASE_QUOTE-{spacing}.csv) or pass "
            f"time_frame='{spacing}'",
        )
    disorder = _out_of_order(candles[:, TIMESTAMP], series)
    if disorder is not None:
        issues.append(disorder)
    for found in report.issues:
        if found.kind is IssueKind.DUPLICATE:
            found = _downgraded(found, "an identical copy was dropped on import")
        issues.append(found)
    return ordered[keep]


def _out_of_order(times: np.ndarray, series: _Series) -> ValidationIssue | None:
    """One warning for every row of the source that follows a later one (they were sorted)."""
    if len(times) < 2:
        return None
    late = times[1:] < np.maximum.accumulate(times)[:-1]
    count = int(np.count_nonzero(late))
    if not count:
        return None
    first = int(times[1:][late][0])
    return ValidationIssue(
        Severity.WARNING,
        IssueKind.OUT_OF_ORDER,
        series.symbol,
        series.time_frame,
        first,
        f"{count} candle(s) out of order in the source (first: {first} follows a later one); "
        "the candles were sorted on import",
    )


def _same_candle(first: np.ndarray, second: np.ndarray) -> bool:
    return bool(np.array_equal(first, second, equal_nan=True))


def _downgraded(found: ValidationIssue, fix: str) -> ValidationIssue:
    return ValidationIssue(
        Severity.WARNING,
        found.kind,
        found.symbol,
        found.time_frame,
        found.timestamp_ms,
        f"{found.message}; {fix}",
    )


def _resample_into(collected: dict[tuple[str, str], _Series], target: str, report: ImportReport) -> None:
    target_ms = time_frame_ms(target)
    for series_symbol in sorted({key[0] for key in collected}):
        if (series_symbol, target) in collected:
            continue  # the source has it: real candles beat resampled ones
        usable = []
        for (other_symbol, source_time_frame), series in collected.items():
            if other_symbol != series_symbol or time_frame_ms(source_time_frame) >= target_ms:
                continue
            try:
                check_resampling(source_time_frame, target)
            except ResamplingError:
                continue
            usable.append(series)
        if not usable:
            available = sorted(tf for s, tf in collected if s == series_symbol)
            raise ImporterError(
                f"cannot resample {series_symbol} to {target}: no imported time frame divides it "
                f"(available: {', '.join(available)})"
            )
        source = max(usable, key=lambda series: time_frame_ms(series.time_frame))
        result = resample_candles(source.candles, source.time_frame, target, symbol=series_symbol)
        collected[(series_symbol, target)] = _Series(
            series_symbol, target, result.candles, f"{source.source} (resampled)"
        )
        report.resampled[(series_symbol, target)] = source.time_frame
        report.issues.extend(result.issues)


def _exchange_name(exchange: str | None, found: set[str], paths: list[Path]) -> str:
    if exchange:
        return exchange
    if len(found) > 1:
        raise ImporterError(
            f"the sources come from several exchanges ({', '.join(sorted(found))}); import them separately"
        )
    if found:
        return found.pop()
    folders = {path.resolve().parent.name for path in paths}
    if len(folders) == 1 and (folder := folders.pop()) in ccxt_exchange_ids():
        return folder
    raise ImporterError(
        "the sources do not say which exchange they come from",
        fix_key="exchange",
        fix="pass exchange= (for instance exchange='binance')",
    )
