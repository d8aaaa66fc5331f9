from collections import defaultdict

import numpy as np
import pytest

import octobot_backtesting as ob
from octobot_backtesting import IssueKind

from .helpers import make_candles


def _independent_hourly(rows):
    """Plain-Python OHLCV aggregation of 5m rows into complete 1h candles (12 per hour)."""
    groups = defaultdict(list)
    for row in rows:
        groups[int(row[0]) // 3_600_000 * 3_600_000].append(row)
    result = []
    for hour in sorted(groups):
        group = groups[hour]
        if len(group) != 12:
            continue
        result.append(
            [
                hour,
                group[0][1],
                max(r[2] for r in group),
                min(r[3] for r in group),
                group[-1][4],
                sum(r[5] for r in group),
            ]
        )
    return np.array(result)


@pytest.mark.parametrize("name", ["ETH_BTC-5m.csv", "ADA_BTC-5m.csv", "TRX_BTC-5m.csv"])
def test_5m_to_1h_matches_an_independent_computation(freqtrade_data, name):
    candles = ob.read_csv_candles(freqtrade_data / name)
    result = ob.resample_candles(candles, "5m", "1h", symbol=name)
    expected = _independent_hourly(candles.tolist())
    assert result.candles.shape == expected.shape
    np.testing.assert_array_equal(result.candles[:, :5], expected[:, :5])
    np.testing.assert_allclose(result.candles[:, 5], expected[:, 5], rtol=1e-12)
    # every dropped hour is reported with its open time
    assert [issue.timestamp_ms for issue in result.issues] == result.dropped_buckets
    assert all(issue.kind is IssueKind.INCOMPLETE_BUCKET for issue in result.issues)
    hours = {int(t) // 3_600_000 * 3_600_000 for t in candles[:, 0]}
    assert len(result.candles) + len(result.dropped_buckets) == len(hours)


def test_gappy_file_drops_and_reports_incomplete_hours(freqtrade_data):
    candles = ob.read_csv_candles(freqtrade_data / "ADA_BTC-5m.csv")
    result = ob.resample_candles(candles, "5m", "1h", symbol="ADA/BTC")
    # ADA_BTC misses 40 candles: some hours are incomplete, and so is the first one (starts at 04:55)
    assert len(result.dropped_buckets) >= 2
    assert result.dropped_buckets[0] == 1515556800000
    assert "only 1 of the 12 5m candles" in result.issues[0].message


def test_weekly_buckets_start_on_monday():
    days = make_candles(1_704_067_200_000, 86_400_000, 21)  # 2024-01-01 (a Monday), 21 days
    result = ob.resample_candles(days, "1d", "1w")
    assert result.candles[:, 0].astype(int).tolist() == [
        1_704_067_200_000,
        1_704_672_000_000,
        1_705_276_800_000,
    ]
    assert result.dropped_buckets == []
    assert result.candles[0, 5] == pytest.approx(days[:7, 5].sum())


@pytest.mark.parametrize(("source", "target"), [("1h", "90m"), ("4h", "1h"), ("1d", "1M"), ("1h", "1h")])
def test_impossible_targets_are_refused(source, target):
    with pytest.raises((ob.ResamplingError, ob.TimeFrameError)):
        ob.resample_candles(make_candles(0, 3_600_000, 10), source, target)


def test_unsorted_input_is_refused():
    candles = make_candles(0, 300_000, 24)[::-1]
    with pytest.raises(ob.ResamplingError, match="sorted"):
        ob.resample_candles(candles, "5m", "1h")
