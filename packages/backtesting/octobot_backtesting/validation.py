"""Checks candles before they are replayed, so that bad data is reported by name and never traded on: a
replay validates each piece it reads before pushing any of its candles (`octobot data validate` checks a
whole file up front).

Every issue names its symbol, time frame and timestamp, so a user can find the bad row in the source.
"""

from __future__ import annotations

import enum
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from octobot_backtesting._time_frames import is_calendar, time_frame_ms
from octobot_backtesting.datafile_reader import (
    CLOSE,
    DEFAULT_CHUNK_SIZE,
    HIGH,
    LOW,
    OPEN,
    TIMESTAMP,
    VOLUME,
    DataFileReader,
)
from octobot_backtesting.errors import DataValidationError
from octobot_backtesting.gaps import find_gaps

logger = logging.getLogger(__name__)

#: Issues of one kind reported per series before the rest are summed up in one last issue.
DEFAULT_MAX_PER_KIND = 20


_DAY_MS = 86_400_000
_GRID_ORIGINS_MS = {"1w": 4 * _DAY_MS}  # Monday 1970-01-05


class Severity(enum.Enum):
    """ERROR: a run on this data would be wrong. WARNING: a run works but the user should know."""

    WARNING = "warning"
    ERROR = "error"


class IssueKind(enum.Enum):
    MISSING_SERIES = "missing series"
    BAD_TIMESTAMP = "bad timestamp"
    GAP = "gap"
    DUPLICATE = "duplicate candle"
    OUT_OF_ORDER = "out-of-order candle"
    MISALIGNED = "misaligned open time"
    TOO_CLOSE = "candles closer than their time frame"
    NAN_VALUE = "NaN value"
    NON_POSITIVE_PRICE = "non-positive price"
    NEGATIVE_VOLUME = "negative volume"
    HIGH_BELOW_LOW = "high below low"
    OPEN_OUTSIDE_RANGE = "open outside [low, high]"
    CLOSE_OUTSIDE_RANGE = "close outside [low, high]"
    INCOMPLETE_BUCKET = "incomplete resampling bucket"


_SEVERITY = {
    IssueKind.GAP: Severity.WARNING,
    IssueKind.MISALIGNED: Severity.WARNING,
    IssueKind.INCOMPLETE_BUCKET: Severity.WARNING,
}


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    severity: Severity
    kind: IssueKind
    symbol: str
    time_frame: str
    #: open time (ms UTC) of the candle at fault; None for an issue about a whole series
    timestamp_ms: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.symbol} {self.time_frame} @ {self.timestamp_ms}: {self.message}"


@dataclass(slots=True)
class ValidationReport:
    """Every issue found; ``ok`` is False when any is an error."""

    issues: list[ValidationIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ValidationIssue]:
        return [issue for issue in self.issues if issue.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[ValidationIssue]:
        return [issue for issue in self.issues if issue.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self, what: str = "data") -> None:
        """Raises DataValidationError listing the errors (a replay calls it before pushing what it read)."""
        if errors := self.errors:
            shown = "\n  ".join(str(issue) for issue in errors[:10])
            more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
            raise DataValidationError(
                f"{what} failed validation with {len(errors)} error(s):\n  {shown}{more}", errors
            )


def issue(
    kind: IssueKind, symbol: str, time_frame: str, timestamp_ms: int | None, message: str
) -> ValidationIssue:
    """An issue of ``kind`` with the severity that kind always has."""
    return ValidationIssue(
        _SEVERITY.get(kind, Severity.ERROR), kind, symbol, time_frame, timestamp_ms, message
    )


class _SeriesChecker:
    """Checks one series chunk by chunk, carrying the last open time across chunks."""

    def __init__(self, symbol: str, time_frame: str, max_per_kind: int) -> None:
        self.symbol, self.time_frame = symbol, time_frame
        self.step_ms = None if is_calendar(time_frame) else time_frame_ms(time_frame)
        self.max_per_kind = max_per_kind
        # the exchanges' grid: from the epoch up to 1d, from a Monday for 1w; 3d grids differ by exchange
        self.grid_origin_ms = _GRID_ORIGINS_MS.get(
            time_frame, 0 if self.step_ms is not None and self.step_ms <= _DAY_MS else None
        )
        self.previous_ms: int | None = None
        self.counts: dict[IssueKind, int] = {}
        self.issues: list[ValidationIssue] = []

    def _report(self, kind: IssueKind, timestamps: np.ndarray, describe: Callable[[int, int], str]) -> None:
        """Lists the first issues of ``kind`` up to the cap and counts the rest (never a loop over them).

        ``describe(position, timestamp)`` builds the message of the issue at ``timestamps[position]``.
        """
        count = self.counts.get(kind, 0)
        room = max(self.max_per_kind - count, 0)
        for position, timestamp in enumerate(timestamps[:room].tolist()):
            self.issues.append(
                issue(kind, self.symbol, self.time_frame, timestamp, describe(position, timestamp))
            )
        self.counts[kind] = count + len(timestamps)

    def check(self, candles: np.ndarray) -> None:
        if len(candles) == 0:
            return
        raw_times = candles[:, TIMESTAMP]
        usable = np.isfinite(raw_times) & (raw_times == np.floor(raw_times))
        if not usable.all():
            bad = np.flatnonzero(~usable)
            count = self.counts.get(IssueKind.BAD_TIMESTAMP, 0)
            for row in bad[: max(self.max_per_kind - count, 0)].tolist():
                message = (
                    f"row {row} of the chunk has timestamp {raw_times[row]!r}, not int ms; the row is skipped"
                )
                self.issues.append(
                    issue(IssueKind.BAD_TIMESTAMP, self.symbol, self.time_frame, None, message)
                )
            self.counts[IssueKind.BAD_TIMESTAMP] = count + len(bad)
            candles = candles[usable]
            if len(candles) == 0:
                return
        times = candles[:, TIMESTAMP].astype(np.int64)
        self._check_order(times)
        self._check_values(candles, times)
        last = int(times.max())
        self.previous_ms = last if self.previous_ms is None else max(self.previous_ms, last)

    def _check_order(self, times: np.ndarray) -> None:
        chained = times if self.previous_ms is None else np.concatenate(([self.previous_ms], times))
        before, after = chained[:-1], chained[1:]
        steps = after - before
        self._report(IssueKind.DUPLICATE, after[steps == 0], lambda _, ts: f"a second candle opens at {ts}")
        self._report(
            IssueKind.OUT_OF_ORDER,
            after[steps < 0],
            lambda _, ts: f"candle at {ts} follows a later one; sort by time",
        )
        if self.step_ms is not None:  # shorter candles than the time frame says (5m data named -1h)
            close = (steps > 0) & (steps < self.step_ms)
            close_steps = steps[close]
            self._report(
                IssueKind.TOO_CLOSE,
                after[close],
                lambda position, ts: (
                    f"candle at {ts} opens {_spacing(int(close_steps[position]))} after the previous one, "
                    f"less than one {self.time_frame} candle: these are not {self.time_frame} candles"
                ),
            )
        if self.grid_origin_ms is not None:
            self._report(
                IssueKind.MISALIGNED,
                times[(times - self.grid_origin_ms) % self.step_ms != 0],
                lambda _, ts: f"open time {ts} is not on the {self.time_frame} candle grid",
            )
        # a gap needs a step longer than one candle (calendar time frames: any step is checked)
        candidates = steps > (self.step_ms or 0)
        gaps = [
            gap
            for start, end in zip(before[candidates].tolist(), after[candidates].tolist(), strict=True)
            for gap in find_gaps(self.symbol, self.time_frame, np.array([start, end]))
        ]
        self._report(
            IssueKind.GAP,
            np.array([gap.start_ms for gap in gaps], dtype=np.int64),
            lambda position, ts: (
                f"{gaps[position].missing} candle(s) missing from {ts} up to {gaps[position].end_ms}"
            ),
        )

    def _check_values(self, candles: np.ndarray, times: np.ndarray) -> None:
        low, high = candles[:, LOW], candles[:, HIGH]
        opens, closes = candles[:, OPEN], candles[:, CLOSE]
        with np.errstate(invalid="ignore"):
            checks = (
                (
                    IssueKind.NAN_VALUE,
                    np.isnan(candles[:, OPEN:]).any(axis=1),
                    "a price or the volume is NaN",
                ),
                (IssueKind.NON_POSITIVE_PRICE, (candles[:, OPEN:VOLUME] <= 0).any(axis=1), "a price is <= 0"),
                (IssueKind.NEGATIVE_VOLUME, candles[:, VOLUME] < 0, "the volume is negative"),
                (IssueKind.HIGH_BELOW_LOW, high < low, "high is below low"),
                (IssueKind.OPEN_OUTSIDE_RANGE, (opens < low) | (opens > high), "open is outside [low, high]"),
                (
                    IssueKind.CLOSE_OUTSIDE_RANGE,
                    (closes < low) | (closes > high),
                    "close is outside [low, high]",
                ),
            )
        for kind, mask, text in checks:
            rows = np.flatnonzero(mask)
            self._report(
                kind,
                times[rows],
                partial(_describe_row, text, candles, rows),
            )

    def finish(self) -> list[ValidationIssue]:
        for kind, count in self.counts.items():
            if count > self.max_per_kind:
                more = count - self.max_per_kind
                self.issues.append(
                    issue(
                        kind,
                        self.symbol,
                        self.time_frame,
                        None,
                        f"{more} more {kind.value} issue(s) not listed",
                    )
                )
        return self.issues


def _spacing(step_ms: int) -> str:
    """``5m`` for 300000, else the milliseconds."""
    for name in ("1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d"):
        if time_frame_ms(name) == step_ms:
            return name
    return f"{step_ms} ms"


def most_common_spacing(times: np.ndarray) -> str | None:
    """The most frequent positive step between sorted open times, as a time frame when it is one."""
    steps = np.diff(np.asarray(times, dtype=np.int64))
    steps = steps[steps > 0]
    if not len(steps):
        return None
    values, counts = np.unique(steps, return_counts=True)
    return _spacing(int(values[np.argmax(counts)]))


def _describe_row(text: str, candles: np.ndarray, rows: np.ndarray, position: int, _timestamp: int) -> str:
    """The message of the issue at ``rows[position]``: ``text`` with that candle's values."""
    return _with_values(text, candles[rows[position]])


def _with_values(text: str, candle: np.ndarray) -> str:
    o, h, lo, c, v = candle[OPEN : VOLUME + 1].tolist()
    return f"{text} (open={o}, high={h}, low={lo}, close={c}, volume={v})"


def validate_candles(
    candles: np.ndarray, symbol: str, time_frame: str, *, max_per_kind: int = DEFAULT_MAX_PER_KIND
) -> ValidationReport:
    """Checks an (n, 6) candle array in the order given (as read from a source file)."""
    checker = _SeriesChecker(symbol, time_frame, max_per_kind)
    checker.check(np.asarray(candles, dtype=np.float64).reshape(-1, 6))
    return ValidationReport(checker.finish())


def validate_data_file(
    path: str | os.PathLike,
    *,
    symbols: Iterable[str] | None = None,
    time_frames: Iterable[str] | None = None,
    max_per_kind: int = DEFAULT_MAX_PER_KIND,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> ValidationReport:
    """Checks every series of a data file (or the ``symbols`` x ``time_frames`` a run needs), streamed.

    A requested series absent from the file is an error; so is any bad candle; gaps are warnings.
    """
    report = ValidationReport()
    with DataFileReader(Path(path)) as reader:
        present = {(info.symbol, info.time_frame) for info in reader.series()}
        wanted_symbols = list(symbols) if symbols is not None else sorted({s for s, _ in present})
        wanted_time_frames = list(time_frames) if time_frames is not None else None
        for symbol in wanted_symbols:
            series_time_frames = (
                wanted_time_frames
                if wanted_time_frames is not None
                else sorted((tf for s, tf in present if s == symbol), key=time_frame_ms)
            )
            for time_frame in series_time_frames:
                if (symbol, time_frame) not in present:
                    report.issues.append(
                        issue(
                            IssueKind.MISSING_SERIES,
                            symbol,
                            time_frame,
                            None,
                            f"{reader.path.name} has no {time_frame} candles for {symbol}; record or import "
                            "them, or resample them from a shorter time frame",
                        )
                    )
                    continue
                checker = _SeriesChecker(symbol, time_frame, max_per_kind)
                for chunk in reader.iter_ohlcv(symbol, time_frame, chunk_size=chunk_size):
                    checker.check(chunk)
                report.issues.extend(checker.finish())
    logger.info("validated %s: %d error(s), %d warning(s)", path, len(report.errors), len(report.warnings))
    return report
