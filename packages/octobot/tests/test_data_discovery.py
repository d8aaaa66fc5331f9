"""Finding recorded candles for a profile: ours as they are, other formats imported once, a clear miss."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

import octobot
import octobot_backtesting as ob
from octobot.data_discovery import IMPORTED_PREFIX, find_backtest_data
from octobot.errors import DataError

from .helpers import shared_data


@pytest.fixture
def default_profile(home: octobot.UserHome) -> octobot.Profile:
    return octobot.load_profile("default", octobot.TentacleRegistry.discover(), home)


def _hourly_btc(count: int) -> np.ndarray:
    times = 1_700_000_000_000 + 3_600_000 * np.arange(count, dtype=np.float64)
    closes = 30_000 + np.arange(count, dtype=np.float64)
    return np.column_stack([times, closes, closes + 5, closes - 5, closes + 1, np.ones(count)])


def test_an_octobot_file_is_imported_once_then_reused(home, default_profile, octobot_btc_file, tmp_path):
    folder = tmp_path / "recorded"
    folder.mkdir()
    (folder / "notes.txt").write_text("not candles")
    (folder / "broken.data").write_bytes(b"not a database at all")
    shutil.copy(octobot_btc_file, folder / octobot_btc_file.name)

    first = find_backtest_data(default_profile, [home.data, folder], home)
    assert first.parent == home.data and first.name.startswith(IMPORTED_PREFIX)
    with ob.DataFileReader(first) as reader:
        assert reader.count("BTC/USDT", "1h") == 500
    stamp = first.stat().st_mtime_ns
    os.utime(folder / octobot_btc_file.name, (1, 1))  # the source is older than the import

    again = find_backtest_data(default_profile, [home.data, folder], home)
    assert again == first and again.stat().st_mtime_ns == stamp


def test_a_data_file_of_ours_is_used_as_it_is_and_first(home, default_profile, octobot_btc_file, tmp_path):
    ours = home.data / "btc.sqlite"
    with ob.DataFileWriter(ours, exchange="binance", origin="test") as writer:
        writer.write_ohlcv("BTC/USDT", "1h", _hourly_btc(48))
    assert find_backtest_data(default_profile, [home.data, octobot_btc_file.parent], home) == ours


def test_files_missing_a_pair_or_time_frame_are_passed_over(home, default_profile, tmp_path):
    with ob.DataFileWriter(home.data / "eth.sqlite", exchange="binance", origin="test") as writer:
        writer.write_ohlcv("ETH/USDT", "1h", _hourly_btc(48))
    with ob.DataFileWriter(home.data / "btc-4h.sqlite", exchange="binance", origin="test") as writer:
        writer.write_ohlcv("BTC/USDT", "4h", _hourly_btc(48)[::4])
    with pytest.raises(DataError) as raised:
        find_backtest_data(default_profile, [home.data, tmp_path / "absent"], home)
    message = str(raised.value)
    assert "BTC/USDT at 1h" in message
    assert "octobot data collect --exchange binance --symbol BTC/USDT --time-frame 1h" in message


def test_the_shared_data_holds_a_file_for_the_default_profile(home, default_profile):
    folder = shared_data()
    if not folder.is_dir():
        pytest.skip(f"real market data not found at {folder}: set OCTOBOT_SHARED_DATA")
    chosen = find_backtest_data(default_profile, [home.data, folder], home)
    with ob.DataFileReader(chosen) as reader:
        assert reader.has_series("BTC/USDT", "1h")
