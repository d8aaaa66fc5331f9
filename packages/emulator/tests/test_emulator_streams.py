"""The emulator's websockets driven by ccxt.pro's real binance client."""

from __future__ import annotations

import asyncio
from decimal import ROUND_DOWN, Decimal

import ccxt.pro
import numpy as np
import pytest

from octobot_exchange_emulator import ExchangeEmulator, load_candles

from .helpers import EMULATOR_HISTORY as HISTORY
from .helpers import ETH_BTC_FILE, needs_eth_btc
from .helpers import SHARED_DATA as DATA

pytestmark = needs_eth_btc


@pytest.fixture
async def emulator(candles: np.ndarray):
    balances = {"BTC": Decimal("2"), "ETH": Decimal("10")}
    async with ExchangeEmulator({"ETH/BTC": candles}, balances=balances, history=HISTORY) as emu:
        yield emu


@pytest.fixture
async def exchange(emulator: ExchangeEmulator):
    exchange = ccxt.pro.binance({**emulator.ccxt_config(), "enableRateLimit": False})
    await exchange.load_markets()
    yield exchange
    await exchange.close()


async def test_watch_ohlcv_receives_each_closed_candle(emulator, exchange, candles):
    first = asyncio.ensure_future(exchange.watch_ohlcv("ETH/BTC", "5m"))
    await emulator.streams.wait_subscribed("ethbtc@kline_5m")
    await emulator.advance()
    assert np.allclose((await first)[-1], candles[HISTORY])
    second = asyncio.ensure_future(exchange.watch_ohlcv("ETH/BTC", "5m"))
    await emulator.advance()
    assert np.allclose((await second)[-1], candles[HISTORY + 1])


async def test_watch_ohlcv_of_a_larger_interval_gets_the_forming_candle(emulator, exchange, candles):
    watch = asyncio.ensure_future(exchange.watch_ohlcv("ETH/BTC", "1h"))
    await emulator.streams.wait_subscribed("ethbtc@kline_1h")
    await emulator.advance()
    candle = (await watch)[-1]
    hour = candle[0]
    assert hour % 3_600_000 == 0 and hour <= candles[HISTORY, 0] < hour + 3_600_000
    assert candle[4] == pytest.approx(candles[HISTORY, 4])  # the hour so far ends with the closed 5m candle


async def test_watch_ticker_and_trades_follow_the_replay(emulator, exchange, candles):
    mini = asyncio.ensure_future(exchange.watch_ticker("ETH/BTC"))  # ccxt's default: the mini ticker
    full = asyncio.ensure_future(exchange.watch_ticker("ETH/BTC", {"name": "ticker"}))
    await emulator.streams.wait_subscribed("ethbtc@miniTicker")
    await emulator.streams.wait_subscribed("ethbtc@ticker")
    await emulator.advance()
    assert (await mini)["last"] == candles[HISTORY, 4]
    full_ticker = await full
    assert full_ticker["last"] == candles[HISTORY, 4] and full_ticker["bid"] < full_ticker["ask"]
    trades = asyncio.ensure_future(exchange.watch_trades("ETH/BTC"))
    await emulator.streams.wait_subscribed("ethbtc@trade")
    await emulator.advance()
    received = await trades
    assert received[0]["price"] == candles[HISTORY + 1, 1]  # the candle's path starts at its open


async def test_watch_order_book_stays_in_sync_with_the_rest_snapshot(emulator, exchange):
    book = await exchange.watch_order_book("ETH/BTC")  # the REST snapshot
    assert book["bids"][0][0] <= float(emulator.last_price("ETH/BTC")) < book["asks"][0][0]
    for _ in range(3):
        watch = asyncio.ensure_future(exchange.watch_order_book("ETH/BTC"))
        await emulator.advance()
        book = await watch
        rest = await exchange.fetch_order_book("ETH/BTC", 100)
        assert book["bids"][:5] == rest["bids"][:5] and book["asks"][:5] == rest["asks"][:5]
        assert book["nonce"] == rest["nonce"]


async def test_watch_orders_and_balance_receive_user_data(emulator, exchange, candles):
    tick = emulator.markets["ETH/BTC"].tick_size
    lows = candles[HISTORY:, 3]
    lowest = min(emulator.last_price("ETH/BTC"), Decimal(repr(float(lows[:2].min()))))
    limit = (lowest / tick).to_integral_value(rounding=ROUND_DOWN) * tick - tick
    crossing = int(np.argmax(lows <= float(limit)))
    watch = asyncio.ensure_future(exchange.watch_orders("ETH/BTC"))
    await emulator.streams.wait_subscribed("userData")
    locked = asyncio.ensure_future(exchange.watch_balance())
    order = await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(limit), {"clientOrderId": "ws-1"})
    updates = await watch
    assert updates[-1]["id"] == order["id"] and updates[-1]["status"] == "open"
    assert (await locked)["BTC"]["used"] == float(limit)  # every event of the placement consumed
    await emulator.advance(crossing)
    balance = asyncio.ensure_future(exchange.watch_balance())
    filled = asyncio.ensure_future(exchange.watch_orders("ETH/BTC"))
    await emulator.advance()
    update = (await filled)[-1]
    assert (update["clientOrderId"], update["status"], update["filled"]) == ("ws-1", "closed", 1)
    assert (await balance)["ETH"]["free"] == pytest.approx(10 + 1 - 0.001)


async def test_a_silenced_stream_stays_open_and_resumes(emulator, exchange, candles):
    watch = asyncio.ensure_future(exchange.watch_ohlcv("ETH/BTC", "5m"))
    await emulator.streams.wait_subscribed("ethbtc@kline_5m")
    emulator.faults.silence_streams("ethbtc@kline_5m")
    await emulator.advance(2)
    # nothing arrived: prove it with a message that must come after any candle event
    ticker = asyncio.ensure_future(exchange.watch_ticker("ETH/BTC"))
    await emulator.streams.wait_subscribed("ethbtc@miniTicker")
    await emulator.advance()
    await ticker
    assert not watch.done()
    assert emulator.streams.subscribers("ethbtc@kline_5m") == 1
    emulator.faults.resume_streams()
    await emulator.advance()
    assert np.allclose((await watch)[-1], candles[HISTORY + 3])  # first event after the silence


async def test_user_data_subscription_with_a_bad_secret_is_refused(emulator):
    exchange = ccxt.pro.binance({**emulator.ccxt_config(secret="wrong"), "enableRateLimit": False})
    try:
        await exchange.load_markets()
        # the emulator answers Binance's {"status": 400, "error": {"code": -1022, ...}}; ccxt 4.5's
        # ensure_user_data_stream_ws_subscribe_signature then trips over its own cleanup (KeyError)
        with pytest.raises((ccxt.AuthenticationError, KeyError)):
            await exchange.watch_orders("ETH/BTC")
        assert emulator.streams.subscribers("userData") == 0
        refused = emulator.requests_to("/ws-api/v3")
        assert [(r.params["method"], r.status, r.signed) for r in refused] == [
            ("userDataStream.subscribe.signature", 400, True)
        ]
    finally:
        await exchange.close()


async def test_outside_cancel_and_deposit_reach_the_user_data_stream(emulator, exchange):
    tick = emulator.markets["ETH/BTC"].tick_size
    low = (emulator.last_price("ETH/BTC") / 2 / tick).to_integral_value(rounding=ROUND_DOWN) * tick
    watch = asyncio.ensure_future(exchange.watch_orders("ETH/BTC"))
    await emulator.streams.wait_subscribed("userData")
    placed_balance = asyncio.ensure_future(exchange.watch_balance())
    order = await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low))
    assert (await watch)[-1]["status"] == "open"
    await placed_balance
    canceled = asyncio.ensure_future(exchange.watch_orders("ETH/BTC"))
    await emulator.cancel_order(int(order["id"]))
    update = (await canceled)[-1]
    assert (update["id"], update["status"]) == (order["id"], "canceled")


async def test_order_book_of_a_market_with_gaps_stays_in_sync():
    eth, dash = load_candles(ETH_BTC_FILE), load_candles(DATA / "freqtrade" / "DASH_BTC-5m.csv")
    gap = int(np.flatnonzero(np.diff(dash[:, 0]) > 300_000)[0])  # DASH has no candle after this one
    async with ExchangeEmulator({"ETH/BTC": eth, "DASH/BTC": dash}, history=gap - 2) as emu:
        exchange = ccxt.pro.binance({**emu.ccxt_config(), "enableRateLimit": False})
        try:
            await exchange.load_markets()
            await exchange.watch_order_book("DASH/BTC")
            moved = 0
            while moved < 5:
                dash_moves = int(dash[dash[:, 0] == emu.now_ms].shape[0])
                watch = asyncio.ensure_future(exchange.watch_order_book("DASH/BTC")) if dash_moves else None
                await emu.advance()
                if watch is None:
                    continue  # a step without a DASH candle: no depth event, no update id used
                book = await watch
                rest = await exchange.fetch_order_book("DASH/BTC", 100)
                assert book["nonce"] == rest["nonce"] and book["bids"][:5] == rest["bids"][:5]
                moved += 1
            assert emu.now_ms > dash[gap, 0] + 2 * 300_000  # the gap was crossed
        finally:
            await exchange.close()
