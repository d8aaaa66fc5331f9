"""The emulator's one-cancels-the-other order lists (Binance spot's POST /api/v3/orderList/oco and the
legacy POST /api/v3/order/oco), driven by ccxt's real binance client through its implicit API methods."""

from __future__ import annotations

import asyncio
import json
from decimal import ROUND_DOWN, Decimal

import aiohttp
import ccxt
import ccxt.async_support as ccxt_async
import numpy as np
import pytest

from octobot_exchange_emulator import ExchangeEmulator

from .helpers import EMULATOR_HISTORY as HISTORY
from .helpers import EMULATOR_PAIR as PAIR
from .helpers import needs_eth_btc

pytestmark = needs_eth_btc


@pytest.fixture
async def emulator(candles: np.ndarray):
    async with ExchangeEmulator(
        {PAIR: candles}, balances={"BTC": Decimal("2"), "ETH": Decimal("10")}, history=HISTORY
    ) as emu:
        yield emu


@pytest.fixture
async def exchange(emulator: ExchangeEmulator):
    exchange = ccxt_async.binance({**emulator.ccxt_config(), "enableRateLimit": False})
    await exchange.load_markets()
    yield exchange
    await exchange.close()


def tick(emulator: ExchangeEmulator) -> Decimal:
    return emulator.markets[PAIR].tick_size


def floor_tick(price: Decimal, step: Decimal) -> Decimal:
    return (price / step).to_integral_value(rounding=ROUND_DOWN) * step


def dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def first_rise(emulator: ExchangeEmulator, candles: np.ndarray) -> tuple[Decimal, int]:
    """A price above the current one that the market reaches, and the candles to advance to it."""
    price = emulator.last_price(PAIR)
    for index in range(HISTORY, len(candles)):
        high = floor_tick(dec(candles[index, 2]), tick(emulator))
        if high > price + 2 * tick(emulator):
            return high, index - HISTORY + 1
    raise AssertionError("no rise in the data")


def first_fall(emulator: ExchangeEmulator, candles: np.ndarray) -> tuple[Decimal, int]:
    """A price below the current one that the market reaches, and the candles to advance to it."""
    price = emulator.last_price(PAIR)
    for index in range(HISTORY, len(candles)):
        low = floor_tick(dec(candles[index, 3]), tick(emulator)) + tick(emulator)
        if low < price - 2 * tick(emulator):
            return low, index - HISTORY + 1
    raise AssertionError("no fall in the data")


def untouched_below(emulator: ExchangeEmulator, candles: np.ndarray, count: int) -> Decimal:
    lowest = min(emulator.last_price(PAIR), dec(candles[HISTORY : HISTORY + count, 3].min()))
    return floor_tick(lowest, tick(emulator)) - tick(emulator)


def untouched_above(emulator: ExchangeEmulator, candles: np.ndarray, count: int) -> Decimal:
    highest = max(emulator.last_price(PAIR), dec(candles[HISTORY : HISTORY + count, 2].max()))
    return floor_tick(highest, tick(emulator)) + 2 * tick(emulator)


def oco_params(quantity: str, take: Decimal, stop: Decimal, **extra: str) -> dict:
    """A sell list: take-profit (limit maker) above the price, stop-loss limit below it."""
    return {
        "symbol": "ETHBTC",
        "side": "SELL",
        "quantity": quantity,
        "aboveType": "LIMIT_MAKER",
        "abovePrice": str(take),
        "belowType": "STOP_LOSS_LIMIT",
        "belowStopPrice": str(stop),
        "belowPrice": str(stop),
        "belowTimeInForce": "GTC",
        **extra,
    }


async def test_an_order_list_locks_the_position_once(emulator, exchange, candles):
    take = untouched_above(emulator, candles, 5)
    stop = untouched_below(emulator, candles, 5)
    answer = await exchange.private_post_orderlist_oco(
        oco_params("6", take, stop, listClientOrderId="protect-1")
    )
    assert answer["contingencyType"] == "OCO" and answer["listStatusType"] == "EXEC_STARTED"
    assert answer["listClientOrderId"] == "protect-1"
    reports = {r["type"]: r for r in answer["orderReports"]}
    assert set(reports) == {"LIMIT_MAKER", "STOP_LOSS_LIMIT"}
    assert all(r["orderListId"] == answer["orderListId"] for r in reports.values())
    # ccxt gave each leg its own client id; both legs are open orders of the account
    open_orders = await exchange.fetch_open_orders(PAIR)
    assert sorted(o["clientOrderId"] for o in open_orders) == sorted(
        r["clientOrderId"] for r in reports.values()
    )
    assert emulator.balance("ETH") == (Decimal(4), Decimal(6))  # six locked once, not twice
    balance = await exchange.fetch_balance()
    assert balance["ETH"]["used"] == 6 and balance["ETH"]["free"] == 4
    with pytest.raises(ccxt.InsufficientFunds):  # a second list of six does not fit in the four left
        await exchange.private_post_orderlist_oco(oco_params("6", take, stop))
    assert emulator.balance("ETH") == (Decimal(4), Decimal(6))


async def test_one_leg_filling_expires_the_other_and_returns_nothing_twice(emulator, exchange, candles):
    take, steps = first_rise(emulator, candles)
    stop = untouched_below(emulator, candles, steps + 5)
    answer = await exchange.private_post_orderlist_oco(oco_params("3", take, stop))
    ids = {r["type"]: r["orderId"] for r in answer["orderReports"]}
    await emulator.advance(steps)
    filled = await exchange.fetch_order(str(ids["LIMIT_MAKER"]), PAIR)
    other = await exchange.fetch_order(str(ids["STOP_LOSS_LIMIT"]), PAIR)
    assert filled["status"] == "closed" and filled["filled"] == 3 and filled["price"] == float(take)
    assert other["status"] == "expired" and other["filled"] == 0
    fee = (3 * take * Decimal("0.001")).quantize(Decimal("1e-8"))
    assert emulator.balance("ETH") == (Decimal(7), Decimal(0))
    assert emulator.balance("BTC") == (Decimal(2) + 3 * take - fee, Decimal(0))
    status = await exchange.private_get_orderlist({"orderListId": answer["orderListId"]})
    assert (status["listStatusType"], status["listOrderStatus"]) == ("ALL_DONE", "ALL_DONE")
    assert await exchange.private_get_openorderlist() == []
    with pytest.raises(ccxt.OrderNotFound):  # nothing left to cancel
        await exchange.private_delete_orderlist({"symbol": "ETHBTC", "orderListId": answer["orderListId"]})


async def test_the_stop_triggering_expires_the_take_profit(emulator, exchange, candles):
    stop, steps = first_fall(emulator, candles)
    take = untouched_above(emulator, candles, steps + 5)
    params = oco_params("2", take, stop)
    params["belowPrice"] = str(floor_tick(stop * Decimal("0.5"), tick(emulator)))  # marketable once triggered
    answer = await exchange.private_post_orderlist_oco(params)
    ids = {r["type"]: str(r["orderId"]) for r in answer["orderReports"]}
    await emulator.advance(steps)
    assert (await exchange.fetch_order(ids["STOP_LOSS_LIMIT"], PAIR))["status"] == "closed"
    assert (await exchange.fetch_order(ids["LIMIT_MAKER"], PAIR))["status"] == "expired"
    assert emulator.balance("ETH") == (Decimal(8), Decimal(0))


async def test_a_partial_fill_expires_the_other_leg_and_a_cancel_returns_the_exact_rest(
    emulator, exchange, candles
):
    emulator.faults.partial_fill(Decimal("0.3"))
    take, steps = first_rise(emulator, candles)
    stop = untouched_below(emulator, candles, steps + 5)
    answer = await exchange.private_post_orderlist_oco(oco_params("5", take, stop))
    ids = {r["type"]: str(r["orderId"]) for r in answer["orderReports"]}
    await emulator.advance(steps)
    partial = await exchange.fetch_order(ids["LIMIT_MAKER"], PAIR)
    assert partial["status"] == "open" and partial["filled"] == 1.5
    assert (await exchange.fetch_order(ids["STOP_LOSS_LIMIT"], PAIR))["status"] == "expired"
    assert emulator.balance("ETH") == (Decimal(5), Decimal("3.5"))  # the rest of the one lock
    cancelled = await exchange.cancel_order(ids["LIMIT_MAKER"], PAIR)
    assert cancelled["status"] == "canceled"
    assert emulator.balance("ETH") == (Decimal("8.5"), Decimal(0))


async def test_lists_are_found_and_cancelled_by_id_and_by_client_id(emulator, exchange, candles):
    take = untouched_above(emulator, candles, 5)
    stop = untouched_below(emulator, candles, 5)
    first = await exchange.private_post_orderlist_oco(
        oco_params(
            "1", take, stop, listClientOrderId="list-a", aboveClientOrderId="a-tp", belowClientOrderId="a-sl"
        )
    )
    second = await exchange.private_post_orderlist_oco(
        oco_params("2", take, stop, listClientOrderId="list-b")
    )
    by_client = await exchange.private_get_orderlist({"origClientOrderId": "list-a"})
    assert by_client["orderListId"] == first["orderListId"]
    assert sorted(o["clientOrderId"] for o in by_client["orders"]) == ["a-sl", "a-tp"]
    assert len(await exchange.private_get_openorderlist()) == 2
    with pytest.raises(ccxt.InvalidOrder):  # the list client id is taken while the list is open
        await exchange.private_post_orderlist_oco(oco_params("1", take, stop, listClientOrderId="list-a"))
    cancelled = await exchange.private_delete_orderlist({"symbol": "ETHBTC", "listClientOrderId": "list-a"})
    assert cancelled["listStatusType"] == "ALL_DONE"
    assert [r["status"] for r in cancelled["orderReports"]] == ["CANCELED", "CANCELED"]
    assert emulator.balance("ETH") == (Decimal(8), Decimal(2))
    # cancelling one leg of a list cancels the whole list (Binance)
    leg = second["orderReports"][0]
    await exchange.cancel_order(str(leg["orderId"]), PAIR)
    after = await exchange.private_get_orderlist({"orderListId": second["orderListId"]})
    assert after["listOrderStatus"] == "ALL_DONE"
    assert await exchange.fetch_open_orders(PAIR) == []
    assert emulator.balance("ETH") == (Decimal(10), Decimal(0))
    assert [x["orderListId"] for x in await exchange.private_get_allorderlist()] == [
        first["orderListId"],
        second["orderListId"],
    ]
    with pytest.raises(ccxt.OrderNotFound):
        await exchange.private_get_orderlist({"origClientOrderId": "never-sent"})


async def test_a_list_must_straddle_the_price_and_pair_its_leg_types(emulator, exchange, candles):
    take = untouched_above(emulator, candles, 5)
    stop = untouched_below(emulator, candles, 5)
    with pytest.raises((ccxt.BadRequest, ccxt.InvalidOrder)):  # both levels above the price
        await exchange.private_post_orderlist_oco(oco_params("1", take, take - tick(emulator)))
    wrong = oco_params("1", take, stop)
    wrong["aboveType"] = "STOP_LOSS_LIMIT"
    wrong["aboveStopPrice"] = str(take)
    wrong["aboveTimeInForce"] = "GTC"
    with pytest.raises(ccxt.BadRequest):
        await exchange.private_post_orderlist_oco(wrong)
    assert emulator.account.orders == {} and emulator.balance("ETH") == (Decimal(10), Decimal(0))


async def test_legacy_oco_endpoint(emulator, exchange, candles):
    take = untouched_above(emulator, candles, 5)
    stop = untouched_below(emulator, candles, 5)
    answer = await exchange.private_post_order_oco(
        {
            "symbol": "ETHBTC",
            "side": "SELL",
            "quantity": "1",
            "price": str(take),
            "stopPrice": str(stop),
            "stopLimitPrice": str(stop),
            "stopLimitTimeInForce": "GTC",
        }
    )
    assert sorted(r["type"] for r in answer["orderReports"]) == ["LIMIT_MAKER", "STOP_LOSS_LIMIT"]
    assert emulator.balance("ETH") == (Decimal(9), Decimal(1))


async def test_user_data_stream_reports_both_legs_and_the_list_status(emulator, exchange, candles):
    take, steps = first_rise(emulator, candles)
    stop = untouched_below(emulator, candles, steps + 5)
    emulator.listen_keys.add("listen")
    async with aiohttp.ClientSession() as session, session.ws_connect(emulator.ws_url + "/ws/listen") as ws:
        answer = await exchange.private_post_orderlist_oco(oco_params("1", take, stop))
        await emulator.advance(steps)
        events = []
        while not any(e.get("e") == "listStatus" and e["l"] == "ALL_DONE" for e in events):
            message = await asyncio.wait_for(ws.receive(), timeout=30)
            events.append(json.loads(message.data))
    reports = [(e["i"], e["x"], e["X"]) for e in events if e["e"] == "executionReport"]
    ids = {r["type"]: r["orderId"] for r in answer["orderReports"]}
    assert (ids["LIMIT_MAKER"], "TRADE", "FILLED") in reports
    assert (ids["STOP_LOSS_LIMIT"], "EXPIRED", "EXPIRED") in reports
    assert all(e["g"] == answer["orderListId"] for e in events if e["e"] == "executionReport")
    statuses = [(e["l"], e["L"]) for e in events if e["e"] == "listStatus"]
    assert statuses == [("EXEC_STARTED", "EXECUTING"), ("ALL_DONE", "ALL_DONE")]


async def test_a_stop_market_leg_sells_at_its_stop_when_reached(emulator, exchange, candles):
    stop, steps = first_fall(emulator, candles)
    take = untouched_above(emulator, candles, steps + 5)
    params = oco_params("2", take, stop)
    params["belowType"] = "STOP_LOSS"
    del params["belowPrice"], params["belowTimeInForce"]
    answer = await exchange.private_post_orderlist_oco(params)
    ids = {r["type"]: str(r["orderId"]) for r in answer["orderReports"]}
    await emulator.advance(steps)
    sold = await exchange.fetch_order(ids["STOP_LOSS"], PAIR)
    assert sold["status"] == "closed" and sold["average"] == float(stop)
    assert (await exchange.fetch_my_trades(PAIR))[0]["takerOrMaker"] == "taker"
    assert (await exchange.fetch_order(ids["LIMIT_MAKER"], PAIR))["status"] == "expired"
    assert emulator.balance("ETH") == (Decimal(8), Decimal(0))
