import csv
import math
import os
from pathlib import Path

import numpy as np
import pytest

import octobot_trading as ot

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
MINUTE = 60_000


def candle(i: int) -> tuple:
    return (i * MINUTE, 100.0 + i, 101.0 + i, 99.0 + i, 100.5 + i, 10.0 + i)


def filled(max_size: int, count: int) -> ot.CandleBuffer:
    buffer = ot.CandleBuffer("BTC/USDT", "1m", max_size=max_size)
    for i in range(count):
        buffer.append(*candle(i))
    return buffer


def test_empty_buffer():
    buffer = ot.CandleBuffer("BTC/USDT", ot.TimeFrame.ONE_HOUR, max_size=5)
    assert len(buffer) == 0
    assert buffer.last_candle is None and buffer.current_candle is None and buffer.last_timestamp is None
    assert buffer.closes().shape == (0,)
    assert buffer.time_frame is ot.TimeFrame.ONE_HOUR


def test_wrap_around_keeps_the_last_max_size_in_order():
    buffer = filled(max_size=4, count=11)
    assert len(buffer) == 4
    assert buffer.timestamps().tolist() == [7 * MINUTE, 8 * MINUTE, 9 * MINUTE, 10 * MINUTE]
    assert buffer.closes().tolist() == [107.5, 108.5, 109.5, 110.5]
    assert buffer.opens(2).tolist() == [109.0, 110.0]
    assert buffer.highs(1).tolist() == [111.0]
    assert buffer.lows(3).tolist() == [107.0, 108.0, 109.0]
    assert buffer.volumes(10).tolist() == [17.0, 18.0, 19.0, 20.0]  # n larger than held: all of them
    assert buffer.last_candle == ot.Candle(*candle(10))


@pytest.mark.parametrize("count", range(1, 15))
def test_views_are_right_at_every_position_of_the_ring(count):
    buffer = filled(max_size=5, count=count)
    expected = [candle(i) for i in range(max(0, count - 5), count)]
    for n in range(0, 7):
        tail = expected[len(expected) - min(n, len(expected)) :]
        assert buffer.timestamps(n).tolist() == [c[0] for c in tail]
        assert buffer.closes(n).tolist() == [c[4] for c in tail]
    assert buffer.to_array().tolist() == [list(map(float, c)) for c in expected]


def test_views_are_zero_copy_contiguous_typed_arrays():
    buffer = filled(max_size=4, count=9)
    closes = buffer.closes()
    times = buffer.timestamps()
    assert closes.dtype == np.float64 and times.dtype == np.int64
    assert closes.flags["C_CONTIGUOUS"] and times.flags["C_CONTIGUOUS"]
    assert not closes.flags["OWNDATA"] and not times.flags["OWNDATA"]  # windows on the buffer, not copies
    assert np.shares_memory(closes, buffer.closes(2))


def test_candle_in_construction():
    buffer = filled(max_size=3, count=5)
    buffer.update(5 * MINUTE, 105.0, 106.0, 104.0, 105.1, 1.0)
    buffer.update(5 * MINUTE, 105.0, 107.0, 104.0, 106.2, 2.0)  # the forming candle changes
    assert buffer.current_candle == ot.Candle(5 * MINUTE, 105.0, 107.0, 104.0, 106.2, 2.0)
    assert len(buffer) == 3
    assert buffer.closes().tolist() == [102.5, 103.5, 104.5]  # closed candles only by default
    assert buffer.closes(include_current=True).tolist() == [102.5, 103.5, 104.5, 106.2]
    assert buffer.closes(2, include_current=True).tolist() == [104.5, 106.2]
    assert buffer.timestamps(include_current=True)[-1] == 5 * MINUTE
    buffer.append(5 * MINUTE, 105.0, 107.5, 104.0, 106.9, 3.0)  # it closes
    assert buffer.current_candle is None
    assert buffer.last_candle.close == 106.9
    assert buffer.closes().tolist() == [103.5, 104.5, 106.9]


def test_out_of_order_candles_are_refused_naming_symbol_time_frame_and_time():
    buffer = filled(max_size=3, count=5)
    with pytest.raises(ot.CandleOrderError) as info:
        buffer.append(*candle(2))
    message = str(info.value)
    assert "BTC/USDT 1m" in message and str(2 * MINUTE) in message and "out of order" in message
    with pytest.raises(ot.CandleOrderError):
        buffer.append(*candle(4))  # same time as the last one: a duplicate
    with pytest.raises(ot.CandleOrderError):
        buffer.update(*candle(3))
    buffer.update(*candle(7))
    with pytest.raises(ot.CandleOrderError, match="in construction"):
        buffer.update(*candle(6))
    assert buffer.last_candle == ot.Candle(*candle(4))  # nothing changed
    assert buffer.timestamps().tolist() == [2 * MINUTE, 3 * MINUTE, 4 * MINUTE]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, None, "1"])
def test_nan_or_non_numeric_candles_are_refused(bad):
    buffer = filled(max_size=3, count=2)
    with pytest.raises(ot.InvalidCandleError) as info:
        buffer.append(5 * MINUTE, 1.0, bad, 1.0, 1.0, 1.0)
    assert "BTC/USDT 1m" in str(info.value) and str(5 * MINUTE) in str(info.value)
    assert len(buffer) == 2 and buffer.last_candle == ot.Candle(*candle(1))


def test_bulk_load_keeps_the_tail_and_continues_appending():
    buffer = ot.CandleBuffer("ETH/BTC", "1m", max_size=4)
    buffer.load(np.array([candle(i) for i in range(10)], dtype=np.float64))
    assert len(buffer) == 4
    assert buffer.timestamps().tolist() == [6 * MINUTE, 7 * MINUTE, 8 * MINUTE, 9 * MINUTE]
    buffer.append(*candle(10))
    buffer.load(np.array([candle(11), candle(12)]))
    assert buffer.closes().tolist() == [109.5, 110.5, 111.5, 112.5]
    assert buffer.last_candle == ot.Candle(*candle(12))


def test_bulk_load_refuses_bad_arrays_and_changes_nothing():
    buffer = filled(max_size=4, count=3)
    rows = np.array([candle(i) for i in range(3, 8)], dtype=np.float64)
    nan_rows = rows.copy()
    nan_rows[2, 4] = np.nan
    with pytest.raises(ot.InvalidCandleError, match=rf"BTC/USDT 1m.*{5 * MINUTE}.*row 2"):
        buffer.load(nan_rows)
    shuffled = rows[[0, 2, 1, 3, 4]]
    with pytest.raises(ot.CandleOrderError, match="row 2"):
        buffer.load(shuffled)
    with pytest.raises(ot.CandleOrderError):
        buffer.load(np.array([candle(1)]))
    with pytest.raises(ot.InvalidCandleError, match=r"\(n, 6\)"):
        buffer.load(rows[:, :5])
    for row, column, value, error in (
        (4, 5, np.inf, "NaN or infinite"),
        (1, 0, 4 * MINUTE + 0.5, "row 1 has timestamp"),
        (3, 0, np.inf, "row 3 has timestamp"),
        (0, 0, 1e19, "row 0|int ms"),
    ):
        bad = rows.copy()
        bad[row, column] = value
        with pytest.raises((ot.InvalidCandleError, ot.CandleOrderError), match=error):
            buffer.load(bad)
    assert buffer.timestamps().tolist() == [0, MINUTE, 2 * MINUTE]
    buffer.update(*candle(3))
    buffer.load(np.empty((0, 6)))  # nothing: the candle in construction stays
    assert buffer.current_candle == ot.Candle(*candle(3))
    buffer.load(rows)  # closed candles supersede the one in construction
    assert buffer.current_candle is None and buffer.last_candle == ot.Candle(*candle(7))


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="max_size"):
        ot.CandleBuffer("BTC/USDT", "1m", max_size=0)
    with pytest.raises(ot.UnknownTimeFrameError, match="did you mean '1h'"):
        ot.CandleBuffer("BTC/USDT", "1hr")
    with pytest.raises(ValueError, match="non-negative"):
        filled(3, 3).closes(-1)


def test_real_candles_incremental_and_bulk_agree():
    path = DATA / "freqtrade" / "ETH_BTC-5m.csv"
    if not path.exists():
        pytest.skip(f"shared market data not found at {path}; set OCTOBOT_SHARED_DATA")
    with path.open() as handle:
        rows = [[float(value) for value in row] for row in list(csv.reader(handle))[1:]]
    data = np.array(rows)
    incremental = ot.CandleBuffer("ETH/BTC", "5m", max_size=500)
    for row in rows:
        incremental.append(int(row[0]), *row[1:])
    bulk = ot.CandleBuffer("ETH/BTC", "5m", max_size=500)
    bulk.load(data)
    assert len(incremental) == len(bulk) == 500
    np.testing.assert_array_equal(incremental.closes(), data[-500:, 4])
    np.testing.assert_array_equal(bulk.timestamps(), data[-500:, 0].astype(np.int64))
    np.testing.assert_array_equal(bulk.to_array(), incremental.to_array())
    assert bulk.last_candle == ot.Candle(int(rows[-1][0]), *rows[-1][1:])


@pytest.mark.parametrize("seed", range(6))
def test_random_operations_match_a_plain_list_model(seed):
    """Random appends, updates and bulk loads against a list that keeps everything: every view must be the
    list's tail, at every ring position and window size."""
    import random

    rng = random.Random(seed)
    max_size = rng.randint(1, 9)
    buffer = ot.CandleBuffer("ETH/BTC", "5m", max_size=max_size)
    closed: list[tuple] = []
    current: tuple | None = None
    next_ts = 0
    for _ in range(300):
        action = rng.random()
        if action < 0.55:
            next_ts += rng.choice((1, 1, 2)) * 300_000
            row = (next_ts, rng.random(), rng.random(), rng.random(), rng.random(), rng.random())
            buffer.append(*row)
            closed.append(row)
            current = None
        elif action < 0.85:
            ts = next_ts + 300_000 if current is None or rng.random() < 0.3 else current[0]
            current = (ts, rng.random(), rng.random(), rng.random(), rng.random(), rng.random())
            buffer.update(*current)
        else:
            rows = []
            for _ in range(rng.randint(1, 2 * max_size + 3)):
                next_ts = max(next_ts, current[0] if current else 0) + 300_000
                rows.append((next_ts, rng.random(), rng.random(), rng.random(), rng.random(), rng.random()))
            buffer.load(np.array(rows, dtype=np.float64))
            closed.extend(rows)
            current = None
        if current is not None and current[0] <= (closed[-1][0] if closed else -1):
            current = None
        expected = closed[-max_size:]
        assert len(buffer) == len(expected)
        assert buffer.last_candle == (ot.Candle(*expected[-1]) if expected else None)
        assert buffer.current_candle == (ot.Candle(*current) if current else None)
        n = rng.randint(0, max_size + 2)
        tail = expected[len(expected) - min(n, len(expected)) :]
        assert buffer.timestamps(n).tolist() == [row[0] for row in tail]
        assert buffer.closes(n).tolist() == [row[4] for row in tail]
        with_current = expected + ([current] if current else [])
        tail = with_current[len(with_current) - min(n, len(with_current)) :]
        assert buffer.volumes(n, include_current=True).tolist() == [row[5] for row in tail]
        assert buffer.opens(n, include_current=True).tolist() == [row[1] for row in tail]


def test_bulk_loads_that_wrap_around_the_ring_read_back_as_appends():
    """Loads of every size, wrapping the ring at every position, read back as one append per candle."""
    loaded, appended = (
        ot.CandleBuffer("BTC/USDT", "1m", max_size=7),
        ot.CandleBuffer("BTC/USDT", "1m", max_size=7),
    )
    time = 0
    for size in (1, 3, 7, 2, 9, 5, 6, 1, 13, 4):
        rows = np.array([[time + i * 60_000, 1.0 + i, 2.0 + i, 0.5, 1.5 + i, 10.0 * i] for i in range(size)])
        time += size * 60_000
        loaded.load(rows)
        for row in rows.tolist():
            appended.append(int(row[0]), *row[1:])
        assert np.array_equal(loaded.timestamps(), appended.timestamps())
        assert np.array_equal(loaded.closes(), appended.closes())
        assert np.array_equal(loaded.volumes(), appended.volumes())


def test_appended_counts_every_closed_candle_and_never_goes_back():
    """A reader tells "one new candle right after the last one I read" from a refill by this counter."""
    buffer = ot.CandleBuffer("BTC/USDT", "1m", max_size=3)
    assert buffer.appended == 0 and math.isnan(buffer.last_close)
    for minute in range(5):
        buffer.append(minute * 60_000, 1.0, 2.0, 0.5, 1.0 + minute, 10.0)
    assert buffer.appended == 5 and len(buffer) == 3 and buffer.last_close == 5.0
    assert type(buffer.last_close) is float
    buffer.update(5 * 60_000, 1.0, 9.0, 0.5, 8.0, 1.0)  # the forming candle is not a closed one
    assert buffer.appended == 5 and buffer.last_close == 5.0
    buffer.clear()
    assert buffer.appended == 5 and len(buffer) == 0 and math.isnan(buffer.last_close)
    buffer.load(np.array([[6 * 60_000, 1.0, 2.0, 0.5, 7.0, 1.0], [7 * 60_000, 1.0, 2.0, 0.5, 7.5, 1.0]]))
    assert buffer.appended == 7 and buffer.last_close == 7.5 and buffer.closes().tolist() == [7.0, 7.5]
