"""The scenarios the ladder modes' tests share (grid and staggered orders): a mode laid around a price,
the candle that fills the order nearest below or above it, a restart through the state store, and a run
on real candles where every fill must have its mirror."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import (
    H1,
    T0,
    D,
    ManualClock,
    candle,
    manager,
    persistent_manager,
    read_csv_candles,
    shared_csv,
)

BTC = "BTC/USDT"
STEP = D("0.00001")  # the test market's amount step (Binance's BTC/USDT lot size)
#: the price each mirror of the first fill is laid at (the ladders are laid around 100)
MIRROR_PRICE = D(100)


def truncate(amount: Decimal) -> Decimal:
    return amount.quantize(STEP, rounding=ROUND_DOWN)


def book(em: ot.ExchangeManager, side: ot.OrderSide | None = None) -> list[tuple[str, Decimal, Decimal]]:
    """The open orders on BTC/USDT as sorted (side, price, amount)."""
    return sorted(
        (o.side.value, o.price, o.amount)
        for o in em.trader.open_orders(BTC)
        if side is None or o.side is side
    )


async def laid(
    mode_class: type, config: dict[str, Any], balances: dict[str, str], price: str = "100"
) -> tuple:
    """A ``mode_class`` laid on BTC/USDT at ``price``: (manager, mode, clock, synchronizer)."""
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    em = await manager(balances, clock=clock, synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, price, price, price, price))
    await sync.drain()
    clock.now = T0 + H1
    mode = mode_class(em, [BTC], config)
    await mode.start()
    await sync.drain()
    return em, mode, clock, sync


async def fill_nearest(
    em: ot.ExchangeManager, sync: oc.Synchronizer, side: ot.OrderSide, at_ms: int
) -> tuple[ot.Order, list[ot.Order]]:
    """Pushes the candle (opened at ``at_ms``) that fills the ``side`` order nearest 100 (the buy at 99
    or the sell at 101): (the filled order, the open orders laid at ``MIRROR_PRICE`` since)."""
    if side is ot.OrderSide.BUY:
        await em.push_candle(BTC, "1h", candle(at_ms, "100", "100", "98.5", "99.5"))
    else:
        await em.push_candle(BTC, "1h", candle(at_ms, "100", "101.5", "100", "101"))
    await sync.drain()
    (filled,) = [o for o in em.trader.closed_orders() if o.side is side]
    return filled, [o for o in em.trader.open_orders(BTC) if o.price == MIRROR_PRICE]


async def restarted_from_the_store(
    mode_class: type, config: dict[str, Any], balances: dict[str, str], path: Path, moved_price: str
) -> tuple:
    """A mode laid at 100 with a state store, stopped, then started again on a new manager of the same
    store while the price moved to ``moved_price``: (the book before, the new manager, the restarted
    mode, its synchronizer). The new manager's clock is at T0 + 2 h."""
    clock, sync = ManualClock(T0), oc.Synchronizer()
    em = await persistent_manager(path, balances, clock=clock, synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, "100", "100", "100", "100"))
    await sync.drain()
    mode = mode_class(em, [BTC], config)
    await mode.start()
    await sync.drain()
    before = book(em)
    await mode.stop()
    await em.stop()  # the open orders stay in the state file

    clock2, sync2 = ManualClock(T0 + 2 * H1), oc.Synchronizer()
    em2 = await persistent_manager(path, {"USDT": "1"}, clock=clock2, synchronizer=sync2)
    restarted = mode_class(em2, [BTC], config)
    await restarted.start()
    await em2.push_candle(BTC, "1h", candle(T0 + H1, moved_price, moved_price, moved_price, moved_price))
    await sync2.drain()
    return before, em2, restarted, sync2


async def run_on_real_candles(mode_class: type, config_of_first_close: Any, laid_orders: int) -> tuple:
    """``mode_class`` on 3,000 real ETH/BTC 5m candles (skipped without the shared data), its config made
    from the first close, ``laid_orders`` open once started: (manager, mode, filled orders)."""
    path = shared_csv("ETH_BTC-5m.csv")
    if path is None:
        pytest.skip("shared market data not found")
    pair, five_minutes = "ETH/BTC", 300_000
    rows = read_csv_candles(path)[:3000]
    sync = oc.Synchronizer()
    clock = ManualClock(rows[0][0] + five_minutes)
    em = await manager({"BTC": "10", "ETH": "50"}, clock=clock, synchronizer=sync)
    await em.push_candle(pair, "5m", rows[0])
    await sync.drain()
    mode = mode_class(em, [pair], config_of_first_close(Decimal(str(rows[0][4]))))
    await mode.start()
    await sync.drain()
    assert len(em.trader.open_orders(pair)) == laid_orders
    for row in rows[1:]:
        clock.now = row[0] + five_minutes
        await em.push_candle(pair, "5m", row)
        await sync.drain()
    filled = [o for o in em.trader.closed_orders(pair) if o.status is ot.OrderStatus.FILLED]
    return em, mode, filled


def assert_every_fill_mirrored(mode: Any, filled: list[ot.Order], distance: Decimal) -> None:
    """Each fill has its mirror ``distance`` away on the other side, and fills at its limit or better."""
    assert len(filled) >= 10, "the ladder should trade on 3,000 real 5m candles"
    created = {(o.side, o.price) for o in mode.created_orders}
    for order in filled:
        if order.side is ot.OrderSide.BUY:
            assert (ot.OrderSide.SELL, order.price + distance) in created, f"no mirror for {order}"
            assert order.average_price <= order.price, order  # never worse than the limit
        else:
            assert (ot.OrderSide.BUY, order.price - distance) in created, f"no mirror for {order}"
            assert order.average_price >= order.price, order
    assert mode.last_errors == {}
