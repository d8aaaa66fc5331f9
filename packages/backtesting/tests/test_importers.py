import json
import shutil
import sqlite3

import numpy as np
import pytest

import octobot_backtesting as ob
from octobot_backtesting import IssueKind, Severity

FOUR_SYMBOLS = "ExchangeHistoryDataCollector_1711122002.311132.data"
BTC_2018 = "AbstractExchangeHistoryCollector_1581774962.1269426.data"
ADA_BITTREX = "AbstractExchangeHistoryCollector_1581775117.1713624.data"


def _csv_rows(path):
    lines = path.read_text().splitlines()[1:]
    return np.array([[float(x) for x in line.split(",")] for line in lines])


@pytest.mark.parametrize(
    ("name", "symbol", "time_frame", "count"),
    [
        ("ETH_BTC-5m.csv", "ETH/BTC", "5m", 5760),
        ("ADA_BTC-5m.csv", "ADA/BTC", "5m", 5720),
        ("ZEC_BTC-5m.csv", "ZEC/BTC", "5m", 5757),
        ("XRP_USDT_USDT-5m-futures.csv", "XRP/USDT:USDT", "5m", 1999),
        ("UNITTEST_BTC-30m.csv", "UNITTEST/BTC", "30m", 1920),
        ("XRP_ETH-1m.csv", "XRP/ETH", "1m", 2469),
    ],
)
def test_freqtrade_csv_files(freqtrade_data, tmp_path, name, symbol, time_frame, count):
    report = ob.import_files(freqtrade_data / name, tmp_path / "out.data", exchange="binance")
    assert report.series == {(symbol, time_frame): count}
    with ob.DataFileReader(tmp_path / "out.data") as reader:
        read = reader.read_ohlcv(symbol, time_frame)
    np.testing.assert_array_equal(read, _csv_rows(freqtrade_data / name))


def test_gappy_freqtrade_file_reports_its_gaps(freqtrade_data, tmp_path):
    report = ob.import_files(freqtrade_data / "ADA_BTC-5m.csv", tmp_path / "ada.data", exchange="binance")
    gaps = [issue for issue in report.issues if issue.kind is IssueKind.GAP]
    assert sum(int(issue.message.split(" ")[0]) for issue in gaps) == 40  # the 40 missing candles
    assert all(issue.symbol == "ADA/BTC" and issue.time_frame == "5m" for issue in gaps)
    inspection = ob.inspect_data_file(tmp_path / "ada.data")
    assert inspection.series[0].missing_candles == 40
    assert [gap.start_ms for gap in inspection.series[0].gaps] == [issue.timestamp_ms for issue in gaps]


def test_json_candle_array(freqtrade_data, tmp_path):
    source = freqtrade_data / "UNITTEST_BTC-1m.json"
    report = ob.import_files(source, tmp_path / "json.data", exchange="binance")
    assert report.series == {("UNITTEST/BTC", "1m"): 13681}
    expected = np.array(json.loads(source.read_text()), dtype=float)
    with ob.DataFileReader(tmp_path / "json.data") as reader:
        np.testing.assert_array_equal(reader.read_ohlcv("UNITTEST/BTC", "1m"), expected)
        assert reader.description.first_timestamp_ms == 1509836520000


@pytest.mark.parametrize("name", [FOUR_SYMBOLS, BTC_2018, ADA_BITTREX])
def test_octobot_data_files_are_converted(octobot_data, tmp_path, name):
    source = octobot_data / name
    raw = sqlite3.connect(source)
    expected_exchange = raw.execute("SELECT exchange FROM description").fetchone()[0]
    expected = {}
    query = "SELECT symbol, time_frame, candle FROM ohlcv ORDER BY rowid"
    for symbol, time_frame, candle in raw.execute(query):
        expected.setdefault((symbol, time_frame), []).append(json.loads(candle))
    raw.close()
    report = ob.import_files(source, tmp_path / "converted.data")
    assert report.series == {key: len(rows) for key, rows in expected.items()}
    with ob.DataFileReader(tmp_path / "converted.data") as reader:
        assert reader.description.exchange == expected_exchange
        for (symbol, time_frame), rows in expected.items():
            rows = np.array(sorted(rows))
            rows[:, 0] = np.round(rows[:, 0] * 1000)  # seconds -> ms
            np.testing.assert_array_equal(reader.read_ohlcv(symbol, time_frame), rows)


def test_multi_symbol_format_1_1(octobot_data, tmp_path):
    ob.import_files(octobot_data / FOUR_SYMBOLS, tmp_path / "four.data")
    inspection = ob.inspect_data_file(tmp_path / "four.data")
    assert inspection.description.symbols == ("BNB/USDT", "BTC/USDT", "ETH/USDT", "SOL/USDT")
    assert inspection.description.time_frames == ("4h",)
    for series in inspection.series:
        assert series.info.count == 500
        assert series.info.first_timestamp_ms == 1703923200000  # 2023-12-30 08:00 UTC, in ms
        assert series.gaps == ()
    assert ob.validate_data_file(tmp_path / "four.data").issues == []


def test_many_sources_into_one_file_with_resampling(freqtrade_data, octobot_data, tmp_path):
    sources = [freqtrade_data / "ETH_BTC-5m.csv", freqtrade_data / "LTC_BTC-5m.csv"]
    report = ob.import_files(sources, tmp_path / "many.data", exchange="binance", resample_to=["1h"])
    assert set(report.series) == {("ETH/BTC", "5m"), ("LTC/BTC", "5m"), ("ETH/BTC", "1h"), ("LTC/BTC", "1h")}
    assert report.resampled == {("ETH/BTC", "1h"): "5m", ("LTC/BTC", "1h"): "5m"}
    dropped = [i for i in report.issues if i.kind is IssueKind.INCOMPLETE_BUCKET]
    assert {(i.symbol, i.time_frame) for i in dropped} == {("ETH/BTC", "1h"), ("LTC/BTC", "1h")}
    with ob.DataFileReader(tmp_path / "many.data") as reader:
        hourly = reader.read_ohlcv("ETH/BTC", "1h")
    five = ob.read_csv_candles(freqtrade_data / "ETH_BTC-5m.csv")
    first_hour = five[(five[:, 0] >= hourly[0, 0]) & (five[:, 0] < hourly[0, 0] + 3_600_000)]
    assert hourly[0, 2] == first_hour[:, 2].max() and hourly[0, 4] == first_hour[-1, 4]


def test_resampling_needs_a_dividing_time_frame(freqtrade_data, tmp_path):
    with pytest.raises(ob.ImporterError, match="no imported time frame divides it"):
        ob.import_files(
            freqtrade_data / "UNITTEST_BTC-30m.csv", tmp_path / "x.data", exchange="b", resample_to=["1M"]
        )
    assert not (tmp_path / "x.data").exists()


def test_csv_without_header_iso_dates_and_semicolons(tmp_path):
    source = tmp_path / "prices.csv"
    source.write_text("2024-01-01T00:00:00Z;10;12;9;11;5\n2024-01-01 01:00;11;13;10;12;6\n")
    report = ob.import_files(
        source, tmp_path / "out.data", exchange="kraken", symbol="BTC/EUR", time_frame="1h"
    )
    assert report.series == {("BTC/EUR", "1h"): 2}
    with ob.DataFileReader(tmp_path / "out.data") as reader:
        np.testing.assert_array_equal(
            reader.read_ohlcv("BTC/EUR", "1h"),
            [[1704067200000, 10, 12, 9, 11, 5], [1704070800000, 11, 13, 10, 12, 6]],
        )


def test_csv_header_in_any_order_and_seconds(tmp_path):
    source = tmp_path / "BTC_USDT-1d.csv"
    source.write_text("Date,Volume,Open,High,Low,Close\n1704067200,5,10,12,9,11\n")
    with pytest.raises(ob.ImporterError, match="timestamp_unit='s'"):
        ob.read_csv_candles(source)
    candles = ob.read_csv_candles(source, timestamp_unit="s")
    np.testing.assert_array_equal(candles, [[1704067200000, 10, 12, 9, 11, 5]])


def test_out_of_order_and_identical_duplicates_are_fixed_and_reported(tmp_path):
    t0 = 1_700_000_040_000
    source = tmp_path / "ETH_USDT-1m.csv"
    rows = [(t0 + 120_000, 2), (t0, 1), (t0 + 60_000, 2), (t0 + 60_000, 2)]
    source.write_text(
        "timestamp,open,high,low,close,volume\n" + "".join(f"{t},1,2,1,{c},1\n" for t, c in rows)
    )
    report = ob.import_files(source, tmp_path / "out.data", exchange="binance")
    kinds = {(i.kind, i.timestamp_ms, i.severity) for i in report.issues}
    assert (IssueKind.OUT_OF_ORDER, t0, Severity.WARNING) in kinds
    assert (IssueKind.DUPLICATE, t0 + 60_000, Severity.WARNING) in kinds
    with ob.DataFileReader(tmp_path / "out.data") as reader:
        assert reader.read_ohlcv("ETH/USDT", "1m")[:, 0].tolist() == [t0, t0 + 60_000, t0 + 120_000]


def test_conflicting_duplicates_stop_the_import(tmp_path):
    source = tmp_path / "ETH_USDT-1m.json"
    source.write_text(json.dumps([[1_700_000_040_000, 1, 2, 1, 2, 1], [1_700_000_040_000, 1, 3, 1, 2, 1]]))
    with pytest.raises(ob.ImporterError, match="two different candles"):
        ob.import_files(source, tmp_path / "out.data", exchange="binance")
    assert list(tmp_path.iterdir()) == [source]


def test_bad_values_are_imported_but_reported_as_errors(tmp_path):
    source = tmp_path / "ETH_USDT-1m.json"
    source.write_text(json.dumps([[1_700_000_040_000, 1, 0.5, 1, 2, 1], [1_700_000_100_000, 1, 2, 1, 2, 1]]))
    report = ob.import_files(source, tmp_path / "out.data", exchange="binance")
    assert any(i.kind is IssueKind.HIGH_BELOW_LOW and i.severity is Severity.ERROR for i in report.issues)
    assert not ob.validate_data_file(tmp_path / "out.data").ok


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ETH_BTC-5m.csv", ("ETH/BTC", "5m")),
        ("XRP_USDT_USDT-5m-futures.csv", ("XRP/USDT:USDT", "5m")),
        ("UNITTEST_BTC-1m.json", ("UNITTEST/BTC", "1m")),
        ("BTC_USDT-1M.feather", ("BTC/USDT", "1M")),
    ],
)
def test_freqtrade_file_names(name, expected):
    assert ob.parse_candle_file_name(name) == expected


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("candles.csv", "pass symbol= and time_frame="),
        ("BTC_USDT_USDT-8h-funding_rate.csv", "not trade candles"),
        ("BTC_USDT-7m.csv", "7m"),
    ],
)
def test_bad_file_names_say_what_to_do(name, message):
    with pytest.raises((ob.ImporterError, ob.TimeFrameError), match=message):
        ob.parse_candle_file_name(name)


def test_missing_symbol_or_exchange_is_a_clear_error(tmp_path):
    source = tmp_path / "candles.csv"
    source.write_text("1704067200000,10,12,9,11,5\n")
    with pytest.raises(ob.ImporterError, match="pass symbol and time_frame= explicitly"):
        ob.import_files(source, tmp_path / "a.data", exchange="binance")
    with pytest.raises(ob.ImporterError, match="pass time_frame= explicitly"):
        ob.import_files(source, tmp_path / "a.data", exchange="binance", symbol="BTC/USDT")
    with pytest.raises(ob.ImporterError, match="pass exchange="):
        ob.import_files(source, tmp_path / "a.data", symbol="BTC/USDT", time_frame="1h")


def test_exchange_from_a_freqtrade_folder(freqtrade_data, tmp_path):
    folder = tmp_path / "kraken"
    folder.mkdir()
    shutil.copy(freqtrade_data / "XRP_ETH-5m.csv", folder)
    ob.import_files(folder / "XRP_ETH-5m.csv", tmp_path / "k.data")
    with ob.DataFileReader(tmp_path / "k.data") as reader:
        assert reader.description.exchange == "kraken"


def test_our_own_files_can_be_imported(freqtrade_data, tmp_path):
    ob.import_files(freqtrade_data / "XRP_ETH-5m.csv", tmp_path / "a.data", exchange="binance")
    report = ob.import_files([tmp_path / "a.data", freqtrade_data / "XRP_ETH-1m.csv"], tmp_path / "b.data")
    assert report.series == {("XRP/ETH", "5m"): 706, ("XRP/ETH", "1m"): 2469}


def test_unknown_formats_are_refused(tmp_path):
    source = tmp_path / "ETH_BTC-5m.parquet"
    source.write_bytes(b"PAR1")
    with pytest.raises(ob.ImporterError, match="unknown candle file format"):
        ob.import_files(source, tmp_path / "out.data", exchange="binance")
    bad_json = tmp_path / "ETH_BTC-5m.json"
    bad_json.write_text('{"candles": []}')
    with pytest.raises(ob.ImporterError, match="JSON array of candle arrays"):
        ob.import_files(bad_json, tmp_path / "out.data", exchange="binance")


def test_a_candle_without_timestamp_stops_the_import(tmp_path):
    source = tmp_path / "ETH_USDT-1m.json"
    source.write_text(json.dumps([[1_700_000_040_000, 1, 2, 1, 2, 1], [None, 1, 2, 1, 2, 1]]))
    with pytest.raises(ob.ImporterError, match="without a usable timestamp"):
        ob.import_files(source, tmp_path / "out.data", exchange="binance")


def test_reading_candle_files_gives_what_an_import_writes_and_writes_nothing(
    freqtrade_data, octobot_data, tmp_path
):
    sources = [freqtrade_data / "ETH_BTC-5m.csv", octobot_data / FOUR_SYMBOLS]
    before = sorted(tmp_path.iterdir())
    read = ob.read_candle_files(sources)
    assert sorted(tmp_path.iterdir()) == before
    assert "binance" in read.exchanges
    report = ob.import_files(sources, tmp_path / "both.data", exchange="binance")
    assert {key: len(candles) for key, candles in read.series.items()} == report.series
    with ob.DataFileReader(tmp_path / "both.data") as reader:
        for (symbol, time_frame), candles in read.series.items():
            np.testing.assert_array_equal(reader.read_ohlcv(symbol, time_frame), candles)


def test_reading_out_of_order_rows_sorts_them_and_reports_it(tmp_path):
    source = tmp_path / "BTC_USDT-1h.csv"
    hour = 1_700_000_000_000 - 1_700_000_000_000 % 3_600_000
    rows = [f"{hour + 3_600_000},1,2,1,2,5", f"{hour},1,2,1,1,5"]
    source.write_text("timestamp,open,high,low,close,volume\n" + "\n".join(rows) + "\n")
    read = ob.read_candle_files(source)
    assert read.series[("BTC/USDT", "1h")][:, 0].tolist() == [hour, hour + 3_600_000]
    assert [issue.kind for issue in read.issues] == [IssueKind.OUT_OF_ORDER]
