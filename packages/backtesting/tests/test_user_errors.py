"""Mistakes in user data are named with their file and fix: data files that are not ours, damaged or
unreadable, candles of another time frame than their file says, swapped rows; and errors carry the key
of their fix so the `octobot` command can word it with its own flags."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

import octobot_backtesting as ob
from octobot_backtesting.validation import IssueKind, Severity

from .helpers import make_candles

M5, H1 = 300_000, 3_600_000
START = 1_700_000_400_000 - 1_700_000_400_000 % H1


def _csv(path: Path, candles: np.ndarray) -> Path:
    rows = "".join(
        ",".join(str(int(v)) if i == 0 else repr(float(v)) for i, v in enumerate(c)) + "\n" for c in candles
    )
    path.write_text("timestamp,open,high,low,close,volume\n" + rows)
    return path


def _data_file(path: Path, time_frame: str, candles: np.ndarray) -> Path:
    with ob.DataFileWriter(path, exchange="binance", origin="test") as writer:
        writer.write_ohlcv("ETH/BTC", time_frame, candles)
    return path


def test_two_swapped_rows_are_one_disorder_and_no_gap(tmp_path):
    candles = make_candles(START, M5, 20)[[*range(10), 11, 10, *range(12, 20)]]
    report = ob.import_files(
        _csv(tmp_path / "ETH_BTC-5m.csv", candles), tmp_path / "out.data", exchange="binance"
    )
    kinds = [issue.kind for issue in report.issues]
    assert IssueKind.GAP not in kinds
    disorder = [issue for issue in report.issues if issue.kind is IssueKind.OUT_OF_ORDER]
    assert len(disorder) == 1 and disorder[0].severity is Severity.WARNING
    assert disorder[0].timestamp_ms == START + 10 * M5 and "1 candle(s) out of order" in disorder[0].message
    with ob.DataFileReader(tmp_path / "out.data") as reader:
        assert reader.read_ohlcv("ETH/BTC", "5m")[:, 0].tolist() == (START + M5 * np.arange(20)).tolist()


def test_five_minute_candles_in_a_file_named_one_hour_are_refused(tmp_path):
    source = _csv(tmp_path / "ETH_BTC-1h.csv", make_candles(START, M5, 30))
    with pytest.raises(ob.ImporterError, match="candles are 5m apart, not 1h") as failure:
        ob.import_files(source, tmp_path / "out.data", exchange="binance")
    assert failure.value.fix_key == "time_frame" and "time_frame='5m'" in str(failure.value)
    assert sorted(tmp_path.iterdir()) == [source]  # nothing written


def test_validate_reports_candles_closer_than_their_time_frame(tmp_path):
    path = _data_file(tmp_path / "mislabelled.data", "1h", make_candles(START, M5, 30))
    report = ob.validate_data_file(path)
    too_close = [issue for issue in report.errors if issue.kind is IssueKind.TOO_CLOSE]
    assert too_close and not report.ok
    assert "opens 5m after the previous one, less than one 1h candle" in too_close[0].message


def test_a_gap_is_still_a_gap_after_sorting(tmp_path):
    candles = np.delete(make_candles(START, M5, 100), range(40, 90), axis=0)
    report = ob.import_files(
        _csv(tmp_path / "ETH_BTC-5m.csv", candles), tmp_path / "out.data", exchange="binance"
    )
    gaps = [issue for issue in report.issues if issue.kind is IssueKind.GAP]
    assert len(gaps) == 1 and gaps[0].message.startswith("50 candle(s) missing")


@pytest.mark.parametrize(
    ("content", "words", "fix_key"),
    [
        (b"", "is empty", "rewrite"),
        (b"timestamp,open\n1,2\n", "is not a data file (not SQLite)", "import"),
        (None, "is a damaged data file (truncated or overwritten)", "rewrite"),
    ],
    ids=["empty", "text", "truncated"],
)
def test_a_file_that_is_not_a_readable_data_file_says_what_it_is(tmp_path, content, words, fix_key):
    path = tmp_path / "bad.data"
    if content is None:
        whole = _data_file(tmp_path / "whole.data", "5m", make_candles(START, M5, 2000)).read_bytes()
        content = whole[: len(whole) // 2]
    path.write_bytes(content)
    with pytest.raises(ob.DataFileError, match=re.escape(words)) as failure:
        ob.DataFileReader(path)
    assert failure.value.fix_key == fix_key
    assert str(failure.value).startswith(f"{path} ")


def test_another_sqlite_file_is_named_as_such(tmp_path, octobot_data):
    path = octobot_data / "ExchangeHistoryDataCollector_1589740606.4862757.data"
    with pytest.raises(ob.DataFileError, match="a SQLite file but not an octobot-backtesting data file"):
        ob.DataFileReader(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_says_so(tmp_path):
    path = _data_file(tmp_path / "locked.data", "5m", make_candles(START, M5, 10))
    path.chmod(0)
    try:
        with pytest.raises(ob.DataFileError, match=r"cannot read it .* check its permissions"):
            ob.DataFileReader(path)
    finally:
        path.chmod(0o600)


def test_errors_word_their_fix_for_python_and_carry_its_key(tmp_path):
    path = _data_file(tmp_path / "x.data", "5m", make_candles(START, M5, 3))
    with pytest.raises(ob.DataFileExistsError) as failure:
        ob.DataFileWriter(path, exchange="binance", origin="test").__enter__()
    error = failure.value
    assert error.fix_key == "overwrite" and str(error) == f"{error.reason}; delete it or pass overwrite=True"
    source = _csv(tmp_path / "ETH_BTC-5m.csv", make_candles(START, M5, 3))
    with pytest.raises(ob.ImporterError) as failure:
        ob.import_files(source, tmp_path / "y.data")
    assert failure.value.fix_key == "exchange" and "exchange='binance'" in str(failure.value)
