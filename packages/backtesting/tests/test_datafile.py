import sqlite3

import numpy as np
import pytest

import octobot_backtesting as ob

from .helpers import make_candles

START = 1_600_000_000_000
SERIES = {
    ("BTC/USDT", "1m"): (60_000, 3_000),
    ("BTC/USDT", "1h"): (3_600_000, 200),
    ("ETH/USDT", "5m"): (300_000, 1_000),
    ("ETH/BTC", "4h"): (14_400_000, 50),
    ("XRP/USDT:USDT", "1d"): (86_400_000, 30),
}


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "many.data"
    arrays = {}
    with ob.DataFileWriter(path, exchange="binance", origin="test") as writer:
        for index, ((symbol, time_frame), (step, count)) in enumerate(SERIES.items()):
            arrays[(symbol, time_frame)] = make_candles(START, step, count, seed=index)
            # written in two calls, as a collector appends
            half = count // 2
            writer.write_ohlcv(symbol, time_frame, arrays[(symbol, time_frame)][:half])
            writer.write_ohlcv(symbol, time_frame, arrays[(symbol, time_frame)][half:])
    return path, arrays


def test_round_trip_many_symbols_and_time_frames(written):
    path, arrays = written
    with ob.DataFileReader(path) as reader:
        description = reader.description
        assert description.exchange == "binance"
        assert description.origin == "test"
        assert description.symbols == ("BTC/USDT", "ETH/BTC", "ETH/USDT", "XRP/USDT:USDT")
        assert description.time_frames == ("1m", "5m", "1h", "4h", "1d")
        assert description.first_timestamp_ms == START
        assert description.last_timestamp_ms == max(int(a[-1, 0]) for a in arrays.values())
        assert {(s.symbol, s.time_frame): s.count for s in reader.series()} == {
            key: count for key, (_, count) in SERIES.items()
        }
        for (symbol, time_frame), expected in arrays.items():
            read = reader.read_ohlcv(symbol, time_frame)
            assert read.dtype == np.float64 and read.shape == expected.shape
            np.testing.assert_array_equal(read, expected)


def test_streams_in_chunks_forward_and_by_range(written):
    path, arrays = written
    expected = arrays[("BTC/USDT", "1m")]
    with ob.DataFileReader(path) as reader:
        chunks = list(reader.iter_ohlcv("BTC/USDT", "1m", chunk_size=700))
        assert [len(c) for c in chunks] == [700, 700, 700, 700, 200]
        np.testing.assert_array_equal(np.concatenate(chunks), expected)
        start, end = int(expected[100, 0]), int(expected[199, 0])
        window = reader.read_ohlcv("BTC/USDT", "1m", start_ms=start, end_ms=end)
        np.testing.assert_array_equal(window, expected[100:200])
        assert reader.count("BTC/USDT", "1m", start_ms=start) == len(expected) - 100


def test_nan_price_round_trips_as_nan(tmp_path):
    candles = make_candles(START, 60_000, 5)
    candles[2, 3] = np.nan
    path = tmp_path / "nan.data"
    with ob.DataFileWriter(path, exchange="binance", origin="test") as writer:
        writer.write_ohlcv("BTC/USDT", "1m", candles)
    with ob.DataFileReader(path) as reader:
        read = reader.read_ohlcv("BTC/USDT", "1m")
    assert np.isnan(read[2, 3])
    np.testing.assert_array_equal(read, candles)


def test_failed_write_leaves_no_file_that_looks_whole(tmp_path):
    path = tmp_path / "crash.data"
    with pytest.raises(RuntimeError), ob.DataFileWriter(path, exchange="binance", origin="test") as writer:
        writer.write_ohlcv("BTC/USDT", "1m", make_candles(START, 60_000, 100))
        assert not path.exists()  # only the .part file exists while writing
        assert [p.suffix for p in tmp_path.glob("crash.data.*")] == [".part"]
        raise RuntimeError("collector died")
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_leftover_part_file_is_refused_and_not_listed(tmp_path):
    # a process killed mid-write leaves a .part file behind: simulate it with an unfinished writer
    writer = ob.DataFileWriter(tmp_path / "killed.data", exchange="binance", origin="test").__enter__()
    writer.write_ohlcv("BTC/USDT", "1m", make_candles(START, 60_000, 10))
    (part,) = tmp_path.glob("killed.data.*.part")
    assert not (tmp_path / "killed.data").exists()
    with pytest.raises(ob.DataFileError, match="incomplete"):
        ob.DataFileReader(part)
    assert ob.list_data_files(tmp_path) == []
    writer.__exit__(None, None, None)  # finishing it renames it into place
    assert [summary.path.name for summary in ob.list_data_files(tmp_path)] == ["killed.data"]


def test_refuses_to_overwrite_unless_asked(written):
    path, _ = written
    with pytest.raises(ob.DataFileExistsError, match="overwrite=True"):
        ob.DataFileWriter(path, exchange="binance", origin="test")
    with ob.DataFileWriter(path, exchange="kraken", origin="again", overwrite=True) as writer:
        writer.write_ohlcv("BTC/USD", "1h", make_candles(START, 3_600_000, 3))
    with ob.DataFileReader(path) as reader:
        assert reader.description.exchange == "kraken"
        assert [s.symbol for s in reader.series()] == ["BTC/USD"]


def test_writer_refuses_unsorted_duplicate_or_overlapping_rows(tmp_path):
    candles = make_candles(START, 60_000, 10)
    with pytest.raises(ob.DataFileError, match="BTC/USDT 1m: candle at 1600000180000 ms is a duplicate"):
        with ob.DataFileWriter(tmp_path / "a.data", exchange="binance", origin="test") as writer:
            writer.write_ohlcv("BTC/USDT", "1m", candles[[0, 1, 2, 3, 3, 5]])
    with pytest.raises(ob.DataFileError, match="overlap"):
        with ob.DataFileWriter(tmp_path / "b.data", exchange="binance", origin="test") as writer:
            writer.write_ohlcv("BTC/USDT", "1m", candles[:5])
            writer.write_ohlcv("BTC/USDT", "1m", candles[4:])
    with pytest.raises(ob.DataFileError, match=r"\(n, 6\)"):
        with ob.DataFileWriter(tmp_path / "c.data", exchange="binance", origin="test") as writer:
            writer.write_ohlcv("BTC/USDT", "1m", candles[:, :5])
    with pytest.raises(ob.TimeFrameError, match="7m"):
        with ob.DataFileWriter(tmp_path / "d.data", exchange="binance", origin="test") as writer:
            writer.write_ohlcv("BTC/USDT", "7m", candles)
    assert list(tmp_path.iterdir()) == []


def test_reader_errors_name_the_problem(written, tmp_path):
    path, _ = written
    with ob.DataFileReader(path) as reader, pytest.raises(ob.SeriesNotFoundError, match="BTC/USDT 1m"):
        reader.read_ohlcv("BTC/USDT", "15m")
    with pytest.raises(ob.DataFileError, match="no such data file"):
        ob.DataFileReader(tmp_path / "missing.data")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ob.DataFileError, match="import_files"):
        ob.DataFileReader(other)
    text = tmp_path / "notes.data"
    text.write_text("not a database")
    with pytest.raises(ob.DataFileError):
        ob.DataFileReader(text)


def test_schema_is_typed_and_indexed(written):
    path, _ = written
    connection = sqlite3.connect(path)
    columns = {row[1]: row[2] for row in connection.execute("PRAGMA table_info(ohlcv)")}
    assert columns == {
        "symbol": "TEXT",
        "time_frame": "TEXT",
        "timestamp": "INTEGER",
        "open": "REAL",
        "high": "REAL",
        "low": "REAL",
        "close": "REAL",
        "volume": "REAL",
    }
    key = [row[2] for row in connection.execute("PRAGMA index_info(sqlite_autoindex_ohlcv_1)")]
    assert key == ["symbol", "time_frame", "timestamp"]
    assert {"tickers", "order_books", "trades", "description"} <= {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert connection.execute("SELECT typeof(timestamp) FROM ohlcv LIMIT 1").fetchone() == ("integer",)
    connection.close()


def test_off_grid_rows_are_all_read_and_series_are_listed_in_key_order(written):
    """A file written elsewhere may hold open times off the time frame's grid: a read sized on the grid
    must still return every row (the reader then reads the rest)."""
    path, arrays = written
    (symbol, time_frame), candles = next(iter(arrays.items()))
    first = int(candles[0, 0])
    extra = [(symbol, time_frame, first + offset, 1.0, 2.0, 0.5, 1.5, 3.0) for offset in (1, 2, 3, 5, 7)]
    with sqlite3.connect(path) as connection:
        connection.executemany("INSERT INTO ohlcv VALUES (?, ?, ?, ?, ?, ?, ?, ?)", extra)
    with ob.DataFileReader(path) as reader:
        read = reader.read_ohlcv(symbol, time_frame)
        assert len(read) == len(candles) + len(extra)
        assert np.all(read[1:, 0] > read[:-1, 0])
        infos = reader.series()
    assert [(info.symbol, info.time_frame) for info in infos] == sorted(arrays)
    counts = {(info.symbol, info.time_frame): info.count for info in infos}
    assert counts[(symbol, time_frame)] == len(candles) + len(extra)
    assert all(counts[key] == len(value) for key, value in arrays.items() if key != (symbol, time_frame))


def test_a_long_read_in_two_halves_gives_the_same_rows(written, monkeypatch):
    """Compiled reads of long ranges go in two halves at once; with off-grid rows in both halves."""
    import octobot_backtesting.datafile_reader as reader_module

    path, arrays = written
    (symbol, time_frame), candles = max(arrays.items(), key=lambda item: len(item[1]))
    with ob.DataFileReader(path) as reader:
        whole = reader.read_ohlcv(symbol, time_frame)
        window = reader.read_ohlcv(symbol, time_frame, int(candles[3, 0]), int(candles[-4, 0]))
    middle = int(candles[len(candles) // 2, 0])
    extra = [(symbol, time_frame, t, 1.0, 2.0, 0.5, 1.5, 3.0) for t in (int(candles[0, 0]) + 1, middle + 1)]
    with sqlite3.connect(path) as connection:
        connection.executemany("INSERT INTO ohlcv VALUES (?, ?, ?, ?, ?, ?, ?, ?)", extra)
    monkeypatch.setattr(reader_module, "PARALLEL_READ_ROWS", 4)
    with ob.DataFileReader(path) as reader:
        halves = reader.read_ohlcv(symbol, time_frame)
        window_halves = reader.read_ohlcv(symbol, time_frame, int(candles[3, 0]), int(candles[-4, 0]))
    assert len(halves) == len(whole) + 2 and np.all(halves[1:, 0] > halves[:-1, 0])
    assert np.array_equal(np.delete(halves, [1, 1 + len(candles) // 2 + 1], axis=0), whole)
    assert np.array_equal(np.delete(window_halves, len(candles) // 2 - 3 + 1, axis=0), window)


def test_two_writers_of_one_file_never_share_a_part_and_the_loser_is_told(tmp_path):
    """Two runs sharing a home folder: each writes its own .part; the first to finish publishes the
    file, the second gets a clear error (no FileNotFoundError on a .part the other renamed)."""
    path = tmp_path / "same.data"
    first = ob.DataFileWriter(path, exchange="binance", origin="first").__enter__()
    second = ob.DataFileWriter(path, exchange="binance", origin="second").__enter__()
    first.write_ohlcv("BTC/USDT", "1m", make_candles(START, 60_000, 10))
    second.write_ohlcv("BTC/USDT", "1m", make_candles(START, 60_000, 20))
    assert len(list(tmp_path.glob("same.data.*.part"))) == 2
    first.__exit__(None, None, None)
    with pytest.raises(ob.DataFileExistsError, match="created by another run while this one wrote it"):
        second.__exit__(None, None, None)
    with ob.DataFileReader(path) as reader:
        assert reader.description.origin == "first" and len(reader.read_ohlcv("BTC/USDT", "1m")) == 10
    assert list(tmp_path.iterdir()) == [path]


def test_with_overwrite_the_last_writer_replaces_the_file_atomically(tmp_path):
    path = tmp_path / "same.data"
    first = ob.DataFileWriter(path, exchange="binance", origin="first", overwrite=True).__enter__()
    second = ob.DataFileWriter(path, exchange="binance", origin="second", overwrite=True).__enter__()
    for writer in (first, second):
        writer.write_ohlcv("BTC/USDT", "1m", make_candles(START, 60_000, 5))
    first.__exit__(None, None, None)
    with ob.DataFileReader(path) as reading_first:
        second.__exit__(None, None, None)  # replaced under an open reader: it keeps the whole first file
        assert reading_first.description.origin == "first"
        assert len(reading_first.read_ohlcv("BTC/USDT", "1m")) == 5
    with ob.DataFileReader(path) as reader:
        assert reader.description.origin == "second"
    assert list(tmp_path.iterdir()) == [path]


def test_a_new_writer_removes_the_part_of_a_dead_writer_only(tmp_path):
    path = tmp_path / "x.data"
    dead = tmp_path / "x.data.999999999-deadbeef.part"  # no such process
    dead.write_bytes(b"half")
    alive = ob.DataFileWriter(path, exchange="binance", origin="alive").__enter__()
    with ob.DataFileWriter(path, exchange="binance", origin="other", overwrite=True) as writer:
        writer.write_ohlcv("BTC/USDT", "1m", make_candles(START, 60_000, 3))
    assert not dead.exists()
    assert len(list(tmp_path.glob("x.data.*.part"))) == 1  # the live writer's part is left alone
    alive.__exit__(RuntimeError, RuntimeError("stop"), None)
    assert list(tmp_path.iterdir()) == [path]
