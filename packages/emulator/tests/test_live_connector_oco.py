"""Native one-cancels-the-other order lists through the live ccxt connector, against the exchange
emulator with ccxt's real binance client (implicit API methods; nothing of ccxt is mocked)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import numpy as np
import pytest

import octobot_trading as ot
from octobot_exchange_emulator import ExchangeEmulator
from octobot_trading.ccxt_connector import (
    CcxtLiveConnector,
    Credentials,
    ExchangeInsufficientFundsError,
    ExchangeInvalidOrderError,
    ExchangeOrderList,
    ExchangeOrderNotFoundError,
    ExchangeProfile,
    RequestBudget,
    RetryPolicy,
    UnsupportedExchangeError,
)

from .helpers import EMULATOR_HISTORY as HISTORY
from .helpers import needs_eth_btc

SYMBOL = "ETH/BTC"
OCO = "/api/v3/orderList/oco"
LIST = "/api/v3/orderList"

pytestmark = needs_eth_btc


@pytest.fixture
async def emulator(candles):
    balances = {"BTC": Decimal("2"), "ETH": Decimal("10")}
    async with ExchangeEmulator({SYMBOL: candles}, balances=balances, history=HISTORY) as emu:
        yield emu


def make_connector(emulator: ExchangeEmulator, **kwargs) -> CcxtLiveConnector:
    config = emulator.ccxt_config()
    credentials = Credentials(config.pop("apiKey"), config.pop("secret"))
    kwargs.setdefault("budget", RequestBudget(1000, 50))
    kwargs.setdefault("retry_policy", RetryPolicy(max_attempts=4, base_delay_s=0.001, max_delay_s=0.01))
    return CcxtLiveConnector("binance", credentials=credentials, config=config, **kwargs)


@pytest.fixture
async def connector(emulator):
    async with make_connector(emulator) as live:
        yield live


def levels(emulator: ExchangeEmulator, candles: np.ndarray, count: int = 5) -> tuple[Decimal, Decimal]:
    """(take-profit, stop) levels the next ``count`` candles never reach."""
    tick = emulator.markets[SYMBOL].tick_size
    future = candles[HISTORY : HISTORY + count]
    price = emulator.last_price(SYMBOL)
    high = max(price, Decimal(repr(float(future[:, 2].max()))))
    low = min(price, Decimal(repr(float(future[:, 3].min()))))
    take = (high / tick).to_integral_value(rounding=ROUND_DOWN) * tick + 2 * tick
    stop = (low / tick).to_integral_value(rounding=ROUND_DOWN) * tick - tick
    return take, stop


def protection(take: Decimal, stop: Decimal, stop_kind: str = "stop_limit") -> list:
    stop_price = stop if stop_kind == "stop_limit" else None
    return [("take_profit_limit", take, take, None), (stop_kind, stop_price, stop, None)]


async def test_a_list_is_one_request_two_legs_and_one_lock(connector, emulator, candles):
    assert connector.native_oco
    take, stop = levels(emulator, candles)
    placed = await connector.create_oco(SYMBOL, "sell", "4", protection(take, stop))
    assert isinstance(placed, ExchangeOrderList) and placed.is_open and placed.symbol == SYMBOL
    kinds = sorted(o.kind.value for o in placed.orders)
    assert kinds == ["stop_limit", "take_profit_limit"]
    assert all(o.amount == Decimal(4) and o.status is ot.OrderStatus.OPEN for o in placed.orders)
    (request,) = emulator.requests_to(OCO, "POST")
    assert request.params["listClientOrderId"] == placed.list_client_order_id
    assert {request.params["aboveClientOrderId"], request.params["belowClientOrderId"]} == {
        o.client_order_id for o in placed.orders
    }
    assert placed.list_client_order_id.startswith("octobot-")
    assert emulator.balance("ETH") == (Decimal(6), Decimal(4))
    balances = await connector.fetch_balance()
    assert balances["ETH"].total == Decimal(10) and balances["ETH"].available == Decimal(6)
    by_client = await connector.fetch_oco(SYMBOL, list_client_order_id=placed.list_client_order_id)
    assert by_client.list_id == placed.list_id and by_client.is_open
    assert {o.exchange_order_id for o in by_client.orders} == {o.exchange_order_id for o in placed.orders}
    with pytest.raises(ExchangeInsufficientFundsError) as refused:
        await connector.create_oco(SYMBOL, "sell", "7", protection(take, stop))
    assert refused.value.asset == "ETH"


async def test_cancel_by_id_or_client_id_returns_every_leg_cancelled(connector, emulator, candles):
    take, stop = levels(emulator, candles)
    first = await connector.create_oco(SYMBOL, "sell", "1", protection(take, stop, "stop_loss"))
    assert sorted(o.kind.value for o in first.orders) == ["stop_loss", "take_profit_limit"]
    second = await connector.create_oco(
        SYMBOL, "sell", "2", protection(take, stop), list_client_order_id="octobot-mine-1"
    )
    cancelled = await connector.cancel_oco(SYMBOL, first.list_id)
    assert not cancelled.is_open
    assert [o.status for o in cancelled.orders] == [ot.OrderStatus.CANCELLED] * 2
    assert {o.client_order_id for o in cancelled.orders} == {o.client_order_id for o in first.orders}
    again = await connector.cancel_oco(SYMBOL, first.list_id)  # a repeated cancel (answer lost) is safe
    assert not again.is_open and all(o.is_closed for o in again.orders)
    by_client = await connector.cancel_oco(SYMBOL, list_client_order_id="octobot-mine-1")
    assert by_client.list_id == second.list_id and not by_client.is_open
    assert emulator.balance("ETH") == (Decimal(10), Decimal(0))
    with pytest.raises(ExchangeOrderNotFoundError):
        await connector.fetch_oco(SYMBOL, list_client_order_id="octobot-never-1")


async def test_a_filled_leg_shows_in_the_list_with_the_other_expired(connector, emulator, candles):
    tick = emulator.markets[SYMBOL].tick_size
    price = emulator.last_price(SYMBOL)
    index = next(
        i for i in range(HISTORY, len(candles)) if Decimal(repr(float(candles[i, 2]))) > price + 2 * tick
    )
    take = (Decimal(repr(float(candles[index, 2]))) / tick).to_integral_value(rounding=ROUND_DOWN) * tick
    _, stop = levels(emulator, candles, index - HISTORY + 5)
    placed = await connector.create_oco(
        SYMBOL, "sell", "1", [("limit", take, None, None), ("stop_loss", None, stop, None)]
    )
    await emulator.advance(index - HISTORY + 1)
    after = await connector.fetch_oco(SYMBOL, placed.list_id)
    assert not after.is_open
    statuses = {o.kind.value: o.status for o in after.orders}
    assert statuses == {"limit": ot.OrderStatus.FILLED, "stop_loss": ot.OrderStatus.EXPIRED}
    assert emulator.balance("ETH") == (Decimal(9), Decimal(0))


async def test_a_lost_list_answer_is_found_by_its_client_id_and_never_sent_twice(
    connector, emulator, candles
):
    take, stop = levels(emulator, candles)
    emulator.faults.lose_answer(OCO)
    placed = await connector.create_oco(SYMBOL, "sell", "3", protection(take, stop))
    posts = emulator.requests_to(OCO, "POST")
    assert len(posts) == 1 and posts[0].fault == "lost_answer"
    assert placed.list_client_order_id == posts[0].params["listClientOrderId"] and placed.is_open
    assert emulator.requests_to(LIST, "GET")[0].params["origClientOrderId"] == placed.list_client_order_id
    assert len(emulator.account.open_lists()) == 1 and emulator.balance("ETH") == (Decimal(7), Decimal(3))


async def test_a_dropped_list_request_is_sent_again_with_the_same_client_ids(connector, emulator, candles):
    take, stop = levels(emulator, candles)
    emulator.faults.drop_connection(OCO, method="POST")
    placed = await connector.create_oco(SYMBOL, "sell", "3", protection(take, stop))
    posts = emulator.requests_to(OCO, "POST")
    assert [p.fault for p in posts] == ["drop", None]  # the lookup found nothing: sent again
    assert posts[0].params == posts[1].params | {"timestamp": posts[0].params["timestamp"]}
    assert placed.list_client_order_id == posts[1].params["listClientOrderId"]
    assert len(emulator.account.open_lists()) == 1


async def test_legs_must_be_one_stop_and_one_take_profit(connector, emulator, candles):
    take, stop = levels(emulator, candles)
    with pytest.raises(ExchangeInvalidOrderError):
        await connector.create_oco(
            SYMBOL, "sell", "1", [("limit", take, None, None), ("limit", stop, None, None)]
        )
    assert emulator.requests_to(OCO) == []


async def test_an_exchange_without_native_lists_says_so(emulator):
    async with make_connector(emulator, profile=ExchangeProfile(exchange_id="binance")) as generic:
        assert not generic.native_oco
        with pytest.raises(UnsupportedExchangeError, match="separate orders"):
            await generic.create_oco(SYMBOL, "sell", "1", [])


async def test_stop_market_kinds_are_sent_alone_too(connector, emulator, candles):
    take, stop = levels(emulator, candles)
    stop_loss = await connector.create_order(SYMBOL, "sell", "stop_loss", "1", trigger_price=stop)
    take_profit = await connector.create_order(SYMBOL, "sell", "take_profit", "1", trigger_price=take)
    assert (stop_loss.kind, stop_loss.trigger_price) == (ot.OrderKind.STOP_LOSS, stop)
    assert (take_profit.kind, take_profit.trigger_price) == (ot.OrderKind.TAKE_PROFIT, take)
    assert sorted(o.type for o in emulator.account.open_orders()) == ["STOP_LOSS", "TAKE_PROFIT"]
    assert emulator.balance("ETH") == (Decimal(8), Decimal(2))  # two orders: two locks
