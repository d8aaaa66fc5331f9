import numpy as np
import pytest

import octobot_backtesting as ob
from octobot_backtesting import IssueKind, Severity

from .helpers import make_candles

START = 1_700_000_000_000 - 1_700_000_000_000 % 300_000
STEP = 300_000


def _issues(candles, kind):
    return [issue for issue in ob.validate_candles(candles, "ETH/BTC", "5m").issues if issue.kind is kind]


def _only(candles, kind):
    found = _issues(candles, kind)
    assert len(found) == 1, found
    issue = found[0]
    assert (issue.symbol, issue.time_frame) == ("ETH/BTC", "5m")
    return issue


def test_clean_series_has_no_issue():
    report = ob.validate_candles(make_candles(START, STEP, 500), "ETH/BTC", "5m")
    assert report.issues == [] and report.ok


def test_gap_is_a_warning_with_its_position_and_size():
    candles = np.delete(make_candles(START, STEP, 20), [5, 6, 7], axis=0)
    issue = _only(candles, IssueKind.GAP)
    assert issue.severity is Severity.WARNING
    assert issue.timestamp_ms == START + 5 * STEP
    assert "3 candle(s) missing" in issue.message
    assert ob.validate_candles(candles, "ETH/BTC", "5m").ok


def test_duplicate_candle():
    candles = make_candles(START, STEP, 10)
    candles = np.insert(candles, 4, candles[4], axis=0)
    issue = _only(candles, IssueKind.DUPLICATE)
    assert issue.severity is Severity.ERROR and issue.timestamp_ms == START + 4 * STEP


def test_out_of_order_candle():
    candles = make_candles(START, STEP, 10)[[0, 1, 2, 4, 3, 5]]
    issue = _only(candles, IssueKind.OUT_OF_ORDER)
    assert issue.severity is Severity.ERROR and issue.timestamp_ms == START + 3 * STEP


@pytest.mark.parametrize(
    ("column", "value", "kind"),
    [
        (1, np.nan, IssueKind.NAN_VALUE),
        (5, np.nan, IssueKind.NAN_VALUE),
        (4, 0.0, IssueKind.NON_POSITIVE_PRICE),
        (3, -1.0, IssueKind.NON_POSITIVE_PRICE),
        (5, -3.0, IssueKind.NEGATIVE_VOLUME),
    ],
)
def test_bad_values(column, value, kind):
    candles = make_candles(START, STEP, 10)
    candles[6, column] = value
    issue = _only(candles, kind)
    assert issue.severity is Severity.ERROR and issue.timestamp_ms == START + 6 * STEP


def test_high_below_low():
    candles = make_candles(START, STEP, 10)
    candles[2, 2], candles[2, 3] = candles[2, 3], candles[2, 2]  # swap high and low
    issue = _only(candles, IssueKind.HIGH_BELOW_LOW)
    assert issue.timestamp_ms == START + 2 * STEP
    assert f"high={candles[2, 2]}" in issue.message


def test_open_and_close_outside_range():
    candles = make_candles(START, STEP, 10)
    candles[3, 1] = candles[3, 2] * 1.5
    candles[7, 4] = candles[7, 3] * 0.5
    assert _only(candles, IssueKind.OPEN_OUTSIDE_RANGE).timestamp_ms == START + 3 * STEP
    assert _only(candles, IssueKind.CLOSE_OUTSIDE_RANGE).timestamp_ms == START + 7 * STEP


def test_misaligned_open_time_is_a_warning():
    candles = make_candles(START + 1_000, STEP, 3)
    found = _issues(candles, IssueKind.MISALIGNED)
    assert [issue.timestamp_ms for issue in found] == candles[:, 0].astype(int).tolist()
    assert all(issue.severity is Severity.WARNING for issue in found)


def test_many_issues_are_capped_and_counted():
    candles = make_candles(START, STEP, 100)
    candles[:, 5] = -1.0
    report = ob.validate_candles(candles, "ETH/BTC", "5m", max_per_kind=5)
    listed = [issue for issue in report.issues if issue.timestamp_ms is not None]
    summary = [issue for issue in report.issues if issue.timestamp_ms is None]
    assert len(listed) == 5
    assert len(summary) == 1 and "95 more" in summary[0].message


def test_data_file_validation_streams_across_chunks_and_reports_missing_series(tmp_path):
    hour = 3_600_000
    good = make_candles(START, STEP, 50)
    bad = make_candles(START - START % hour, hour, 40, seed=3)
    bad = np.delete(bad, [20], axis=0)  # a gap exactly at a chunk boundary (chunk_size=20)
    bad[29, 2] = bad[29, 3] / 2
    path = tmp_path / "v.data"
    with ob.DataFileWriter(path, exchange="binance", origin="test") as writer:
        writer.write_ohlcv("ETH/BTC", "5m", good)
        writer.write_ohlcv("BTC/USDT", "1h", bad)
    report = ob.validate_data_file(path, chunk_size=20)
    found = {(i.kind, i.symbol, i.time_frame, i.timestamp_ms) for i in report.issues}
    assert found == {
        (IssueKind.GAP, "BTC/USDT", "1h", int(bad[19, 0]) + hour),
        # a high below the low leaves no room for open and close either
        (IssueKind.HIGH_BELOW_LOW, "BTC/USDT", "1h", int(bad[29, 0])),
        (IssueKind.OPEN_OUTSIDE_RANGE, "BTC/USDT", "1h", int(bad[29, 0])),
        (IssueKind.CLOSE_OUTSIDE_RANGE, "BTC/USDT", "1h", int(bad[29, 0])),
    }
    assert not report.ok
    with pytest.raises(ob.DataValidationError, match="BTC/USDT 1h") as raised:
        report.raise_for_errors("v.data")
    assert len(raised.value.issues) == 3

    requested = ob.validate_data_file(path, symbols=["ETH/BTC", "SOL/USDT"], time_frames=["5m", "1h"])
    missing = {(i.symbol, i.time_frame) for i in requested.issues if i.kind is IssueKind.MISSING_SERIES}
    assert missing == {("ETH/BTC", "1h"), ("SOL/USDT", "5m"), ("SOL/USDT", "1h")}
    assert all(i.severity is Severity.ERROR and i.timestamp_ms is None for i in requested.errors)


def test_monthly_gaps_follow_the_calendar():
    # 2021-01-01, 2021-02-01, (2021-03-01 missing), 2021-04-01
    months = [1609459200000, 1612137600000, 1617235200000]
    candles = np.array([[t, 1, 2, 0.5, 1, 1] for t in months], dtype=float)
    found = [i for i in ob.validate_candles(candles, "BTC/USDT", "1M").issues]
    assert [(i.kind, i.timestamp_ms) for i in found] == [(IssueKind.GAP, 1614556800000)]


def test_rows_without_a_usable_timestamp_are_reported_and_skipped():
    candles = make_candles(START, STEP, 6)
    candles[2, 0] = np.nan
    candles[4, 0] += 0.5
    report = ob.validate_candles(candles, "ETH/BTC", "5m")
    bad = [issue for issue in report.issues if issue.kind is IssueKind.BAD_TIMESTAMP]
    assert [(issue.severity, issue.timestamp_ms) for issue in bad] == [(Severity.ERROR, None)] * 2
    assert "row 2" in bad[0].message and "row 4" in bad[1].message
    # the other rows are still checked: the two skipped rows leave gaps
    assert {issue.timestamp_ms for issue in report.issues if issue.kind is IssueKind.GAP} == {
        START + 2 * STEP,
        START + 4 * STEP,
    }
