"""Recorded tickers, order books and trades replayed through the exchange channels in time order with the
candles; a file without the data asked for is refused naming the file, the table and the symbol."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pytest

import octobot_backtesting as ob
import octobot_channel as oc
import octobot_trading as ot

M5 = 300_000
SYMBOL = "ETH/BTC"


@pytest.fixture
def candles(freqtrade_data):
    return ob.read_candle_files([freqtrade_data / "ETH_BTC-5m.csv"]).series[(SYMBOL, "5m")][:300]


def _write(path, candles, *, market: bool) -> None:
    with ob.DataFileWriter(path, exchange="binance", origin="test: derived from freqtrade ETH/BTC") as writer:
        writer.write_ohlcv(SYMBOL, "5m", candles)
        if market:
            ob.write_derived_market_data(writer, SYMBOL, candles[::3], spread=0.002, levels=3)


async def _replay(path, tables):
    clock, synchronizer = ob.SimulatedClock(0), oc.Synchronizer()
    markets = ot.Markets({SYMBOL: ot.MarketRules.default(SYMBOL)}, exchange_id="binance")
    seen: list[tuple] = []
    async with ot.ExchangeManager(
        "binance", markets, portfolio={"BTC": "1"}, clock=clock, synchronizer=synchronizer
    ) as em:
        for name, kind in (
            ("OHLCVChannel", "candle"),
            ("TickerChannel", "ticker"),
            ("OrderBookChannel", "book"),
        ):

            async def record(message: dict, kind: str = kind) -> None:
                seen.append((clock.now_ms(), kind, message))

            await em.get_channel(name).new_consumer(record, priority=oc.Priority.MEDIUM)
        replay = ob.Replay(
            [ob.ReplayFeed(em, path, market_data=tables)], clock=clock, synchronizer=synchronizer
        )
        result = await replay.run()
    return result, seen


async def test_tickers_and_books_reach_the_channels_at_their_time_between_candles(candles, tmp_path):
    path = tmp_path / "market.sqlite"
    _write(path, candles, market=True)
    result, seen = await _replay(path, ("tickers", "order_books"))

    tickers = [(now, m) for now, kind, m in seen if kind == "ticker"]
    books = [(now, m) for now, kind, m in seen if kind == "book"]
    closes = [now for now, kind, _ in seen if kind == "candle"]
    # every third candle gave a ticker and a book at its open; the run starts at the first open, excluded
    derived = candles[::3][1:]
    assert [now for now, _ in tickers] == derived[:, 0].astype(int).tolist()
    assert [now for now, _ in books] == [now for now, _ in tickers]
    assert result.market_events == {"tickers": len(derived), "order_books": len(derived)}
    # the same messages a live stream gives: Decimal prices, the time the clock is at
    first = tickers[0][1]
    assert first["ticker"]["last"] == Decimal(repr(float(derived[0, 1]))) and first["time"] == tickers[0][0]
    bids, asks = books[0][1]["bids"], books[0][1]["asks"]
    assert len(bids) == len(asks) == 3 and isinstance(bids[0][0], Decimal) and bids[0][0] < asks[0][0]
    assert (bids[0][0] + asks[0][0]) / 2 == pytest.approx(Decimal(repr(float(derived[0, 1]))))
    # in time order with the candles: the clock never goes back, and at one instant the candle closing
    # then comes before the events
    times = [now for now, _, _ in seen]
    assert times == sorted(times) and len(closes) == result.candles_pushed
    kinds_at = {}
    for now, kind, _ in seen:
        kinds_at.setdefault(now, []).append(kind)
    assert all(kinds_at[now][0] == "candle" for now, _ in tickers)


async def test_only_the_tables_asked_for_are_replayed(candles, tmp_path):
    path = tmp_path / "market.sqlite"
    _write(path, candles, market=True)
    _, seen = await _replay(path, ("tickers",))
    assert not [kind for _, kind, _ in seen if kind == "book"]  # only what was asked for


async def test_a_file_without_the_market_data_asked_for_is_refused(candles, tmp_path):
    path = tmp_path / "candles_only.sqlite"
    _write(path, candles, market=False)
    with pytest.raises(ob.MissingMarketDataError, match=r"candles_only.sqlite has no order_books of ETH/BTC"):
        await _replay(path, ("order_books",))
    result, _ = await _replay(path, ())  # candles only: nothing else asked, nothing else replayed
    assert result.market_events == {} and result.candles_pushed == len(candles)


def test_derived_books_are_spaced_by_the_spread(candles, tmp_path):
    path = tmp_path / "market.sqlite"
    _write(path, candles, market=True)
    with ob.DataFileReader(path) as reader:
        _, time, bids, asks = reader.read_market_data("order_books")[0]
        assert reader.description.symbols == (SYMBOL,)
    price = float(candles[0, 1])  # the candle's open
    bids, asks = np.array(json.loads(bids)), np.array(json.loads(asks))
    assert time == int(candles[0, 0])
    assert asks[0, 0] - bids[0, 0] == pytest.approx(price * 0.002)
    assert np.diff(asks[:, 0]) == pytest.approx([price * 0.002] * 2)
    assert asks[:, 1] == pytest.approx([float(candles[0, 5]) / 3] * 3)
