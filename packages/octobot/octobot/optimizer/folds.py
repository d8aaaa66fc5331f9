"""Train/test split and walk-forward folds over the data's period, against overfitting.

The period is cut into ``folds`` consecutive segments of equal length; each segment's first part trains
(the objective a sampler sees) and its last ``test_share`` tests (out of sample, reported beside it). One
fold with a test share is a plain train/test split; a test share of 0 uses the whole period in sample.
Cuts fall on the grid of the profile's smallest time frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import octobot_backtesting as ob
import octobot_trading as ot
from octobot.data_errors import data_error
from octobot.errors import DataError, UsageError
from octobot.optimizer.job import Fold, Window
from octobot.profile import Profile


def data_period(profile: Profile, data_files: Mapping[str, Path]) -> Window:
    """The open times of the first and last candle every pair of the profile has in its smallest time
    frame (the period all its series cover)."""
    time_frame = str(ot.smallest_time_frame(profile.time_frames).value)
    firsts, lasts = [], []
    for path in data_files.values():
        try:
            with ob.DataFileReader(path) as reader:
                ranges = {(r.symbol, r.time_frame): r for r in reader.ranges()}
        except ob.BacktestingError as error:
            raise data_error(error) from error
        for pair in profile.pairs:
            found = ranges.get((pair, time_frame))
            if found is None:
                raise DataError(
                    f"{path} has no {pair} {time_frame} candles, the smallest time frame of profile "
                    f"'{profile.name}'; collect them with `octobot data collect`"
                )
            firsts.append(found.first_timestamp_ms)
            lasts.append(found.last_timestamp_ms)
    return Window(max(firsts), min(lasts))


def make_folds(
    period: Window, step_ms: int, folds: int = 1, test_share: float = 0.0, min_candles: int = 20
) -> tuple[Fold, ...]:
    """``folds`` segments of ``period``, each split train/test at ``1 - test_share`` of its length."""
    if folds < 1:
        raise UsageError(f"--folds: expected at least 1, got {folds}")
    if not 0 <= test_share < 1:
        raise UsageError(f"--test-share: expected a share in [0, 1), e.g. 0.25, got {test_share}")
    candles = (period.end_ms - period.start_ms) // step_ms + 1
    per_fold = candles // folds
    smallest = (
        per_fold
        if test_share == 0
        else min(round(per_fold * (1 - test_share)), per_fold - round(per_fold * (1 - test_share)))
    )
    if smallest < min_candles:
        raise UsageError(
            f"--folds {folds} --test-share {test_share}: a window would hold {smallest} candles of the "
            f"{candles} of the data (at least {min_candles}); use fewer folds or a longer period"
        )
    made = []
    for index in range(folds):
        start = period.start_ms + index * per_fold * step_ms
        last = start + (per_fold - 1) * step_ms if index < folds - 1 else period.end_ms
        if test_share == 0:
            made.append(Fold(Window(start, last)))
            continue
        split = start + round(per_fold * (1 - test_share)) * step_ms
        made.append(Fold(Window(start, split - step_ms), Window(split, last)))
    return tuple(made)
