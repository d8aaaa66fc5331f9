"""Builds longer candles from shorter ones (4h from 1h), only when asked: never silently.

Buckets follow octobot_trading's candle grid (as ``octobot_trading.candle_open_time``): fixed lengths
from the epoch, weeks from Monday. A bucket missing any of its source candles is dropped and reported,
because a candle built from part of its period would show a false range and volume.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from octobot_backtesting._time_frames import is_calendar, time_frame_ms
from octobot_backtesting.datafile_reader import CLOSE, HIGH, LOW, OPEN, TIMESTAMP, VOLUME
from octobot_backtesting.errors import ResamplingError
from octobot_backtesting.validation import IssueKind, ValidationIssue, issue
from octobot_trading import TimeFrame

logger = logging.getLogger(__name__)

_WEEK_ORIGIN_MS = 4 * 86_400_000  # Monday 1970-01-05, as octobot_trading's weekly grid


@dataclass(slots=True)
class ResampleResult:
    candles: np.ndarray
    #: open times (ms, target grid) of the buckets dropped because source candles were missing
    dropped_buckets: list[int] = field(default_factory=list)
    issues: list[ValidationIssue] = field(default_factory=list)


def check_resampling(source_time_frame: str, target_time_frame: str) -> int:
    """How many source candles make one target candle; ResamplingError when it cannot be done."""
    if is_calendar(source_time_frame) or is_calendar(target_time_frame):
        raise ResamplingError(
            f"cannot resample {source_time_frame} to {target_time_frame}: calendar months have no "
            "fixed length"
        )
    source_ms, target_ms = time_frame_ms(source_time_frame), time_frame_ms(target_time_frame)
    if target_ms <= source_ms or target_ms % source_ms:
        raise ResamplingError(
            f"cannot resample {source_time_frame} to {target_time_frame}: the target must be a longer whole "
            f"multiple of the source (for instance 1h -> 4h)"
        )
    return target_ms // source_ms


def resample_candles(
    candles: np.ndarray, source_time_frame: str, target_time_frame: str, *, symbol: str = "?"
) -> ResampleResult:
    """Aggregates sorted, duplicate-free source candles: first open, max high, min low, "
    "last close, sum volume."""
    ratio = check_resampling(source_time_frame, target_time_frame)
    array = np.asarray(candles, dtype=np.float64).reshape(-1, 6)
    if len(array) == 0:
        return ResampleResult(np.empty((0, 6)))
    times = array[:, TIMESTAMP].astype(np.int64)
    if np.any(np.diff(times) <= 0):
        raise ResamplingError(
            f"{symbol} {source_time_frame}: candles must be sorted without duplicates before resampling; "
            "validate them first"
        )
    target_ms = time_frame_ms(target_time_frame)
    origin = _WEEK_ORIGIN_MS if target_time_frame == TimeFrame.ONE_WEEK.value else 0
    buckets = times - (times - origin) % target_ms
    starts, counts = np.unique(buckets, return_index=True, return_counts=True)[1:]
    bucket_times = buckets[starts]
    ends = np.append(starts[1:], len(array)) - 1
    result = np.empty((len(starts), 6), dtype=np.float64)
    result[:, TIMESTAMP] = bucket_times
    result[:, OPEN] = array[starts, OPEN]
    result[:, HIGH] = np.maximum.reduceat(array[:, HIGH], starts)
    result[:, LOW] = np.minimum.reduceat(array[:, LOW], starts)
    result[:, CLOSE] = array[ends, CLOSE]
    result[:, VOLUME] = np.add.reduceat(array[:, VOLUME], starts)
    complete = counts == ratio
    dropped = bucket_times[~complete].tolist()
    issues = [
        issue(
            IssueKind.INCOMPLETE_BUCKET,
            symbol,
            target_time_frame,
            bucket,
            f"dropped: only {count} of the {ratio} {source_time_frame} candles of this {target_time_frame} "
            "candle are present",
        )
        for bucket, count in zip(dropped, counts[~complete].tolist(), strict=True)
    ]
    if dropped:
        logger.info(
            "%s %s -> %s: %d incomplete bucket(s) dropped",
            symbol,
            source_time_frame,
            target_time_frame,
            len(dropped),
        )
    return ResampleResult(result[complete], dropped, issues)
