"""State store and account recorder: round trips, atomic writes, restore of open orders, groups and
chained orders after a crash."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager

BTC = "BTC/USDT"


def _order_record(order_id: str, status: str = "open", **extra: object) -> dict:
    record = {
        "id": order_id,
        "exchange_id": "binance-x",
        "symbol": BTC,
        "side": "buy",
        "kind": "limit",
        "status": status,
        "amount": "0.5",
        "price": "20000.01",
        "created_at": T0,
        "chained": [],
    }
    record.update(extra)
    return record


def _trade_record(trade_id: str, order_id: str = "o-1") -> dict:
    return {
        "id": trade_id,
        "order_id": order_id,
        "exchange_id": "binance-x",
        "symbol": BTC,
        "side": "buy",
        "kind": "limit",
        "amount": "0.25",
        "price": "20000.01",
        "cost": "5000.0025",
        "fee_asset": "BTC",
        "fee": "0.00025",
        "taker": False,
        "time": T0 + 1,
        "realised_pnl": "0",
    }


PORTFOLIO = {"timestamp": None, "balances": {"USDT": {"total": "1000.5", "available": "100.25"}}}


async def test_store_round_trip_keeps_every_field_exactly(tmp_path):
    path = tmp_path / "state.sqlite"
    async with ot.StateStore(path) as store:
        change = ot.StateChange(
            orders=[_order_record("o-1"), _order_record("o-2", status="filled")],
            trades=[_trade_record("t-1")],
            portfolio=PORTFOLIO,
            history=[(T0, "1000.5"), (T0 + H1, "1001.25")],
            counters={"client_order_id": 42},
            meta={"exchange": "binance"},
        )
        assert await store.write(change) == 1
    async with ot.StateStore(path) as reopened:
        state = await reopened.load()
    assert state.orders["o-1"] == _order_record("o-1")
    assert [r["id"] for r in state.open_orders] == ["o-1"]
    assert state.trades == [_trade_record("t-1")]
    assert state.portfolio == PORTFOLIO
    assert state.history == [(T0, "1000.5"), (T0 + H1, "1001.25")]
    assert state.counters == {"client_order_id": 42}
    assert state.meta["exchange"] == "binance"
    assert state.meta["format_version"] == "1"
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_trade_is_stored_once_whatever_the_number_of_writes(tmp_path):
    async with ot.StateStore(tmp_path / "s.sqlite") as store:
        assert await store.write(ot.StateChange(trades=[_trade_record("t-1")])) == 1
        assert await store.write(ot.StateChange(trades=[_trade_record("t-1"), _trade_record("t-2")])) == 1
        state = await store.load()
    assert [t["id"] for t in state.trades] == ["t-1", "t-2"]


async def test_an_exception_in_the_middle_of_a_write_leaves_the_previous_state(tmp_path):
    path = tmp_path / "s.sqlite"
    async with ot.StateStore(path) as store:
        await store.write(
            ot.StateChange(orders=[_order_record("o-1")], portfolio=PORTFOLIO, counters={"c": 1})
        )
        before = await store.load()
        broken = ot.StateChange(
            orders=[_order_record("o-1", status="filled"), _order_record("o-2", amount=object())],
            trades=[_trade_record("t-9")],
            portfolio={"timestamp": None, "balances": {}},
            counters={"c": 2},
        )
        with pytest.raises(TypeError):
            await store.write(broken)  # the first order row was written before the second one failed
        assert await store.load() == before
        # the store stays usable
        await store.write(ot.StateChange(counters={"c": 3}))
        assert (await store.load()).counters == {"c": 3}
    async with ot.StateStore(path) as reopened:
        state = await reopened.load()
    assert state.orders == before.orders and state.counters == {"c": 3}


async def test_unusable_files_are_refused_with_a_clear_error(tmp_path):
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ot.StateFileError, match="not a usable state file"):
        await ot.StateStore(garbage).open()
    newer = tmp_path / "newer.sqlite"
    async with ot.StateStore(newer) as store:
        await store.write(ot.StateChange(meta={"format_version": "99"}))
    with pytest.raises(ot.StateFileError, match="newer"):
        await ot.StateStore(newer).open()
    with pytest.raises(ot.StateClosedError, match="not open"):
        await ot.StateStore(tmp_path / "x.sqlite").load()


async def _entry_with_protection(em: ot.ExchangeManager) -> tuple[ot.Order, ot.OneCancelsTheOther]:
    """A limit buy whose fill creates a stop-loss and a take-profit that cancel each other."""
    group = ot.OneCancelsTheOther()
    stop = em.trader.new_order(BTC, "sell", "stop_loss", "0.1", trigger_price="18000")
    take = em.trader.new_order(BTC, "sell", "take_profit_limit", "0.1", price="23000", trigger_price="23000")
    group.add(stop)
    group.add(take)
    entry = await em.trader.create_order(BTC, "buy", "limit", "0.1", price="19500", chained=[stop, take])
    return entry, group


def _view(order: ot.Order) -> dict:
    """An order as the user sees it, apart from the exchange manager's id (new in each process)."""
    view = order.to_dict()
    del view["exchange"]
    return {**view, "locked": order.locked_amount, "chained": [_view(c) for c in order.chained]}


async def _restarted(path, clock) -> tuple[ot.ExchangeManager, ot.StateStore, list[ot.Order]]:
    em = await manager({"USDT": "1"}, clock=clock)  # balances come from the state, not from here
    store = await ot.StateStore(path).open()
    restored = ot.restore_account(em, await store.load())
    return em, store, restored


async def test_recorder_and_restore_continue_with_the_same_orders_locks_and_chained_orders(tmp_path):
    path = tmp_path / "paper.sqlite"
    clock = ManualClock()
    em = await manager({"USDT": "10000", "BTC": "1"}, clock=clock)
    store = await ot.StateStore(path).open()
    recorder = ot.AccountRecorder(em, store)
    await recorder.start()
    await em.push_candle(BTC, "1h", candle(T0, "20000", "20100", "19900", "20050"))
    entry, _group = await _entry_with_protection(em)
    resting_sell = await em.trader.create_order(BTC, "sell", "limit", "0.3", price="25000")
    await recorder.join()
    before = {o.order_id: _view(o) for o in em.trader.open_orders()}
    balances = em.balance()
    # crash: nothing is stopped, nothing more is written
    clock2 = ManualClock(T0 + H1)
    em2, store2, restored = await _restarted(path, clock2)
    assert {o.order_id: _view(o) for o in restored} == before
    assert all(o.exchange_id == em2.exchange_id for o in restored)
    assert em2.balance() == balances
    assert em2.portfolio.locked("USDT") == entry.locked_amount > 0
    assert em2.portfolio.locked("BTC") == D("0.3")
    restored_entry = em2.account.get_open(entry.order_id)
    assert [c.kind for c in restored_entry.chained] == [
        ot.OrderKind.STOP_LOSS,
        ot.OrderKind.TAKE_PROFIT_LIMIT,
    ]
    legs = restored_entry.chained
    assert legs[0].group is legs[1].group and legs[0].group.orders == legs
    # the restarted account trades on: the entry fills, its protection is created once, the OCO works
    recorder2 = ot.AccountRecorder(em2, store2)
    await recorder2.start(restored=True)
    await em2.push_candle(BTC, "1h", candle(T0 + H1, "20000", "20000", "19400", "19600"))
    open_kinds = sorted(o.kind.value for o in em2.trader.open_orders())
    assert open_kinds == ["limit", "stop_loss", "take_profit_limit"]
    new = await em2.trader.create_order(BTC, "buy", "limit", "0.01", price="15000")
    assert new.order_id not in {entry.order_id, resting_sell.order_id, *(c.order_id for c in legs)}
    await em2.push_candle(BTC, "1h", candle(T0 + 2 * H1, "19600", "19700", "17900", "18000"))
    assert sorted(o.kind.value for o in em2.trader.open_orders()) == ["limit", "limit"]
    await recorder2.join()
    state = await store2.load()
    filled = [r for r in state.orders.values() if r["status"] == "filled"]
    assert sorted(r["kind"] for r in filled) == ["limit", "stop_loss"]
    assert sorted(r["kind"] for r in state.open_orders) == ["limit", "limit"]
    assert {t["order_id"] for t in state.trades} == {entry.order_id, legs[0].order_id}
    assert state.portfolio == em2.portfolio.snapshot().to_dict()
    await recorder2.stop()
    await store2.close()
    await store.close()
    await em.stop()
    await em2.stop()


async def test_partial_fills_are_recorded_to_the_unit_and_restored(tmp_path):
    path = tmp_path / "partial.sqlite"
    simulator_markets = (await manager()).markets
    sim = ot.ExchangeSimulator(simulator_markets, fill_model=ot.FillModel(volume_cap=Decimal("0.5")))
    em = await manager(simulator=sim)
    store = await ot.StateStore(path).open()
    recorder = ot.AccountRecorder(em, store)
    await recorder.start()
    await em.push_candle(BTC, "1h", candle(T0, "20000", "20000", "20000", "20000"))
    order = await em.trader.create_order(BTC, "buy", "limit", "0.12345", price="19000")
    await em.push_candle(BTC, "1h", candle(T0 + H1, "19500", "19500", "18900", "19000", "0.1"))
    assert ot.OrderStatus(order.status) is ot.OrderStatus.PARTIALLY_FILLED
    await recorder.join()
    state = await store.load()
    assert Decimal(state.orders[order.order_id]["filled"]) == order.filled == D("0.05")
    assert sum(Decimal(t["amount"]) for t in state.trades) == order.filled
    em2, store2, restored = await _restarted(path, ManualClock(T0 + 2 * H1))
    (again,) = restored
    assert (again.filled, again.remaining, again.locked_amount) == (
        order.filled,
        order.remaining,
        order.locked_amount,
    )
    assert again.status is ot.OrderStatus.PARTIALLY_FILLED
    cancelled = await em2.trader.cancel_order(again.order_id)
    assert cancelled.status is ot.OrderStatus.CANCELLED
    assert em2.portfolio.locked("USDT") == 0  # the exact reservation came back
    for s in (store, store2):
        await s.close()
    await em.stop()
    await em2.stop()


async def test_restore_moves_the_public_id_factories_past_the_stored_ids(tmp_path):
    path = tmp_path / "ids.sqlite"
    far_order = ot.Trader.order_ids.next_id + 1000
    async with ot.StateStore(path) as store:
        await store.write(
            ot.StateChange(
                orders=[_order_record(f"binance-x-{far_order}")],
                trades=[_trade_record("binance-x-t77")],
                portfolio=PORTFOLIO,
            )
        )
    em = await manager({"USDT": "1"})
    assert em.account.trade_ids.next_id == 1
    async with ot.StateStore(path) as store:
        ot.restore_account(em, await store.load())
    assert em.trader.order_ids is ot.Trader.order_ids  # one factory for the process
    assert em.trader.order_ids.next_id == far_order + 1 and em.account.trade_ids.next_id == 78
    order = em.trader.new_order(BTC, "buy", "limit", "0.01", price="19000")
    assert order.order_id == f"{em.exchange_id}-{far_order + 1}"
    em.account.trade_ids.reserve_above(5)  # never backwards
    assert next(em.account.trade_ids) == 78
    await em.stop()


async def test_the_write_ahead_log_is_checkpointed_during_the_run(tmp_path):
    """A long run writes thousands of changes: the -wal file beside the state file stays bounded
    instead of growing until a clean stop."""
    path = tmp_path / "state.sqlite"
    wal = tmp_path / "state.sqlite-wal"
    largest = 0
    async with ot.StateStore(path) as store:
        for index in range(600):
            await store.write(
                ot.StateChange(
                    orders=[_order_record(f"o-{index}")],
                    trades=[_trade_record(f"t-{index}", f"o-{index}")],
                    portfolio=PORTFOLIO,
                    counters={"orders": index},
                )
            )
            largest = max(largest, wal.stat().st_size if wal.exists() else 0)
        assert path.stat().st_size > 100 * 1024  # the changes reached the state file itself
    assert 0 < largest <= 1024 * 1024
    async with ot.StateStore(path) as store:
        state = await store.load()
    assert len(state.orders) == 600 and len(state.trades) == 600
