"""The exchange emulator driven by ccxt's real binance client (nothing of ccxt is mocked)."""

from __future__ import annotations

import asyncio
import json
import sys
from decimal import ROUND_DOWN, Decimal

import ccxt
import ccxt.async_support as ccxt_async
import numpy as np
import pytest

from octobot_exchange_emulator import EmulatorError, ExchangeEmulator, load_candles

from .helpers import EMULATOR_HISTORY as HISTORY
from .helpers import ETH_BTC_FILE, needs_eth_btc
from .helpers import SHARED_DATA as DATA

pytestmark = needs_eth_btc


@pytest.fixture
async def emulator(candles: np.ndarray):
    async with ExchangeEmulator(
        {"ETH/BTC": candles}, balances={"BTC": Decimal("2"), "ETH": Decimal("10")}, history=HISTORY
    ) as emu:
        yield emu


def client(emulator: ExchangeEmulator, **overrides) -> ccxt_async.binance:
    config = emulator.ccxt_config(overrides.pop("api_key", None), overrides.pop("secret", None))
    config["enableRateLimit"] = False
    config.update(overrides)
    return ccxt_async.binance(config)


@pytest.fixture
async def exchange(emulator: ExchangeEmulator):
    exchange = client(emulator)
    await exchange.load_markets()
    yield exchange
    await exchange.close()


def floor_tick(price: Decimal, tick: Decimal) -> Decimal:
    return (price / tick).to_integral_value(rounding=ROUND_DOWN) * tick


def below_the_next_lows(emulator: ExchangeEmulator, lows: np.ndarray, count: int) -> Decimal:
    """A price one tick under the current price and the next ``count`` candles' lows."""
    tick = emulator.markets["ETH/BTC"].tick_size
    lowest = min(emulator.last_price("ETH/BTC"), Decimal(repr(float(lows[:count].min()))))
    return floor_tick(lowest, tick) - tick


# --- public market data ---------------------------------------------------------------------------


async def test_load_markets_gives_binance_precision_and_limits(emulator, exchange):
    market = exchange.market("ETH/BTC")
    spec = emulator.markets["ETH/BTC"]
    assert market["spot"] and market["id"] == "ETHBTC"
    assert Decimal(str(market["precision"]["price"])) == spec.tick_size
    assert Decimal(str(market["precision"]["amount"])) == spec.step_size
    assert Decimal(str(market["limits"]["cost"]["min"])) == spec.min_notional
    assert market["maker"] == 0.001 and market["taker"] == 0.001
    # ccxt loaded markets from exchangeInfo alone (no currencies / margin / futures endpoints)
    assert [r.path for r in emulator.requests] == ["/api/v3/exchangeInfo"]


async def test_fetch_ohlcv_serves_the_closed_history_then_each_advanced_candle(emulator, exchange, candles):
    ohlcv = np.array(await exchange.fetch_ohlcv("ETH/BTC", "5m", limit=6))
    assert np.allclose(ohlcv[:5], candles[HISTORY - 5 : HISTORY])
    # last: the candle forming now, as Binance serves it (its open price so far, no volume)
    forming = candles[HISTORY]
    assert ohlcv[5, 0] == forming[0] == emulator.now_ms
    assert list(ohlcv[5, 1:]) == [forming[1]] * 4 + [0]
    await emulator.advance(2)
    ohlcv = await exchange.fetch_ohlcv("ETH/BTC", "5m", limit=3)
    assert np.allclose(np.array(ohlcv)[:2], candles[HISTORY : HISTORY + 2])
    since = int(candles[10, 0])
    assert np.allclose(
        np.array(await exchange.fetch_ohlcv("ETH/BTC", "5m", since=since, limit=3)), candles[10:13]
    )


async def test_fetch_ohlcv_aggregates_larger_time_frames(exchange, candles):
    hourly = np.array(await exchange.fetch_ohlcv("ETH/BTC", "1h", limit=3))
    assert np.all(hourly[:, 0] % 3_600_000 == 0)
    assert hourly[-1, 0] <= candles[HISTORY, 0] < hourly[-1, 0] + 3_600_000  # the forming hour
    full = candles[(candles[:, 0] >= hourly[1, 0]) & (candles[:, 0] < hourly[1, 0] + 3_600_000)]
    assert len(full) == 12
    assert hourly[1, 1] == full[0, 1] and hourly[1, 4] == full[-1, 4]
    assert hourly[1, 2] == pytest.approx(full[:, 2].max()) and hourly[1, 3] == pytest.approx(full[:, 3].min())
    assert hourly[1, 5] == pytest.approx(full[:, 5].sum())


async def test_ticker_book_and_trades_follow_the_replayed_price(emulator, exchange, candles):
    await emulator.advance()
    ticker = await exchange.fetch_ticker("ETH/BTC")
    assert ticker["last"] == candles[HISTORY, 4]
    assert ticker["bid"] <= ticker["last"] < ticker["ask"]
    book = await exchange.fetch_order_book("ETH/BTC", 5)
    assert (
        len(book["bids"]) == 5 and book["bids"][0][0] == ticker["bid"] and book["asks"][0][0] == ticker["ask"]
    )
    assert book["bids"][0][0] > book["bids"][1][0] and book["asks"][0][0] < book["asks"][1][0]
    trades = await exchange.fetch_trades("ETH/BTC")
    assert trades[-1]["price"] == candles[HISTORY, 4]
    # the last candle's trades walk open -> nearer extreme -> farther extreme -> close
    path = [t["price"] for t in trades[-4:]]
    assert path[0] == candles[HISTORY, 1] and sorted(path[1:3]) == [candles[HISTORY, 3], candles[HISTORY, 2]]
    price = await exchange.fetch_ticker("ETH/BTC", {"method": "publicGetTickerPrice"})
    assert price["last"] == candles[HISTORY, 4]


# --- account and orders ---------------------------------------------------------------------------


async def test_fetch_balance_and_signed_requests(emulator, exchange):
    balance = await exchange.fetch_balance()
    assert balance["BTC"]["free"] == 2 and balance["ETH"]["total"] == 10
    recorded = emulator.requests_to("/api/v3/account")
    assert len(recorded) == 1 and recorded[0].signed and "timestamp" in recorded[0].params


async def test_bad_secret_is_an_authentication_error(emulator):
    exchange = client(emulator, secret="not-the-secret")
    try:
        with pytest.raises(ccxt.AuthenticationError, match="Signature for this request is not valid"):
            await exchange.fetch_balance()
    finally:
        await exchange.close()


async def test_unknown_api_key_is_an_authentication_error(emulator):
    exchange = client(emulator, api_key="unknown-key")
    try:
        with pytest.raises(ccxt.AuthenticationError, match=r"-2015|Invalid API-key"):
            await exchange.fetch_balance()
    finally:
        await exchange.close()


async def test_a_stale_timestamp_is_refused(emulator):
    exchange = client(emulator, options={**emulator.ccxt_config()["options"], "timeDifference": 120_000})
    try:
        with pytest.raises(ccxt.InvalidNonce, match="recvWindow"):
            await exchange.fetch_balance()
    finally:
        await exchange.close()


async def test_market_order_fills_at_the_current_price_with_taker_fee(emulator, exchange):
    price = emulator.last_price("ETH/BTC")
    order = await exchange.create_order("ETH/BTC", "market", "buy", 1.5)
    assert order["status"] == "closed" and order["filled"] == 1.5 and order["average"] == float(price)
    fee = Decimal("1.5") * Decimal("0.001")
    assert Decimal(str(order["fee"]["cost"])) == fee and order["fee"]["currency"] == "ETH"
    assert emulator.balance("BTC") == (Decimal(2) - Decimal("1.5") * price, 0)
    assert emulator.balance("ETH") == (Decimal(10) + Decimal("1.5") - fee, 0)
    sell = await exchange.create_order("ETH/BTC", "market", "sell", 1)
    received = price  # 1 ETH at the same price
    assert Decimal(str(sell["fee"]["cost"])) == (received * Decimal("0.001")).quantize(Decimal("1e-8"))
    assert sell["fee"]["currency"] == "BTC"


async def test_limit_order_rests_and_fills_when_the_path_crosses_it(emulator, exchange, candles):
    lows = candles[HISTORY:, 3]
    limit = below_the_next_lows(emulator, lows, 5)
    crossing = int(np.argmax(lows <= float(limit)))
    assert lows[crossing] <= float(limit) and crossing >= 5
    order = await exchange.create_order(
        "ETH/BTC", "limit", "buy", 2, float(limit), {"clientOrderId": "dip-1"}
    )
    assert order["status"] == "open" and order["clientOrderId"] == "dip-1"
    assert emulator.balance("BTC") == (Decimal(2) - 2 * limit, 2 * limit)
    await emulator.advance(crossing)
    assert (await exchange.fetch_order(order["id"], "ETH/BTC"))["status"] == "open"
    await emulator.advance()
    filled = await exchange.fetch_order(None, "ETH/BTC", {"origClientOrderId": "dip-1"})
    assert filled["status"] == "closed" and filled["average"] == float(limit) and filled["filled"] == 2
    fee = Decimal("0.002")  # maker fee, in the received ETH
    assert emulator.balance("BTC") == (Decimal(2) - 2 * limit, 0)
    assert emulator.balance("ETH") == (Decimal(10) + 2 - fee, 0)
    trades = await exchange.fetch_my_trades("ETH/BTC")
    assert [(t["order"], t["takerOrMaker"], t["price"]) for t in trades] == [
        (order["id"], "maker", float(limit))
    ]


async def test_cancel_releases_funds_and_open_orders_lists(emulator, exchange):
    price = emulator.last_price("ETH/BTC")
    low = floor_tick(price * Decimal("0.5"), emulator.markets["ETH/BTC"].tick_size)
    first = await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low))
    second = await exchange.create_order("ETH/BTC", "limit", "sell", 1, float(price * 2))
    assert sorted(o["id"] for o in await exchange.fetch_open_orders("ETH/BTC")) == sorted(
        [first["id"], second["id"]]
    )
    canceled = await exchange.cancel_order(first["id"], "ETH/BTC")
    assert canceled["status"] == "canceled"
    assert emulator.balance("BTC") == (Decimal(2), 0)
    with pytest.raises(ccxt.OrderNotFound):
        await exchange.cancel_order(first["id"], "ETH/BTC")
    with pytest.raises(ccxt.OrderNotFound):
        await exchange.fetch_order("999999", "ETH/BTC")
    await exchange.cancel_all_orders("ETH/BTC")
    assert await exchange.fetch_open_orders("ETH/BTC") == []
    assert emulator.balance("ETH") == (Decimal(10), 0)
    statuses = {o["id"]: o["status"] for o in await exchange.fetch_orders("ETH/BTC")}
    assert statuses == {first["id"]: "canceled", second["id"]: "canceled"}


async def test_duplicate_client_order_id_is_refused(emulator, exchange):
    low = floor_tick(emulator.last_price("ETH/BTC") * Decimal("0.5"), emulator.markets["ETH/BTC"].tick_size)
    await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low), {"clientOrderId": "once"})
    with pytest.raises(ccxt.InvalidOrder, match="Duplicate order sent"):
        await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low), {"clientOrderId": "once"})
    assert len(emulator.account.open_orders()) == 1
    assert len(emulator.requests_to("/api/v3/order", "POST")) == 2


async def test_a_client_order_id_is_free_again_once_its_order_closed(emulator, exchange):
    # Binance only refuses a newClientOrderId used by an OPEN order
    low = floor_tick(emulator.last_price("ETH/BTC") * Decimal("0.5"), emulator.markets["ETH/BTC"].tick_size)
    first = await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low), {"clientOrderId": "again"})
    await exchange.cancel_order(first["id"], "ETH/BTC")
    second = await exchange.create_order("ETH/BTC", "limit", "buy", 2, float(low), {"clientOrderId": "again"})
    assert second["id"] != first["id"] and second["clientOrderId"] == "again"
    found = await exchange.fetch_order(None, "ETH/BTC", {"origClientOrderId": "again"})
    assert found["id"] == second["id"] and found["amount"] == 2  # the lookup finds the newest
    filled = await exchange.create_order("ETH/BTC", "market", "buy", 1, None, {"clientOrderId": "market-1"})
    assert filled["status"] == "closed"
    again = await exchange.create_order("ETH/BTC", "market", "buy", 1, None, {"clientOrderId": "market-1"})
    assert again["status"] == "closed" and again["id"] != filled["id"]
    with pytest.raises(ccxt.InvalidOrder, match="Duplicate order sent"):  # still open: refused
        await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low), {"clientOrderId": "again"})


async def test_insufficient_funds_and_filter_failures(emulator, exchange):
    price = float(emulator.last_price("ETH/BTC"))
    with pytest.raises(ccxt.InsufficientFunds):
        await exchange.create_order("ETH/BTC", "limit", "buy", 100, price * 0.9)
    with pytest.raises(ccxt.InsufficientFunds):
        await exchange.create_order("ETH/BTC", "market", "sell", 11)
    # below the minimum notional: Binance's -1013 "Filter failure: NOTIONAL", as ccxt reports it
    with pytest.raises(ccxt.BadRequest, match="NOTIONAL"):
        await exchange.create_order("ETH/BTC", "limit", "buy", 0.001, price * 0.9)
    # off the lot grid (ccxt's amount_to_precision bypassed): LOT_SIZE is an InvalidOrder
    with pytest.raises(ccxt.InvalidOrder, match="LOT_SIZE"):
        await exchange.private_post_order(
            {"symbol": "ETHBTC", "side": "BUY", "type": "MARKET", "quantity": "1.00001"}
        )
    assert emulator.account.orders == {}


async def test_stop_loss_limit_triggers_then_rests_or_fills_at_the_stop(emulator, exchange, candles):
    spec = emulator.markets["ETH/BTC"]
    start = emulator.last_price("ETH/BTC")
    stop = below_the_next_lows(emulator, candles[HISTORY:, 3], 3)
    resting_limit = floor_tick(stop * Decimal("1.5"), spec.tick_size)  # above the market once triggered
    taking_limit = floor_tick(stop * Decimal("0.5"), spec.tick_size)  # marketable once triggered
    rest = await exchange.create_order(
        "ETH/BTC", "STOP_LOSS_LIMIT", "sell", 1, float(resting_limit), {"stopPrice": float(stop)}
    )
    take = await exchange.create_order(
        "ETH/BTC", "STOP_LOSS_LIMIT", "sell", 1, float(taking_limit), {"stopPrice": float(stop)}
    )
    assert emulator.balance("ETH") == (Decimal(8), Decimal(2))
    crossing = int(np.argmax(candles[HISTORY:, 3] <= float(stop)))
    assert crossing >= 3
    await emulator.advance(crossing)
    assert [o["status"] for o in await exchange.fetch_open_orders("ETH/BTC")] == ["open", "open"]
    assert not emulator.account.orders[int(rest["id"])].working
    await emulator.advance()
    assert emulator.account.orders[int(rest["id"])].working
    assert (await exchange.fetch_order(rest["id"], "ETH/BTC"))["status"] == "open"
    taken = await exchange.fetch_order(take["id"], "ETH/BTC")
    assert taken["status"] == "closed" and taken["average"] == float(stop)
    assert (await exchange.fetch_my_trades("ETH/BTC"))[0]["takerOrMaker"] == "taker"
    assert emulator.balance("ETH") == (Decimal(8), Decimal(1))
    assert emulator.balance("BTC")[0] == Decimal(2) + stop - (stop * Decimal("0.001")).quantize(
        Decimal("1e-8")
    )
    with pytest.raises(ccxt.OrderImmediatelyFillable):
        await exchange.create_order(
            "ETH/BTC", "STOP_LOSS_LIMIT", "sell", 1, float(taking_limit), {"stopPrice": float(start * 2)}
        )


# --- faults ---------------------------------------------------------------------------------------


async def test_http_errors_map_to_ccxt_exceptions_and_fire_n_times(emulator, exchange):
    emulator.faults.http_error(503, "/api/v3/ticker/24hr", times=2)
    for _ in range(2):
        with pytest.raises(ccxt.ExchangeNotAvailable):
            await exchange.fetch_ticker("ETH/BTC")
    assert (await exchange.fetch_ticker("ETH/BTC"))["last"] == float(emulator.last_price("ETH/BTC"))
    assert [r.status for r in emulator.requests_to("/api/v3/ticker/24hr")] == [503, 503, 200]
    emulator.faults.http_error(504, "/api/v3/depth")
    with pytest.raises(ccxt.RequestTimeout):
        await exchange.fetch_order_book("ETH/BTC")
    emulator.faults.http_error(500)  # any path
    with pytest.raises(ccxt.ExchangeNotAvailable):
        await exchange.fetch_balance()


async def test_rate_limits_answer_429_and_418_with_retry_after(emulator, exchange):
    emulator.faults.rate_limit("/api/v3/klines", retry_after=7)
    with pytest.raises(ccxt.DDoSProtection, match="429"):
        await exchange.fetch_ohlcv("ETH/BTC", "5m")
    assert exchange.last_response_headers["Retry-After"] == "7"
    emulator.faults.rate_limit("/api/v3/klines", ban=True)
    with pytest.raises(ccxt.DDoSProtection, match="418"):
        await exchange.fetch_ohlcv("ETH/BTC", "5m")
    assert len(await exchange.fetch_ohlcv("ETH/BTC", "5m", limit=3)) == 3


async def test_timeout_holds_the_answer_until_released(emulator):
    exchange = client(emulator, timeout=300)
    try:
        await exchange.load_markets()
        fault = emulator.faults.timeout("/api/v3/ticker/24hr")
        with pytest.raises(ccxt.RequestTimeout):
            await exchange.fetch_ticker("ETH/BTC")
        assert fault.fired == 1
        emulator.faults.release()
        assert (await exchange.fetch_ticker("ETH/BTC"))["symbol"] == "ETH/BTC"
    finally:
        await exchange.close()


async def test_an_order_processed_before_a_timeout_exists(emulator):
    exchange = client(emulator, timeout=300)
    try:
        await exchange.load_markets()
        emulator.faults.timeout("/api/v3/order", method="POST", process=True)
        with pytest.raises(ccxt.RequestTimeout):
            await exchange.create_order("ETH/BTC", "market", "buy", 1, None, {"clientOrderId": "late"})
        emulator.faults.release()
        order = await exchange.fetch_order(None, "ETH/BTC", {"origClientOrderId": "late"})
        assert order["status"] == "closed" and order["filled"] == 1
    finally:
        await exchange.close()


async def test_dropped_connection_leaves_no_order(emulator, exchange):
    emulator.faults.drop_connection("/api/v3/order", method="POST")
    with pytest.raises(ccxt.NetworkError):
        await exchange.create_order("ETH/BTC", "market", "buy", 1, None, {"clientOrderId": "dropped"})
    assert emulator.account.orders == {}
    with pytest.raises(ccxt.OrderNotFound):
        await exchange.fetch_order(None, "ETH/BTC", {"origClientOrderId": "dropped"})
    # the next request goes through on a fresh connection
    assert (await exchange.fetch_balance())["ETH"]["total"] == 10


async def test_lost_answer_creates_the_order_once(emulator, exchange):
    emulator.faults.lose_answer()
    low = floor_tick(emulator.last_price("ETH/BTC") * Decimal("0.5"), emulator.markets["ETH/BTC"].tick_size)
    with pytest.raises(ccxt.NetworkError):
        await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low), {"clientOrderId": "lost-1"})
    order = await exchange.fetch_order(None, "ETH/BTC", {"origClientOrderId": "lost-1"})
    assert order["status"] == "open" and order["price"] == float(low)
    sent = emulator.requests_to("/api/v3/order", "POST")
    assert len(sent) == 1 and sent[0].fault == "lost_answer"
    assert sent[0].params["newClientOrderId"] == "lost-1"
    # a blind retry with the same client order id is refused, not doubled
    with pytest.raises(ccxt.InvalidOrder, match="Duplicate"):
        await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low), {"clientOrderId": "lost-1"})
    assert len(emulator.account.open_orders()) == 1


async def test_partial_fills_are_visible_through_fetch_order(emulator, exchange, candles):
    emulator.faults.partial_fill(Decimal("0.25"))
    lows, highs = candles[HISTORY:, 3], candles[HISTORY:, 2]
    limit = below_the_next_lows(emulator, lows, 3)
    # candles that trade at or below the limit, each filling a quarter of the order
    crossings = np.flatnonzero(lows <= float(limit))
    assert len(crossings) >= 4 and highs[crossings[0]] > 0
    order = await exchange.create_order("ETH/BTC", "limit", "buy", 4, float(limit))
    await emulator.advance(int(crossings[0]) + 1)
    first = await exchange.fetch_order(order["id"], "ETH/BTC")
    assert (first["status"], first["filled"], first["remaining"]) == ("open", 1, 3)
    assert emulator.balance("ETH")[0] == Decimal(10) + 1 - Decimal("0.001")
    await emulator.advance(int(crossings[3] - crossings[0]))
    last = await exchange.fetch_order(order["id"], "ETH/BTC")
    assert (last["status"], last["filled"], last["remaining"]) == ("closed", 4, 0)
    assert len(await exchange.fetch_my_trades("ETH/BTC")) == 4
    assert emulator.balance("BTC") == (Decimal(2) - 4 * limit, 0)


# --- command line ---------------------------------------------------------------------------------


async def test_command_line_serves_the_data_file_to_ccxt():
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "octobot_exchange_emulator",
        "--data",
        str(ETH_BTC_FILE),
        "--symbol",
        "ETH/BTC",
        "--port",
        "0",
        "--balance",
        "BTC=3",
        "--history",
        "100",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        lines = [(await process.stdout.readline()).decode() for _ in range(4)]
        assert lines[0].startswith("exchange emulator: http://127.0.0.1:")
        config = json.loads(lines[3].split(":", 1)[1])
        assert lines[1].split(": ")[1].strip() == config["apiKey"]
        exchange = ccxt_async.binance({**config, "enableRateLimit": False})
        try:
            assert (await exchange.fetch_balance())["BTC"]["free"] == 3
            assert len(await exchange.fetch_ohlcv("ETH/BTC", "5m", limit=1000)) == 101  # + forming
        finally:
            await exchange.close()
    finally:
        process.terminate()
        await process.wait()


def test_command_line_refuses_a_missing_file(tmp_path):
    from octobot_exchange_emulator.__main__ import main

    assert main(["--data", str(tmp_path / "none.csv"), "--symbol", "ETH/BTC", "--port", "0"]) == 2


# --- more order types, several markets, data files ------------------------------------------------


async def test_limit_maker_ioc_and_marketable_limits(emulator, exchange):
    price = emulator.last_price("ETH/BTC")
    tick = emulator.markets["ETH/BTC"].tick_size
    above = floor_tick(price * Decimal("1.01"), tick)
    with pytest.raises(ccxt.OrderImmediatelyFillable):
        await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(above), {"postOnly": True})
    below = floor_tick(price * Decimal("0.99"), tick)
    ioc = await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(below), {"timeInForce": "IOC"})
    assert ioc["status"] == "expired" and emulator.balance("BTC") == (Decimal(2), 0)
    taker = await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(above))
    # a crossing limit takes at the current price, not at its limit
    assert taker["status"] == "closed" and taker["average"] == float(price)
    assert emulator.balance("BTC") == (Decimal(2) - price, 0)
    assert [t["takerOrMaker"] for t in await exchange.fetch_my_trades("ETH/BTC")] == ["taker"]


async def test_market_buy_by_cost_spends_the_quote_amount(emulator, exchange):
    price = emulator.last_price("ETH/BTC")
    spec = emulator.markets["ETH/BTC"]
    order = await exchange.create_market_buy_order_with_cost("ETH/BTC", 0.5)
    expected = spec.floor_quantity(Decimal("0.5") / price)
    assert Decimal(str(order["filled"])) == expected
    assert emulator.balance("BTC")[0] == Decimal(2) - (expected * price).quantize(Decimal("1e-8"))


async def test_take_profit_limit_sells_when_the_price_rises(emulator, exchange, candles):
    tick = emulator.markets["ETH/BTC"].tick_size
    highs = candles[HISTORY:, 2]
    highest = max(emulator.last_price("ETH/BTC"), Decimal(repr(float(highs[:3].max()))))
    trigger = (highest / tick).to_integral_value() * tick + tick
    crossing = int(np.argmax(highs >= float(trigger)))
    assert crossing >= 3
    order = await exchange.create_order(
        "ETH/BTC", "TAKE_PROFIT_LIMIT", "sell", 1, float(trigger), {"stopPrice": float(trigger)}
    )
    await emulator.advance(crossing)
    assert (await exchange.fetch_order(order["id"], "ETH/BTC"))["status"] == "open"
    await emulator.advance()
    filled = await exchange.fetch_order(order["id"], "ETH/BTC")
    assert filled["status"] == "closed" and filled["average"] == float(trigger)
    assert emulator.balance("ETH") == (Decimal(9), 0)


async def test_public_requests_are_recorded_unsigned_and_tampering_is_refused(emulator, exchange):
    await exchange.fetch_ticker("ETH/BTC")
    assert not emulator.requests_to("/api/v3/ticker/24hr")[0].signed
    import hashlib
    import hmac
    import time

    import aiohttp

    query = f"timestamp={int(time.time() * 1000)}"
    signature = hmac.new(emulator.secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    headers = {"X-MBX-APIKEY": emulator.api_key}
    async with aiohttp.ClientSession() as session:
        url = f"{emulator.url}/api/v3/account?{query}&signature={signature}"
        async with session.get(url, headers=headers) as response:
            assert response.status == 200
        async with session.get(url.replace("timestamp=", "timestamp=1"), headers=headers) as response:
            assert response.status == 400 and (await response.json())["code"] == -1022
        async with session.get(url) as response:
            assert response.status == 401 and (await response.json())["code"] == -2014


async def test_several_markets_step_on_one_clock():
    eth = load_candles(DATA / "freqtrade" / "ETH_BTC-5m.csv")
    dash = load_candles(DATA / "freqtrade" / "DASH_BTC-5m.csv")  # has gaps
    async with ExchangeEmulator({"ETH/BTC": eth, "DASH/BTC": dash}, history=100) as emu:
        exchange = client(emu)
        try:
            markets = await exchange.load_markets()
            assert {"ETH/BTC", "DASH/BTC"} <= set(markets)
            assert markets["DASH/BTC"]["precision"]["price"] <= markets["ETH/BTC"]["precision"]["price"]
            start = emu.now_ms
            await emu.advance(50)
            assert emu.now_ms == start + 50 * 300_000
            for symbol, data in (("ETH/BTC", eth), ("DASH/BTC", dash)):
                closed = data[data[:, 0] < emu.now_ms]
                assert (await exchange.fetch_ticker(symbol))["last"] == pytest.approx(closed[-1, 4])
        finally:
            await exchange.close()


def test_data_files_and_bad_arrays(tmp_path):
    from octobot_exchange_emulator import EmulatorDataError, infer_time_frame

    json_candles = load_candles(DATA / "freqtrade" / "UNITTEST_BTC-1m.json")
    assert json_candles.shape[1] == 6 and infer_time_frame(json_candles) == "1m"
    assert infer_time_frame(load_candles(ETH_BTC_FILE)) == "5m"
    with pytest.raises(EmulatorDataError, match="NaN"):
        ExchangeEmulator({"ETH/BTC": np.array([[0, 1, 1, 1, np.nan, 1], [1, 1, 1, 1, 1, 1]])})
    with pytest.raises(EmulatorDataError, match="does not exist"):
        load_candles(tmp_path / "missing.csv")
    with pytest.raises(EmulatorDataError, match="history"):
        ExchangeEmulator({"ETH/BTC": load_candles(ETH_BTC_FILE)[:10]}, history=10)


# --- outside actions and outages ------------------------------------------------------------------


async def test_outside_cancel_and_deposit_are_seen_by_the_client(emulator, exchange):
    low = floor_tick(emulator.last_price("ETH/BTC") * Decimal("0.5"), emulator.markets["ETH/BTC"].tick_size)
    order = await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low))
    await emulator.cancel_order(int(order["id"]))
    assert (await exchange.fetch_order(order["id"], "ETH/BTC"))["status"] == "canceled"
    await emulator.deposit("USDT", Decimal("100"))
    await emulator.deposit("BTC", Decimal("-0.5"))
    balance = await exchange.fetch_balance()
    assert balance["USDT"]["free"] == 100 and balance["BTC"]["free"] == 1.5
    with pytest.raises(ValueError, match="cannot withdraw"):
        await emulator.deposit("BTC", Decimal("-5"))


async def test_an_outage_keeps_the_account(emulator, exchange):
    low = floor_tick(emulator.last_price("ETH/BTC") * Decimal("0.5"), emulator.markets["ETH/BTC"].tick_size)
    order = await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low), {"clientOrderId": "kept"})
    port = emulator.port
    await emulator.stop()
    with pytest.raises(ccxt.NetworkError):
        await exchange.fetch_open_orders("ETH/BTC")
    await emulator.start()
    assert emulator.port == port
    reopened = await exchange.fetch_open_orders("ETH/BTC")
    assert [(o["id"], o["clientOrderId"]) for o in reopened] == [(order["id"], "kept")]


async def test_answers_carry_the_used_weight(emulator, exchange):
    await exchange.fetch_ticker("ETH/BTC")
    assert int(exchange.last_response_headers["X-MBX-USED-WEIGHT-1M"]) >= 1


async def test_edit_order_cancels_and_replaces(emulator, exchange):
    tick = emulator.markets["ETH/BTC"].tick_size
    low = floor_tick(emulator.last_price("ETH/BTC") * Decimal("0.5"), tick)
    order = await exchange.create_order("ETH/BTC", "limit", "buy", 1, float(low))
    edited = await exchange.edit_order(order["id"], "ETH/BTC", "limit", "buy", 2, float(low - tick))
    assert edited["id"] != order["id"] and edited["amount"] == 2 and edited["price"] == float(low - tick)
    assert (await exchange.fetch_order(order["id"], "ETH/BTC"))["status"] == "canceled"
    assert [o["id"] for o in await exchange.fetch_open_orders("ETH/BTC")] == [edited["id"]]
    assert emulator.balance("BTC") == (Decimal(2) - 2 * (low - tick), 2 * (low - tick))
    # the cancel of an unknown order fails: Binance's -2022, nothing new is placed
    with pytest.raises(ccxt.BaseError, match="-2022"):
        await exchange.edit_order("424242", "ETH/BTC", "limit", "buy", 1, float(low))
    assert len(emulator.account.open_orders()) == 1


async def test_status_and_trading_fees(exchange):
    assert (await exchange.fetch_status())["status"] == "ok"
    fee = await exchange.fetch_trading_fee("ETH/BTC")
    assert (fee["maker"], fee["taker"]) == (0.001, 0.001)


async def test_market_clock_server_time_and_signatures_on_either_clock(candles):
    async with ExchangeEmulator({"ETH/BTC": candles}, history=HISTORY, server_clock="market") as emu:
        exchange = client(emu, options={**emu.ccxt_config()["options"], "adjustForTimeDifference": True})
        plain = client(emu)
        try:
            assert await exchange.fetch_time() == emu.now_ms == candles[HISTORY, 0]
            await exchange.load_markets()  # measures the offset: requests are stamped on the market clock
            assert (await exchange.fetch_balance())["info"]["balances"] == []
            assert (await plain.fetch_balance())["info"]["balances"] == []  # stamped on the wall clock
            await emu.advance(3)  # the market clock jumps three candles, the client's clock does not
            assert (await exchange.fetch_balance())["info"]["balances"] == []  # what it learnt from /time
            exchange.options["timeDifference"] -= 3_600_000  # an hour ahead of every clock: refused
            with pytest.raises(ccxt.InvalidNonce):
                await exchange.fetch_balance()
            assert [r.status for r in emu.requests_to("/api/v3/account")] == [200, 200, 200, 400]
        finally:
            await exchange.close()
            await plain.close()
    with pytest.raises(EmulatorError, match="server_clock"):
        ExchangeEmulator({"ETH/BTC": candles}, server_clock="utc")


async def test_signed_requests_keep_working_on_the_market_clock_of_a_fast_replay(candles):
    """The market clock of a replay at 300x runs 300 times faster than the client's: a client that
    corrected its clock from /api/v3/time was refused (-1021) a few milliseconds later."""
    async with ExchangeEmulator({"ETH/BTC": candles}, history=HISTORY, server_clock="market") as emu:
        exchange = client(emu, options={**emu.ccxt_config()["options"], "adjustForTimeDifference": True})
        steps: asyncio.Queue[int] = asyncio.Queue()
        emu.add_step_listener(lambda moves: steps.put_nowait(emu.now_ms))
        try:
            await exchange.load_markets()  # measures the offset on the market clock
            synced_at = emu.now_ms
            emu.start_running(speed=300)
            for _ in range(3):  # each candle closed by the replay: the market is further ahead
                await asyncio.wait_for(steps.get(), 30)
                assert (await exchange.fetch_balance())["info"]["balances"] == []
            assert emu.now_ms >= synced_at + 3 * emu.time_frame.ms
            assert [r.status for r in emu.requests_to("/api/v3/account")] == [200, 200, 200]
        finally:
            await emu.stop_running()
            await exchange.close()
