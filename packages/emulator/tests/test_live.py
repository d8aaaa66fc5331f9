"""Live trading against the exchange emulator through ccxt's real binance client: client order ids,
lost answers, fills while disconnected, partial fills, restart reconciliation with protective orders."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import numpy as np
import pytest

import octobot_trading as ot
from octobot_exchange_emulator import ExchangeEmulator
from octobot_trading.ccxt_connector import CcxtLiveConnector, Credentials

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


class Live:
    """A live bot's exchange side: connector + manager on one state file (restartable)."""

    def __init__(self, emulator: ExchangeEmulator, state_path: Path) -> None:
        self.emulator = emulator
        self.state_path = state_path
        self.connector: CcxtLiveConnector | None = None
        self.manager: ot.LiveExchangeManager | None = None

    async def start(self) -> ot.LiveExchangeManager:
        config = self.emulator.ccxt_config()
        config.pop("apiKey")
        config.pop("secret")
        self.connector = CcxtLiveConnector(
            "binance", credentials=Credentials(self.emulator.api_key, self.emulator.secret), config=config
        )
        await self.connector.start()
        markets = await self.connector.markets()
        self.manager = ot.LiveExchangeManager(self.connector, markets, state_path=self.state_path)
        await self.manager.start()
        return self.manager

    async def kill(self) -> None:
        """Like kill -9: nothing more is written, nothing is cancelled; only sockets are closed."""
        assert self.manager is not None and self.connector is not None
        self.manager.store._executor.shutdown(wait=True)  # type: ignore[union-attr]
        self.manager.store = None
        self.manager.recorder = None
        await self.connector.stop()

    async def stop(self) -> None:
        if self.manager is not None:
            await self.manager.stop()
        if self.connector is not None:
            await self.connector.stop()


@pytest.fixture
async def live(emulator: ExchangeEmulator, tmp_path: Path):
    bot = Live(emulator, tmp_path / "live.sqlite")
    yield bot
    await bot.stop()


def tick(emulator: ExchangeEmulator) -> Decimal:
    return emulator.markets[PAIR].tick_size


def floor_tick(price: Decimal, step: Decimal) -> Decimal:
    return (price / step).to_integral_value(rounding=ROUND_DOWN) * step


def below_next_lows(emulator: ExchangeEmulator, candles: np.ndarray, count: int) -> Decimal:
    """A price that the next ``count`` candles never reach (they stay above it)."""
    future = candles[HISTORY : HISTORY + count]
    lowest = min(emulator.last_price(PAIR), Decimal(repr(float(future[:, 3].min()))))
    return floor_tick(lowest, tick(emulator)) - tick(emulator)


def first_low_below(emulator: ExchangeEmulator, candles: np.ndarray, margin: int = 3) -> tuple[Decimal, int]:
    """A price the market falls to within a few candles, and the number of candles to advance."""
    price = emulator.last_price(PAIR)
    for index in range(HISTORY, len(candles)):
        low = Decimal(repr(float(candles[index, 3])))
        if low < price - margin * tick(emulator):
            return floor_tick(low, tick(emulator)) + tick(emulator), index - HISTORY + 1
    raise AssertionError("no fall in the data")


def emulator_orders(emulator: ExchangeEmulator, status: str | None = "NEW") -> list:
    return [o for o in emulator.account.orders.values() if status is None or o.status == status]


def emulator_totals(emulator: ExchangeEmulator) -> dict[str, Decimal]:
    """Free + locked of each asset as the emulator's account endpoint reports them (8 decimals, like
    Binance; its internal book may hold more digits)."""
    return {
        entry["asset"]: Decimal(entry["free"]) + Decimal(entry["locked"])
        for entry in emulator.account.balance_entries(["BTC", "ETH"])
    }


async def test_a_lost_create_answer_is_resolved_by_client_id_with_exactly_one_order(live, emulator):
    manager = await live.start()
    price = below_next_lows(emulator, emulator.replay.symbols[PAIR].candles, 5)
    emulator.faults.lose_answer("/api/v3/order")
    order = await manager.trader.create_order(PAIR, "buy", "limit", "0.5", price=price)
    await manager.order_connector.join()
    placed = emulator_orders(emulator)
    assert len(placed) == 1
    assert len(emulator.requests_to("/api/v3/order", "POST")) == 1  # never sent twice
    client_id = manager.order_connector.links.client_ids[order.order_id]
    assert placed[0].client_order_id == client_id and client_id.startswith("octobot-")
    assert manager.order_connector.links.exchange_ids[order.order_id] == str(placed[0].order_id)
    assert order.status is ot.OrderStatus.OPEN
    await manager.save()
    state = await manager.store.load()
    assert state.orders[order.order_id]["client_order_id"] == client_id
    assert state.orders[order.order_id]["exchange_order_id"] == str(placed[0].order_id)


async def test_fills_while_disconnected_are_recorded_once_and_balances_equal_the_exchange(
    live, emulator, candles
):
    manager = await live.start()
    price, steps = first_low_below(emulator, candles)
    order = await manager.trader.create_order(PAIR, "buy", "limit", "0.5", price=price)
    await manager.order_connector.join()
    assert manager.portfolio.locked("BTC") > 0
    # no stream: the bot sees nothing while the exchange fills the order
    await emulator.advance(steps)
    (placed,) = emulator_orders(emulator, status=None)
    assert placed.status == "FILLED" and order.status is ot.OrderStatus.OPEN
    # the orders stream comes back (REST meanwhile): the manager reconciles
    key = ("orders", None, None)
    manager.on_mode_change(key, "stream")
    manager.on_mode_change(key, "rest")
    manager.on_mode_change(key, "stream")
    await manager._reconcile_task
    assert manager.last_report is not None and manager.last_report.filled == [order.order_id]
    assert order.status is ot.OrderStatus.FILLED and order.filled == Decimal("0.5")
    assert len(manager.trader.trades()) == 1
    await manager.reconcile()  # a second check changes nothing
    assert len(manager.trader.trades()) == 1
    totals = emulator_totals(emulator)
    assert {asset: manager.portfolio.total(asset) for asset in totals} == totals
    assert manager.portfolio.locked("BTC") == 0 and manager.portfolio.locked("ETH") == 0
    state = await manager.store.load()
    assert [t["order_id"] for t in state.trades] == [order.order_id]
    assert state.portfolio == manager.portfolio.snapshot().to_dict()


async def test_partial_fills_are_followed_to_the_unit_and_a_cancel_returns_the_exact_lock(
    live, emulator, candles
):
    manager = await live.start()
    price, steps = first_low_below(emulator, candles)
    emulator.faults.partial_fill(Decimal("0.3"))
    order = await manager.trader.create_order(PAIR, "buy", "limit", "0.777", price=price)
    await manager.order_connector.join()
    locked_before = manager.portfolio.locked("BTC")
    await emulator.advance(steps)
    (placed,) = emulator_orders(emulator, status=None)
    assert placed.status == "PARTIALLY_FILLED" and 0 < placed.executed < Decimal("0.777")
    await manager.reconcile()
    assert order.filled == placed.executed  # to the unit
    assert order.status is ot.OrderStatus.PARTIALLY_FILLED
    assert sum(t.amount for t in manager.trader.trades()) == placed.executed
    assert 0 < manager.portfolio.locked("BTC") < locked_before
    await manager.trader.cancel_order(order)
    await manager.order_connector.join()
    assert manager.portfolio.locked("BTC") == 0  # the rest of the reservation came back exactly
    assert emulator_orders(emulator, status=None)[0].status == "CANCELED"
    await manager.reconcile()
    totals = emulator_totals(emulator)
    assert {asset: manager.portfolio.total(asset) for asset in totals} == totals
    assert all(manager.portfolio.available(a) >= 0 for a in totals)


async def _protected_entry(manager: ot.LiveExchangeManager, entry: Decimal, stop: Decimal, take: Decimal):
    trader = manager.trader
    group = ot.OneCancelsTheOther()
    stop_order = trader.new_order(PAIR, "sell", "stop_limit", "0.4", price=stop, trigger_price=stop)
    take_order = trader.new_order(PAIR, "sell", "take_profit_limit", "0.4", price=take, trigger_price=take)
    group.add(stop_order)
    group.add(take_order)
    return await trader.create_order(
        PAIR, "buy", "limit", "0.4", price=entry, chained=[stop_order, take_order]
    )


async def test_after_kill_and_restart_the_stop_loss_and_take_profit_are_in_place_once(
    live, emulator, candles
):
    manager = await live.start()
    entry_price, steps = first_low_below(emulator, candles)
    stop = floor_tick(entry_price * Decimal("0.8"), tick(emulator))
    take = floor_tick(entry_price * Decimal("1.25"), tick(emulator))
    entry = await _protected_entry(manager, entry_price, stop, take)
    await manager.order_connector.join()
    await manager.save()
    await live.kill()  # kill -9: the entry fills while the bot is dead
    await emulator.advance(steps)
    assert [o.status for o in emulator_orders(emulator, status=None)] == ["FILLED"]
    manager = await live.start()
    await manager.order_connector.join()
    restored_entry = next(o for o in manager.account.closed_orders if o.order_id == entry.order_id)
    assert restored_entry.status is ot.OrderStatus.FILLED
    open_on_exchange = emulator_orders(emulator)
    assert sorted(o.type for o in open_on_exchange) == ["STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"]
    assert sorted(o.kind.value for o in manager.trader.open_orders()) == ["stop_limit", "take_profit_limit"]
    legs = manager.trader.open_orders()
    assert legs[0].group is legs[1].group is not None
    links = manager.order_connector.links
    assert {links.client_ids[o.order_id] for o in legs} == {o.client_order_id for o in open_on_exchange}
    assert len({o.order_list_id for o in open_on_exchange}) == 1  # one native order list
    await manager.save()
    # killed again, and meanwhile someone cancels the take-profit on the exchange
    await live.kill()
    take_leg = next(o for o in open_on_exchange if o.type == "TAKE_PROFIT_LIMIT")
    emulator.account.cancel(take_leg, emulator.now_ms)
    manager = await live.start()
    await manager.order_connector.join()
    open_on_exchange = emulator_orders(emulator)
    assert sorted(o.type for o in open_on_exchange) == ["STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"]
    # cancelling a leg cancelled its whole order list (Binance): both legs are re-created, as one new list
    assert len(emulator_orders(emulator, status=None)) == 5
    assert len({o.order_list_id for o in open_on_exchange}) == 1 and open_on_exchange[0].order_list_id >= 0
    assert sorted(o.kind.value for o in manager.trader.open_orders()) == ["stop_limit", "take_profit_limit"]
    legs = manager.trader.open_orders()
    assert legs[0].group is legs[1].group is not None
    assert len(manager.trader.trades()) == 1  # the entry's fill, recorded once over three starts
    totals = emulator_totals(emulator)
    assert {asset: manager.portfolio.total(asset) for asset in totals} == totals


async def test_an_order_the_exchange_refuses_is_closed_and_its_funds_released(live, emulator):
    manager = await live.start()
    price = below_next_lows(emulator, emulator.replay.symbols[PAIR].candles, 5)
    emulator.account.free["BTC"] = Decimal("0.01")  # withdrawn elsewhere: the bot does not know yet
    order = await manager.trader.create_order(PAIR, "buy", "limit", "0.5", price=price)
    assert manager.portfolio.locked("BTC") > 0
    await manager.order_connector.join()
    assert order.status is ot.OrderStatus.CANCELLED
    assert manager.portfolio.locked("BTC") == 0
    assert emulator_orders(emulator, status=None) == []
    await manager.reconcile()
    assert manager.portfolio.total("BTC") == Decimal("0.01")
    state = await manager.store.load()
    assert state.orders[order.order_id]["status"] == "cancelled"


async def test_a_fill_racing_a_cancel_is_recorded_once_in_the_books_and_the_state_file(
    live, emulator, candles
):
    """The exchange fills the order before the bot's cancel reaches it: the exchange's word wins: the
    order is filled, its trade is in the history (and the state file) once, its protections are placed,
    and the balances equal the exchange's."""
    manager = await live.start()
    price, steps = first_low_below(emulator, candles)
    stop = floor_tick(price * Decimal("0.9"), tick(emulator))
    take = floor_tick(price * Decimal("1.2"), tick(emulator))
    order = await _protected_entry(manager, price, stop, take)
    await manager.order_connector.join()
    await emulator.advance(steps)  # filled on the exchange; no stream: the bot does not know yet
    assert emulator_orders(emulator, status=None)[0].status == "FILLED"
    await manager.trader.cancel_order(order)
    assert order.status is ot.OrderStatus.CANCELLED  # what the bot believes until the exchange answers
    await manager.order_connector.join()
    assert order.status is ot.OrderStatus.FILLED and order.filled == Decimal("0.4")
    trades = manager.trader.trades()
    assert [t.order_id for t in trades] == [order.order_id] and trades[0].amount == Decimal("0.4")
    # the stop-loss and take-profit the cancel had dropped are on the exchange now
    await manager.order_connector.join()
    protections = sorted(o.kind.value for o in manager.trader.open_orders(PAIR))
    assert protections == ["stop_limit", "take_profit_limit"]
    assert len(emulator_orders(emulator)) in (1, 2)  # one order list or two orders
    await manager.reconcile()  # the exchange's view again: nothing counted twice
    assert len(manager.trader.trades()) == 1
    totals = emulator_totals(emulator)
    assert {asset: manager.portfolio.total(asset) for asset in totals} == totals
    state = await manager.store.load()
    assert [t["order_id"] for t in state.trades] == [order.order_id]
    stored = state.orders[order.order_id]
    assert stored["status"] == "filled" and Decimal(stored["filled"]) == Decimal("0.4")


async def test_a_fill_found_by_a_lookup_carries_the_exchange_fee_and_sizes_its_protections(
    live, emulator, candles
):
    """The order endpoints tell no fee: a fill learnt from them (a reconciliation) takes its fee from the
    account's trades, so the protections sell what the account really received, and the exchange
    accepts them."""
    manager = await live.start()
    price, steps = first_low_below(emulator, candles)
    trader = manager.trader
    legs = [
        trader.new_order(
            PAIR,
            "sell",
            "stop_limit",
            "0.3",
            price=price * Decimal("0.9"),
            trigger_price=price * Decimal("0.9"),
        ),
        trader.new_order(PAIR, "sell", "take_profit_limit", "0.3", price=price * 2, trigger_price=price * 2),
    ]
    group = ot.OneCancelsTheOther()
    for leg in legs:
        leg.sized_by_parent = True
        group.add(leg)
    entry = await trader.create_order(PAIR, "buy", "limit", "0.3", price=price, chained=legs)
    await manager.order_connector.join()
    await emulator.advance(steps)  # filled; no stream: found by the reconciliation
    await manager.reconcile()
    await manager.order_connector.join()
    (fill,) = [t for t in emulator.account.trades]
    assert entry.status is ot.OrderStatus.FILLED
    assert manager.trader.trades()[0].fee == fill.commission and fill.commission > 0
    brought = manager.markets[PAIR].adjust_amount(Decimal("0.3") - fill.commission)
    assert [leg.amount for leg in legs] == [brought, brought]
    assert sorted(o.status for o in emulator.account.orders.values() if o.side == "SELL") == ["NEW", "NEW"]
