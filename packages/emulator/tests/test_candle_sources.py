"""The emulator replays every candle format the bot reads, through octobot-backtesting's readers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import octobot_backtesting as ob
from octobot_exchange_emulator import EmulatorDataError, ExchangeEmulator, load_candles, read_price_series

from .helpers import ETH_BTC_FILE, SHARED_DATA, needs_eth_btc

pytestmark = needs_eth_btc
FOUR_SYMBOLS = SHARED_DATA / "octobot" / "ExchangeHistoryDataCollector_1711122002.311132.data"
BTC_2018 = SHARED_DATA / "octobot" / "AbstractExchangeHistoryCollector_1581774962.1269426.data"


@pytest.fixture(scope="module")
def native_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ETH/BTC 5m and LTC/BTC 5m in one of the bot's own data files, with a 1h series resampled."""
    path = tmp_path_factory.mktemp("data") / "binance.sqlite"
    sources = [ETH_BTC_FILE, SHARED_DATA / "freqtrade" / "LTC_BTC-5m.csv"]
    ob.import_files(sources, path, exchange="binance", resample_to=["1h"])
    return path


def test_a_native_data_file_gives_the_candles_of_its_csv_source(native_file):
    series = read_price_series(native_file, "ETH/BTC")
    assert (series.symbol, series.time_frame) == ("ETH/BTC", "5m")  # the shortest time frame by default
    np.testing.assert_array_equal(series.candles, load_candles(ETH_BTC_FILE))
    hourly = read_price_series(native_file, "LTC/BTC", "1h")
    assert hourly.time_frame == "1h" and np.all(np.diff(hourly.candles[:, 0]) >= 3_600_000)


def test_an_octobot_data_file_is_read_by_symbol_and_time_frame():
    if not BTC_2018.is_file():
        pytest.skip(f"OctoBot data file not found at {BTC_2018}")
    series = read_price_series(BTC_2018, "BTC/USDT", "1h")
    with ob.OctoBotFileReader(BTC_2018) as reader:
        expected = reader.read("BTC/USDT", "1h")
    np.testing.assert_array_equal(series.candles, expected)


def test_csv_and_json_files_are_named_by_their_file_name():
    csv = read_price_series(ETH_BTC_FILE)
    assert (csv.symbol, csv.time_frame, len(csv.candles)) == ("ETH/BTC", "5m", 5760)
    json = read_price_series(SHARED_DATA / "freqtrade" / "UNITTEST_BTC-1m.json")
    assert (json.symbol, json.time_frame) == ("UNITTEST/BTC", "1m")


def test_a_csv_under_another_name_takes_the_symbol_given_and_infers_its_time_frame(tmp_path):
    renamed = tmp_path / "prices.csv"
    renamed.write_bytes(ETH_BTC_FILE.read_bytes())
    series = read_price_series(renamed, "ETH/BTC")
    assert (series.symbol, series.time_frame) == ("ETH/BTC", "5m")


def test_a_symbol_the_file_lacks_names_what_it_holds(native_file):
    with pytest.raises(EmulatorDataError, match=r"holds ETH/BTC 1h, ETH/BTC 5m, LTC/BTC 1h, LTC/BTC 5m"):
        read_price_series(native_file, "XRP/BTC")
    with pytest.raises(EmulatorDataError, match="choose one symbol"):
        read_price_series(native_file)
    with pytest.raises(EmulatorDataError, match="ETHBTC"):
        read_price_series(native_file, "ETHBTC")


def test_a_file_of_no_known_format_is_refused(tmp_path):
    unknown = tmp_path / "prices.parquet"
    unknown.write_bytes(b"PAR1")
    with pytest.raises(EmulatorDataError, match=r"prices\.parquet"):
        read_price_series(unknown, "ETH/BTC")


async def test_the_emulator_replays_a_native_file_like_its_csv(native_file):
    async with (
        ExchangeEmulator({"ETH/BTC": native_file}, history=100) as from_file,
        ExchangeEmulator({"ETH/BTC": ETH_BTC_FILE}, history=100) as from_csv,
    ):
        await from_file.advance(20)
        await from_csv.advance(20)
        assert from_file.time_frame == from_csv.time_frame == "5m"
        assert from_file.now_ms == from_csv.now_ms
        assert from_file.last_price("ETH/BTC") == from_csv.last_price("ETH/BTC")


def test_symbols_on_different_time_frames_are_refused(native_file):
    with pytest.raises(EmulatorDataError, match="one time frame"):
        ExchangeEmulator(
            {"ETH/BTC": native_file, "UNITTEST/BTC": SHARED_DATA / "freqtrade" / "UNITTEST_BTC-1m.json"}
        )
