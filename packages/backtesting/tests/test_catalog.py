import numpy as np
import pytest

import octobot_backtesting as ob

from .helpers import make_candles

START = 1_600_000_000_000


def _write(path, exchange="binance", **series):
    with ob.DataFileWriter(path, exchange=exchange, origin=path.name) as writer:
        for key, candles in series.items():
            symbol, time_frame = key.rsplit("_", 1)
            writer.write_ohlcv(symbol.replace("_", "/"), time_frame, candles)


def test_list_data_files_skips_other_files(tmp_path):
    _write(tmp_path / "a.data", BTC_USDT_1h=make_candles(START, 3_600_000, 10))
    _write(tmp_path / "b.data", exchange="kraken", ETH_EUR_1d=make_candles(START, 86_400_000, 5))
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "c.data.part").write_bytes(b"half")
    listed = ob.list_data_files(tmp_path)
    assert [summary.path.name for summary in listed] == ["a.data", "b.data"]
    assert [summary.description.exchange for summary in listed] == ["binance", "kraken"]
    assert all(summary.size_bytes > 0 for summary in listed)
    with pytest.raises(ob.DataFileError, match="no such folder"):
        ob.list_data_files(tmp_path / "missing")


def test_inspect_reports_ranges_counts_and_gaps(tmp_path):
    candles = np.delete(make_candles(START, 60_000, 100), [10, 50, 51], axis=0)
    _write(tmp_path / "a.data", BTC_USDT_1m=candles)
    inspection = ob.inspect_data_file(tmp_path / "a.data")
    (series,) = inspection.series
    assert (series.info.count, series.info.first_timestamp_ms, series.info.last_timestamp_ms) == (
        97,
        START,
        START + 99 * 60_000,
    )
    assert [(gap.start_ms, gap.missing) for gap in series.gaps] == [
        (START + 600_000, 1),
        (START + 3_000_000, 2),
    ]
    assert series.missing_candles == 3


def test_delete_refuses_what_is_not_a_data_file(tmp_path):
    _write(tmp_path / "a.data", BTC_USDT_1h=make_candles(START, 3_600_000, 3))
    other = tmp_path / "keep.txt"
    other.write_text("precious")
    with pytest.raises(ob.DataFileError):
        ob.delete_data_file(other)
    assert other.exists()
    ob.delete_data_file(tmp_path / "a.data")
    assert not (tmp_path / "a.data").exists()


def test_merge_unions_series_and_overlaps(tmp_path):
    btc = make_candles(START, 3_600_000, 100)
    eth = make_candles(START, 300_000, 50, seed=2)
    _write(tmp_path / "a.data", BTC_USDT_1h=btc[:60], ETH_USDT_5m=eth)
    _write(tmp_path / "b.data", BTC_USDT_1h=btc[40:])
    description = ob.merge_data_files(tmp_path / "a.data", tmp_path / "b.data", tmp_path / "m.data")
    assert description.symbols == ("BTC/USDT", "ETH/USDT")
    assert description.origin == "merge: a.data + b.data"
    with ob.DataFileReader(tmp_path / "m.data") as reader:
        np.testing.assert_array_equal(reader.read_ohlcv("BTC/USDT", "1h"), btc)
        np.testing.assert_array_equal(reader.read_ohlcv("ETH/USDT", "5m"), eth)


def test_merge_refuses_conflicts_and_mixed_exchanges(tmp_path):
    btc = make_candles(START, 3_600_000, 10)
    changed = btc.copy()
    changed[5, 4] *= 1.01
    _write(tmp_path / "a.data", BTC_USDT_1h=btc)
    _write(tmp_path / "b.data", BTC_USDT_1h=changed)
    _write(tmp_path / "c.data", exchange="kraken", BTC_USDT_1h=btc)
    with pytest.raises(ob.MergeConflictError, match=f"first: {int(btc[5, 0])}"):
        ob.merge_data_files(tmp_path / "a.data", tmp_path / "b.data", tmp_path / "m.data")
    with pytest.raises(ob.DataFileError, match="one exchange"):
        ob.merge_data_files(tmp_path / "a.data", tmp_path / "c.data", tmp_path / "m.data")
    assert not (tmp_path / "m.data").exists() and not list(tmp_path.glob("m.data*.part"))
