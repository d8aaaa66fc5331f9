"""The built-in market making and arbitrage profiles backtested on real ETH/BTC candles plus what they
need beyond candles: order books derived from those candles (`write_derived_market_data`: a book around
each close; not a recording), and for arbitrage a second exchange derived from the same real candles one
candle late (a slower market). A profile whose file lacks its data is refused in one line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

import octobot_backtesting as ob
from octobot.errors import ExitCode

from .helpers import run_cli, shared_data

M5 = 300_000
CANDLES = 600


@pytest.fixture
def eth_btc() -> np.ndarray:
    path = shared_data() / "freqtrade" / "ETH_BTC-5m.csv"
    if not path.is_file():
        pytest.skip(f"real market data not found at {path}: set OCTOBOT_SHARED_DATA")
    return ob.read_candle_files([path]).series[("ETH/BTC", "5m")][:CANDLES]


def _data_file(path: Path, exchange: str, candles: np.ndarray, *, books: bool) -> Path:
    origin = "test: freqtrade ETH/BTC 5m" + (" + derived books" if books else "")
    with ob.DataFileWriter(path, exchange=exchange, origin=origin) as writer:
        writer.write_ohlcv("ETH/BTC", "5m", candles)
        if books:
            ob.write_derived_market_data(writer, "ETH/BTC", candles, spread=0.0005, levels=5)
    return path


def _backtest(profile: str, *files: Path) -> dict:
    data = [flag for path in files for flag in ("--data", str(path))]
    code, out, err = run_cli("backtest", "--profile", profile, *data, "--report", "json")
    assert code == ExitCode.OK, err
    return json.loads(out)


def test_the_market_making_profile_makes_a_market_on_replayed_books(home, eth_btc, tmp_path):
    report = _backtest("market_making", _data_file(tmp_path / "books.sqlite", "binance", eth_btc, books=True))
    trades = report["trades"]
    assert {trade["side"] for trade in trades} == {"buy", "sell"} and len(trades) >= 10
    # each fill is a limit order of the book, at a price the market reached at that instant: on the path
    # of the candle closing then, or on the move to the next candle's open (its derived ticker)
    by_open = {int(row[0]): row for row in eth_btc}
    for trade in trades:
        assert trade["kind"] == "limit"
        at = int(trade["time_ms"])
        _, _, high, low, _, _ = by_open[at - M5]
        following = by_open.get(at)
        reached_low = min(low, following[1]) if following is not None else low
        reached_high = max(high, following[1]) if following is not None else high
        assert reached_low <= float(trade["price"]) <= reached_high, trade
    # volumes capped by funds: an ask holds at most half the ETH there can be (10 + all bought) over 5
    bought = sum(Decimal(str(t["amount"])) for t in trades if t["side"] == "buy")
    largest_ask = max(Decimal(str(t["amount"])) for t in trades if t["side"] == "sell")
    assert Decimal(1) <= largest_ask <= (10 + bought) / 2 / 5


def test_a_profile_needing_order_books_on_a_candles_only_file_is_refused_in_one_line(home, eth_btc, tmp_path):
    path = _data_file(tmp_path / "candles.sqlite", "binance", eth_btc, books=False)
    code, _, err = run_cli("backtest", "--profile", "market_making", "--data", str(path))
    assert code == ExitCode.DATA_ERROR
    line = err.strip().splitlines()[-1]
    assert line.startswith("octobot: error: profile 'market_making' needs order_books")
    assert str(path) in line and "has none for ETH/BTC" in line and "octobot data collect --live" in line


def test_the_arbitrage_profile_trades_at_the_exchanges_prices(home, eth_btc, tmp_path):
    late = eth_btc.copy()
    # kraken: the same real prices one candle late, 0.03 % higher (no close shared by the two exchanges)
    late[1:, 1:5] = eth_btc[:-1, 1:5] * 1.0003
    binance = _data_file(tmp_path / "binance.sqlite", "binance", eth_btc, books=False)
    kraken = _data_file(tmp_path / "kraken.sqlite", "kraken", late, books=False)
    report = _backtest("arbitrage", binance, kraken)
    assert report["metadata"]["exchanges"] == ["binance", "kraken"]
    closes = {
        "binance": {int(r[0]) + M5: Decimal(str(float(r[4]))) for r in eth_btc},
        "kraken": {int(r[0]) + M5: Decimal(str(float(r[4]))) for r in late},
    }
    every_close = {c for by_time in closes.values() for c in by_time.values()}
    limits = [t for t in report["trades"] if t["kind"] == "limit"]
    # every limit trade is at a close: an entry at its own exchange's, an exit at the other's at entry time
    assert limits and all(Decimal(str(t["price"])) in every_close for t in limits)

    assert {t["side"] for t in limits} == {"buy", "sell"}
    # each trade names its exchange; an entry is at a close of its own exchange, its exit at the other's
    # (two exchanges: the others' average is the other's close)
    assert {t["exchange"] for t in report["trades"]} <= {"binance", "kraken"}
    other = {"binance": "kraken", "kraken": "binance"}
    entries = [t for t in limits if not t["exit"]]
    exits = [t for t in limits if t["exit"]]
    assert entries and exits
    assert all(Decimal(str(t["price"])) in closes[t["exchange"]].values() for t in entries)
    assert all(Decimal(str(t["price"])) in closes[other[t["exchange"]]].values() for t in exits)
