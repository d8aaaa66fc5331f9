"""`octobot data`: import, list, inspect, validate and delete real data files through octobot_backtesting."""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest

import octobot_backtesting as ob
from octobot.errors import ExitCode
from octobot_exchange_emulator import BinanceLikeServer

from .helpers import run_cli, shared_data


def test_import_list_inspect_validate_delete_a_real_octobot_file(home, octobot_btc_file):
    code, out, _ = run_cli("data", "import", str(octobot_btc_file), "--to", "btc")
    assert code == 0
    assert "BTC/USDT 1h: 500 candles" in out and "BTC/USDT 4h: 500 candles" in out
    path = home.data / "btc.sqlite"
    assert f"wrote {path}" in out

    code, out, _ = run_cli("data", "list")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("btc.sqlite"))
    assert row.split()[1:3] == ["binance", "BTC/USDT"]
    assert "2017-08-01 00:00" in row and "2018-04-28 10:14" in row

    code, out, _ = run_cli("data", "inspect", "btc")
    assert code == 0
    hour = next(line.split() for line in out.splitlines() if line.startswith("BTC/USDT  1h "))
    assert hour[2:] == ["500", "2018-04-07", "15:00", "2018-04-28", "10:00", "0", "0"]
    assert "AbstractExchangeHistoryCollector_1581774962" in out  # a file name is not a secret

    code, out, _ = run_cli("data", "validate", str(path), "--symbol", "BTC/USDT", "--time-frame", "1h")
    assert code == 0 and out.strip().endswith("0 error(s), 0 warning(s)")
    code, out, _ = run_cli("data", "validate", "btc", "--symbol", "ETH/USDT", "--time-frame", "1h")
    assert code == ExitCode.DATA_ERROR and "1 error(s)" in out

    code, _, err = run_cli("data", "import", str(octobot_btc_file), "--to", "btc")
    assert code == ExitCode.DATA_ERROR and err.startswith("octobot: error: ")

    code, out, _ = run_cli("data", "delete", "btc")
    assert code == 0 and not path.exists()
    code, _, err = run_cli("data", "inspect", "btc")
    assert code == ExitCode.NOT_FOUND and "data file 'btc' not found" in err


def test_import_a_freqtrade_csv_with_resampling(home):
    source = shared_data() / "freqtrade" / "XRP_ETH-5m.csv"
    if not source.is_file():
        pytest.skip(f"real market data not found at {source}: set OCTOBOT_SHARED_DATA")
    code, out, _ = run_cli(
        "data", "import", str(source), "--to", "xrp", "--exchange", "binance", "--resample", "1h"
    )
    assert code == 0
    assert "XRP/ETH 5m: 706 candles" in out and "(resampled from 5m)" in out
    code, out, _ = run_cli("data", "inspect", "xrp")
    assert code == 0 and "exchange binance" in out
    assert {line.split()[1] for line in out.splitlines() if line.startswith("XRP/ETH")} == {"5m", "1h"}


def test_a_file_that_is_not_a_data_file_is_refused(home, tmp_path):
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("not sqlite")
    code, _, err = run_cli("data", "inspect", str(bogus))
    assert code == ExitCode.DATA_ERROR and str(bogus) in err


async def test_collect_from_a_loopback_exchange(home, btc_data_file):
    with ob.DataFileReader(btc_data_file) as reader:
        candles = reader.read_ohlcv("BTC/USDT", "1h")
    async with BinanceLikeServer({("BTC/USDT", "1h"): candles}) as server:
        home.user_config.write_text(json.dumps({"exchanges": {"binance": {"ccxt": server.ccxt_config()}}}))
        home.user_config.chmod(0o600)
        args = ["--exchange", "binance", "--symbol", "BTC/USDT", "--time-frame", "1h"]
        window = ["--start", "2018-04-10", "--end", "2018-04-20", "--to", "collected"]
        code, out, _ = await asyncio.to_thread(run_cli, "data", "collect", *args, *window)
    assert code == 0, out
    assert "BTC/USDT 1h: 240 candles, 2018-04-10 00:00 -> 2018-04-19 23:00, 0 gap(s)" in out
    with ob.DataFileReader(home.data / "collected.sqlite") as reader:
        collected = reader.read_ohlcv("BTC/USDT", "1h")
    start = int(np.searchsorted(candles[:, 0], collected[0, 0]))
    assert np.array_equal(collected, candles[start : start + 240])


async def test_record_live_market_data_from_a_loopback_exchange(home):
    source = shared_data() / "freqtrade" / "ETH_BTC-5m.csv"
    if not source.is_file():
        pytest.skip(f"real market data not found at {source}: set OCTOBOT_SHARED_DATA")
    from octobot_exchange_emulator import ExchangeEmulator

    async with ExchangeEmulator({"ETH/BTC": source}, history=200, server_clock="market") as emulator:
        config = emulator.ccxt_config()  # with the emulator's key: never used for a public recording
        config.setdefault("options", {})["watchTickers"] = {"name": "ticker"}
        home.user_config.write_text(json.dumps({"exchanges": {"binance": {"ccxt": config}}}))
        home.user_config.chmod(0o600)
        start = emulator.now_ms
        # the 4th step's ticker (stamped 1 ms before its candle's close) is after the end: it ends the
        # recording, and the 3 before it are recorded
        end = ob_iso(start + 4 * 300_000 - 60_000)
        args = ["--live", "--exchange", "binance", "--symbol", "ETH/BTC", "--end", end, "--to", "live"]
        recording = asyncio.create_task(
            asyncio.to_thread(run_cli, "data", "collect", *args, "--book-depth", "3")
        )
        patience = 120  # s: CI runs on 2 loaded cores
        for _ in range(patience * 50):
            if recording.done() or all(
                emulator.streams.subscribers(s) for s in ("ethbtc@ticker", "ethbtc@trade")
            ):
                break
            await asyncio.sleep(0.02)
        for step in range(1, 4):
            await emulator.advance()
            # the next step only once this one's ticker is stored: ccxt hands a slow reader only the
            # latest ticker, so a step taken sooner would lose this one
            stamp = start + step * 300_000 - 1
            for _ in range(patience * 5):
                if recording.done() or stamp in ob.staged_timestamps(home.data / "live.sqlite", ob.TICKERS):
                    break
                await asyncio.sleep(0.2)  # a read blocks this loop, which also runs the emulator
        await emulator.advance()
        await asyncio.wait_for(asyncio.shield(recording), patience)
        code, out, err = await recording
    assert code == 0, err
    assert "tickers: 3 rows" in out and f"wrote {home.data / 'live.sqlite'}" in out
    assert config["secret"] not in out + err
    with ob.DataFileReader(home.data / "live.sqlite") as reader:
        books = reader.read_market_data(ob.ORDER_BOOKS)
    assert books and all(len(json.loads(bids)) <= 3 for _, _, bids, _ in books)


def ob_iso(ms: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--live", "--symbol", "BTC/USDT"], "--live needs one of --end"),
        (["--live", "--symbol", "BTC/USDT", "--duration", "2x"], "--duration: '2x' is not a duration"),
        (["--symbol", "BTC/USDT", "--time-frame", "1h"], "--start is required"),
        (
            ["--symbol", "BTC/USDT", "--time-frame", "1h", "--start", "2024-01-01", "--duration", "1h"],
            "--live",
        ),
    ],
)
def test_live_recording_flags_are_checked(home, flags, message):
    code, _, err = run_cli("data", "collect", "--exchange", "binance", *flags, "--to", "x")
    assert code == ExitCode.USAGE and message in err and err.count("\n") == 1
