"""Where candles are missing in a series: the holes a replay would step over."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from octobot_backtesting._time_frames import is_calendar, next_open_ms, time_frame_ms


@dataclass(frozen=True, slots=True)
class Gap:
    """Candles missing between two consecutive candles of a series."""

    symbol: str
    time_frame: str
    #: open time of the first missing candle, and of the candle that ends the gap (ms UTC)
    start_ms: int
    end_ms: int
    missing: int


def find_gaps(
    symbol: str, time_frame: str, timestamps: np.ndarray, previous_ms: int | None = None
) -> list[Gap]:
    """Gaps in sorted open times; ``previous_ms`` is the last open time of an earlier chunk, if any."""
    times = np.asarray(timestamps, dtype=np.int64)
    if previous_ms is not None:
        times = np.concatenate(([previous_ms], times))
    if times.size < 2:
        return []
    if is_calendar(time_frame):
        return _calendar_gaps(symbol, time_frame, times)
    step = time_frame_ms(time_frame)
    steps = np.diff(times)
    gaps = []
    for index in np.flatnonzero(steps > step):
        before, after = int(times[index]), int(times[index + 1])
        gaps.append(Gap(symbol, time_frame, before + step, after, (after - before) // step - 1))
    return gaps


def _calendar_gaps(symbol: str, time_frame: str, times: np.ndarray) -> list[Gap]:
    gaps = []
    for before, after in zip(times[:-1].tolist(), times[1:].tolist(), strict=True):
        expected, missing = next_open_ms(time_frame, before), 0
        first_missing = expected
        while expected < after:
            missing += 1
            expected = next_open_ms(time_frame, expected)
        if missing:
            gaps.append(Gap(symbol, time_frame, first_missing, after, missing))
    return gaps
