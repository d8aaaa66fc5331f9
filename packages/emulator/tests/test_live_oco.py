"""A live position protected by ONE native order list (stop-loss + take-profit sharing one reservation)
against the exchange emulator, through ccxt's real binance client: sent once with persisted client ids,
a lost answer found by the list's client id, a leg filled while the bot was dead recorded once at restart."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

import octobot_trading as ot
from octobot_exchange_emulator import ExchangeEmulator

from .helpers import EMULATOR_HISTORY as HISTORY
from .helpers import EMULATOR_PAIR as PAIR
from .helpers import needs_eth_btc
from .test_live import (
    Live,
    emulator_orders,
    emulator_totals,
    first_low_below,
    floor_tick,
    tick,
)

OCO = "/api/v3/orderList/oco"

pytestmark = needs_eth_btc


@pytest.fixture
async def emulator(candles: np.ndarray):
    # no ETH beforehand: the protective legs can only sell what the entry bought, locked ONCE
    async with ExchangeEmulator(
        {PAIR: candles}, balances={"BTC": Decimal("2"), "ETH": Decimal("0")}, history=HISTORY
    ) as emu:
        yield emu


@pytest.fixture
async def live(emulator: ExchangeEmulator, tmp_path: Path):
    bot = Live(emulator, tmp_path / "live.sqlite")
    yield bot
    await bot.stop()


def first_high_above(emulator: ExchangeEmulator, candles: np.ndarray, start: int, level: Decimal) -> int:
    """Candles to advance, from ``start`` candles after the history, until the market trades at ``level``."""
    for index in range(HISTORY + start, len(candles)):
        if Decimal(repr(float(candles[index, 2]))) >= level:
            return index - HISTORY - start + 1
    raise AssertionError("the market never reaches the level")


async def protected_entry(
    manager: ot.LiveExchangeManager, entry: Decimal, stop: Decimal, take: Decimal
) -> ot.Order:
    """A buy of 0.4 whose fill creates a DailyTradingMode-style protection of what it brings (the fee is
    charged in ETH): stop-loss + limit take-profit in one one-cancels-the-other group."""
    trader = manager.trader
    amount = manager.markets.rules(PAIR).adjust_amount(Decimal("0.4") * Decimal("0.999"))
    group = ot.OneCancelsTheOther()
    stop_order = group.add(trader.new_order(PAIR, "sell", "stop_loss", amount, trigger_price=stop))
    take_order = group.add(trader.new_order(PAIR, "sell", "limit", amount, price=take))
    chained = [stop_order, take_order]
    return await trader.create_order(PAIR, "buy", "limit", "0.4", price=entry, chained=chained)


def levels(emulator: ExchangeEmulator, entry: Decimal) -> tuple[Decimal, Decimal]:
    return floor_tick(entry * Decimal("0.8"), tick(emulator)), floor_tick(
        entry * Decimal("1.02"), tick(emulator)
    )


async def test_a_position_is_protected_by_one_order_list_with_one_lock(live, emulator, candles):
    manager = await live.start()
    entry_price, steps = first_low_below(emulator, candles)
    stop, take = levels(emulator, entry_price)
    entry = await protected_entry(manager, entry_price, stop, take)
    await manager.order_connector.join()
    await emulator.advance(steps)  # the entry fills; the bot learns it at the next reconciliation
    await manager.reconcile()
    await manager.order_connector.join()
    assert entry.status is ot.OrderStatus.FILLED
    assert len(emulator.requests_to(OCO, "POST")) == 1
    legs = emulator_orders(emulator)
    assert sorted(o.type for o in legs) == ["LIMIT_MAKER", "STOP_LOSS"]
    assert legs[0].order_list_id == legs[1].order_list_id >= 0
    protected = legs[0].quantity
    assert emulator.balance("ETH") == (Decimal("0.4") * Decimal("0.999") - protected, protected)
    links = manager.order_connector.links
    bot_legs = manager.trader.open_orders()
    assert {links.client_ids[o.order_id] for o in bot_legs} == {o.client_order_id for o in legs}
    (list_client_id,) = {links.list_of(o.order_id) for o in bot_legs}
    (on_exchange,) = emulator.account.open_lists()
    assert on_exchange.list_client_order_id == list_client_id
    assert manager.portfolio.locked("ETH") == protected
    await manager.save()
    state = await manager.store.load()
    assert {r["order_list_client_id"] for r in state.open_orders} == {list_client_id}
    assert {r["order_list_id"] for r in state.open_orders} == {str(on_exchange.list_id)}


async def test_cancelling_the_protection_cancels_the_list_once(live, emulator, candles):
    manager = await live.start()
    entry_price, steps = first_low_below(emulator, candles)
    stop, take = levels(emulator, entry_price)
    await protected_entry(manager, entry_price, stop, take)
    await manager.order_connector.join()
    await emulator.advance(steps)
    await manager.reconcile()
    await manager.order_connector.join()
    for leg in manager.trader.open_orders(PAIR):
        await manager.trader.cancel_order(leg)
    await manager.order_connector.join()
    assert emulator_orders(emulator) == [] and emulator.account.open_lists() == []
    assert len(emulator.requests_to("/api/v3/orderList", "DELETE")) == 1
    assert manager.portfolio.locked("ETH") == 0 and emulator.balance("ETH")[1] == 0


async def test_a_lost_list_answer_is_found_by_its_client_id(live, emulator, candles):
    manager = await live.start()
    entry_price, steps = first_low_below(emulator, candles)
    stop, take = levels(emulator, entry_price)
    await protected_entry(manager, entry_price, stop, take)
    await manager.order_connector.join()
    await emulator.advance(steps)
    emulator.faults.lose_answer(OCO)
    await manager.reconcile()
    await manager.order_connector.join()
    posts = emulator.requests_to(OCO, "POST")
    assert len(posts) == 1 and posts[0].fault == "lost_answer"  # found, not sent again
    assert len(emulator.account.order_lists) == 1
    links = manager.order_connector.links
    legs = manager.trader.open_orders()
    assert all(links.exchange_ids.get(o.order_id) for o in legs) and not manager.order_connector.unconfirmed
    assert {links.list_of(o.order_id) for o in legs} == {posts[0].params["listClientOrderId"]}


async def test_a_leg_filled_while_the_bot_was_dead_is_recorded_once_and_the_other_cancelled(
    live, emulator, candles
):
    manager = await live.start()
    entry_price, steps = first_low_below(emulator, candles)
    stop, _ = levels(emulator, entry_price)
    close_after_entry = Decimal(repr(float(candles[HISTORY + steps - 1, 4])))
    take = floor_tick(close_after_entry, tick(emulator)) + 3 * tick(emulator)  # the market gets there
    entry = await protected_entry(manager, entry_price, stop, take)
    await manager.order_connector.join()
    await emulator.advance(steps)
    await manager.reconcile()
    await manager.order_connector.join()
    await manager.save()
    legs = {o.kind.value: o.order_id for o in manager.trader.open_orders()}
    await live.kill()  # kill -9 with the position protected by its list
    await emulator.advance(first_high_above(emulator, candles, steps, take))
    statuses = sorted(o.status for o in emulator.account.orders.values())
    assert statuses == ["EXPIRED", "FILLED", "FILLED"]
    manager = await live.start()
    await manager.order_connector.join()
    closed = {o.order_id: o for o in manager.account.closed_orders}
    assert closed[legs["limit"]].status is ot.OrderStatus.FILLED
    assert closed[legs["stop_loss"]].status is ot.OrderStatus.CANCELLED
    assert manager.trader.open_orders() == []
    assert [t.order_id for t in manager.trader.trades()] == [entry.order_id, legs["limit"]]
    assert manager.last_report is not None and manager.last_report.recreated == []
    assert len(emulator.requests_to(OCO, "POST")) == 1  # nothing re-created
    totals = emulator_totals(emulator)
    assert {asset: manager.portfolio.total(asset) for asset in totals} == totals
    assert manager.portfolio.locked("ETH") == 0
    await manager.reconcile()  # a second check changes nothing
    assert len(manager.trader.trades()) == 2
    await manager.save()
    state = await manager.store.load()
    assert len(state.trades) == 2 and state.open_orders == []


async def test_editing_a_leg_sends_the_list_again_and_old_news_does_not_close_it(live, emulator, candles):
    manager = await live.start()
    entry_price, steps = first_low_below(emulator, candles)
    stop, take = levels(emulator, entry_price)
    await protected_entry(manager, entry_price, stop, take)
    await manager.order_connector.join()
    await emulator.advance(steps)
    await manager.reconcile()
    await manager.order_connector.join()
    links = manager.order_connector.links
    take_leg = next(o for o in manager.trader.open_orders() if o.kind is ot.OrderKind.LIMIT)
    old_ids = {
        o.order_id: (links.client_ids[o.order_id], links.exchange_ids[o.order_id])
        for o in take_leg.group.orders
    }
    (old_list,) = emulator.account.open_lists()
    new_take = take + 5 * tick(emulator)
    await manager.trader.edit_order(take_leg, price=new_take)
    await manager.order_connector.join()
    assert old_list.status_type == "ALL_DONE"
    (new_list,) = emulator.account.open_lists()
    assert sorted((o.type, o.price) for o in new_list.orders)[0] == ("LIMIT_MAKER", new_take)
    assert emulator.balance("ETH")[1] == new_list.orders[0].quantity  # still locked once
    legs = manager.trader.open_orders()
    assert {links.client_ids[o.order_id] for o in legs} == {o.client_order_id for o in new_list.orders}
    assert not {links.client_ids[o.order_id] for o in legs} & {c for c, _ in old_ids.values()}
    # the old legs' cancellation arrives late (a slow stream): the re-sent legs stay open
    for _client_id, exchange_id in old_ids.values():
        await manager.on_exchange_order(await live.connector.fetch_order(PAIR, exchange_id))
    assert all(o.is_active for o in legs) and len(manager.trader.open_orders()) == 2
    await manager.reconcile()
    assert manager.last_report.recreated == [] and len(emulator.account.open_lists()) == 1


async def test_editing_a_single_order_uses_a_new_client_id(live, emulator, candles):
    manager = await live.start()
    price = floor_tick(emulator.last_price(PAIR) * Decimal("0.5"), tick(emulator))
    order = await manager.trader.create_order(PAIR, "buy", "limit", "0.5", price=price)
    await manager.order_connector.join()
    links = manager.order_connector.links
    old_client, old_exchange = links.client_ids[order.order_id], links.exchange_ids[order.order_id]
    await manager.trader.edit_order(order, price=price - tick(emulator))
    await manager.order_connector.join()
    (placed,) = emulator_orders(emulator)
    assert (
        placed.price == price - tick(emulator) and placed.client_order_id == links.client_ids[order.order_id]
    )
    assert placed.client_order_id != old_client
    await manager.on_exchange_order(
        await live.connector.fetch_order(PAIR, old_exchange)
    )  # cancelled: old news
    assert order.is_active
    await manager.reconcile()
    assert order.is_active and manager.portfolio.locked("BTC") > 0


async def test_a_partly_filled_leg_keeps_its_share_of_the_lock_and_the_other_leg_goes(
    live, emulator, candles
):
    manager = await live.start()
    entry_price, steps = first_low_below(emulator, candles)
    stop, _ = levels(emulator, entry_price)
    close_after_entry = Decimal(repr(float(candles[HISTORY + steps - 1, 4])))
    take = floor_tick(close_after_entry, tick(emulator)) + 3 * tick(emulator)
    await protected_entry(manager, entry_price, stop, take)
    await manager.order_connector.join()
    await emulator.advance(steps)
    await manager.reconcile()
    await manager.order_connector.join()
    take_leg = next(o for o in manager.trader.open_orders() if o.kind is ot.OrderKind.LIMIT)
    stop_leg = next(o for o in manager.trader.open_orders() if o.kind is ot.OrderKind.STOP_LOSS)
    emulator.faults.partial_fill(Decimal("0.5"))
    await emulator.advance(first_high_above(emulator, candles, steps, take))
    await manager.reconcile()
    await manager.order_connector.join()
    on_exchange = {o.type: o for o in emulator.account.orders.values() if o.order_list_id >= 0}
    assert on_exchange["LIMIT_MAKER"].status == "PARTIALLY_FILLED"
    assert on_exchange["STOP_LOSS"].status == "EXPIRED"
    assert take_leg.filled == on_exchange["LIMIT_MAKER"].executed > 0  # to the unit
    assert take_leg.status is ot.OrderStatus.PARTIALLY_FILLED and stop_leg.status is ot.OrderStatus.CANCELLED
    assert manager.portfolio.locked("ETH") == take_leg.remaining == emulator.balance("ETH")[1]
    assert len(emulator.requests_to("/api/v3/order", "DELETE")) == 0  # the exchange expired the stop itself
    totals = emulator_totals(emulator)
    assert {asset: manager.portfolio.total(asset) for asset in totals} == totals


async def test_cancelling_a_triggered_stop_cancels_it_alone_once_its_list_is_done(live, emulator, candles):
    manager = await live.start()
    entry_price, steps = first_low_below(emulator, candles)
    close_after_entry = Decimal(repr(float(candles[HISTORY + steps - 1, 4])))
    # a stop-limit that triggers soon and then rests (its limit stays above the market)
    stop = floor_tick(close_after_entry, tick(emulator)) - tick(emulator)
    take = floor_tick(close_after_entry * Decimal("1.5"), tick(emulator))
    trader = manager.trader
    amount = manager.markets.rules(PAIR).adjust_amount(Decimal("0.4") * Decimal("0.999"))
    group = ot.OneCancelsTheOther()
    stop_leg = group.add(
        trader.new_order(PAIR, "sell", "stop_limit", amount, price=take - tick(emulator), trigger_price=stop)
    )
    take_leg = group.add(trader.new_order(PAIR, "sell", "limit", amount, price=take))
    await trader.create_order(PAIR, "buy", "limit", "0.4", price=entry_price, chained=[stop_leg, take_leg])
    await manager.order_connector.join()
    await emulator.advance(steps)
    await manager.reconcile()
    await manager.order_connector.join()
    for _ in range(200):  # until the stop triggers: the exchange expires the take-profit, the list is done
        if emulator.account.open_lists() == []:
            break
        await emulator.advance()
    on_exchange = {o.type: o for o in emulator.account.orders.values() if o.order_list_id >= 0}
    assert on_exchange["STOP_LOSS_LIMIT"].working and on_exchange["STOP_LOSS_LIMIT"].status == "NEW"
    assert on_exchange["LIMIT_MAKER"].status == "EXPIRED"
    await manager.reconcile()
    assert take_leg.status is ot.OrderStatus.EXPIRED and stop_leg.is_active
    assert manager.last_report.recreated == []  # the position is still protected by the triggered stop
    await trader.cancel_order(stop_leg)
    await manager.order_connector.join()
    assert on_exchange["STOP_LOSS_LIMIT"].status == "CANCELED"  # cancelled alone, not left behind
    assert emulator.balance("ETH")[1] == 0 and manager.portfolio.locked("ETH") == 0


async def test_a_stop_the_market_passed_before_it_reached_the_exchange_becomes_a_market_exit(
    live, emulator, candles, caplog
):
    manager = await live.start()
    entry_price, steps = first_low_below(emulator, candles)
    await protected_entry(manager, entry_price, entry_price, floor_tick(entry_price * 2, tick(emulator)))
    await manager.order_connector.join()
    await emulator.advance(steps)  # the entry fills; the bot learns it only at the next reconciliation
    while emulator.last_price(PAIR) >= entry_price:  # meanwhile the market falls through the stop
        await emulator.advance(1)
    await manager.reconcile()
    await manager.order_connector.join()
    # the exchange refused the order list (its stop would trigger at once): the position left at market
    assert not emulator.account.open_lists() and not emulator_orders(emulator)
    (exit_trade,) = [t for t in manager.trader.trades(PAIR) if t.side is ot.OrderSide.SELL]
    assert exit_trade.kind is ot.OrderKind.MARKET
    assert exit_trade.amount == manager.markets.rules(PAIR).adjust_amount(Decimal("0.4") * Decimal("0.999"))
    assert manager.trader.open_orders() == []
    assert emulator.balance("ETH")[1] == 0 and manager.portfolio.locked("ETH") == 0
    assert "exiting sell" in caplog.text and "at market instead" in caplog.text
