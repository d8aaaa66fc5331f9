import json
import os
import sqlite3
from pathlib import Path

import pytest

import octobot_trading as ot

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def test_wall_clock_is_a_clock_returning_int_ms():
    clock = ot.WallClock()
    assert isinstance(clock, ot.Clock)
    first = clock.now_ms()
    assert isinstance(first, int)
    assert first > ot.iso_to_ms("2024-01-01")  # milliseconds, not seconds
    assert clock.now_ms() >= first


def test_any_object_with_now_ms_is_a_clock():
    class Simulated:
        def __init__(self) -> None:
            self.t = 0

        def now_ms(self) -> int:
            return self.t

    assert isinstance(Simulated(), ot.Clock)
    assert not isinstance(object(), ot.Clock)


def test_conversions():
    assert ot.iso_to_ms("2018-01-10T04:55:00Z") == 1515560100000
    assert ot.iso_to_ms("2018-01-10T04:55:00.250+00:00") == 1515560100250
    assert ot.iso_to_ms("2018-01-10T06:55:00+02:00") == 1515560100000
    assert ot.iso_to_ms("2018-01-10 04:55") == 1515560100000  # naive means UTC
    assert ot.iso_to_ms("1970-01-01") == 0
    assert ot.ms_to_iso(1515560100250) == "2018-01-10T04:55:00.250Z"
    assert ot.seconds_to_ms(1581774962.1269426) == 1581774962127
    assert ot.seconds_to_ms(10) == 10_000
    assert ot.ms_to_seconds(1500) == 1.5
    assert ot.check_ms(12.0) == 12
    assert ot.ms_to_datetime(1515560100250).microsecond == 250_000


def test_bad_timestamps_are_refused():
    with pytest.raises(ot.InvalidTimestampError, match="ISO 8601"):
        ot.iso_to_ms("10/01/2018")
    with pytest.raises(ot.InvalidTimestampError, match="int milliseconds"):
        ot.check_ms(1.5)
    with pytest.raises(ot.InvalidTimestampError):
        ot.check_ms(True)
    with pytest.raises(ot.InvalidTimestampError, match="finite"):
        ot.seconds_to_ms(float("nan"))


def test_candle_open_and_close_times():
    t = ot.iso_to_ms("2024-02-15T13:47:12Z")
    assert ot.candle_open_time(t, "1m") == ot.iso_to_ms("2024-02-15T13:47:00Z")
    assert ot.candle_open_time(t, "4h") == ot.iso_to_ms("2024-02-15T12:00:00Z")
    assert ot.candle_close_time(ot.iso_to_ms("2024-02-15T12:00:00Z"), "4h") == ot.iso_to_ms(
        "2024-02-15T16:00:00Z"
    )
    assert ot.candle_open_time(t, "1w") == ot.iso_to_ms("2024-02-12T00:00:00Z")  # a Monday
    assert ot.candle_open_time(t, "1M") == ot.iso_to_ms("2024-02-01T00:00:00Z")
    # calendar months: February 2024 has 29 days, December rolls over the year
    assert ot.candle_close_time(ot.iso_to_ms("2024-02-01"), "1M") == ot.iso_to_ms("2024-03-01")
    assert ot.candle_close_time(ot.iso_to_ms("2023-12-01"), "1M") == ot.iso_to_ms("2024-01-01")
    open_time = ot.iso_to_ms("2024-02-15T13:00:00Z")
    assert not ot.is_candle_closed(open_time, "1h", open_time + 3_599_999)
    assert ot.is_candle_closed(open_time, "1h", open_time + 3_600_000)


def test_candle_grid_matches_real_binance_candles():
    """Every recorded Binance open time sits on our grid (3d is left out: Binance anchors it on the
    market's listing day, not on a fixed grid)."""
    path = DATA / "octobot" / "AbstractExchangeHistoryCollector_1581774962.1269426.data"
    if not path.exists():
        pytest.skip(f"shared market data not found at {path}; set OCTOBOT_SHARED_DATA")
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT time_frame, candle FROM ohlcv WHERE time_frame != '3d'").fetchall()
    finally:
        connection.close()
    checked = set()
    for time_frame, candle in rows:
        open_ms = ot.seconds_to_ms(json.loads(candle)[0])
        assert ot.candle_open_time(open_ms, time_frame) == open_ms, (time_frame, ot.ms_to_iso(open_ms))
        checked.add(time_frame)
    assert {"1m", "1h", "1d", "1w", "1M"} <= checked
