"""Orders created in reaction to a fill inside a candle meet the rest of that candle (as live), only it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager

BTC = "BTC/USDT"


async def _setup(synchronizer: oc.Synchronizer | None = None) -> tuple[ot.ExchangeManager, ManualClock]:
    clock = ManualClock(T0)
    em = await manager(clock=clock, synchronizer=synchronizer)
    await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
    clock.now = T0 + H1  # orders are created at that candle's close
    if synchronizer is not None:
        await synchronizer.drain()
    return em, clock


async def _push(em: ot.ExchangeManager, clock: ManualClock, prices: tuple[str, ...]) -> None:
    """The candle opening now, pushed at its close (as a replay does)."""
    open_time = clock.now
    clock.now = open_time + H1
    await em.push_candle(BTC, "1h", candle(open_time, *prices))


def test_the_path_is_open_nearer_extreme_farther_extreme_close() -> None:
    path = ot.FillModel().candle_path
    assert path(D(100), D("100.2"), D(97), D("97.5")) == [D(100), D("100.2"), D(97), D("97.5")]
    assert path(D(100), D(105), D(95), D(98)) == [D(100), D(95), D(105), D(98)]  # a tie: the low first


async def test_a_chained_take_profit_fills_later_in_the_candle_its_entry_filled_in() -> None:
    em, clock = await _setup()
    take = em.trader.new_order(BTC, "sell", "limit", "0.1", price="103")
    entry = await em.trader.create_order(BTC, "buy", "limit", "0.1", price="98", chained=[take])
    # path 100 -> 97 (the entry fills at 98) -> 104 (the take-profit fills at 103) -> 102
    await _push(em, clock, ("100", "104", "97", "102"))
    assert entry.status is ot.OrderStatus.FILLED and take.status is ot.OrderStatus.FILLED
    assert [(t.side.value, t.price, t.taker) for t in em.trader.trades()] == [
        ("buy", D(98), False),
        ("sell", D(103), False),  # it rested on the book from the low on: a maker fill at its price
    ]
    await em.stop()


async def test_a_chained_order_never_fills_on_the_path_before_its_parents_fill() -> None:
    em, clock = await _setup()
    take = em.trader.new_order(BTC, "sell", "limit", "0.1", price="99")
    entry = await em.trader.create_order(BTC, "buy", "limit", "0.1", price="98", chained=[take])
    # path 100 -> 100.2 -> 97 (passes 99, then fills the entry at 98) -> 97.5: 99 is not met again
    await _push(em, clock, ("100", "100.2", "97", "97.5"))
    assert entry.status is ot.OrderStatus.FILLED and take.status is ot.OrderStatus.OPEN
    await em.stop()


class Mirror:
    """Reacts to each fill like a grid: the opposite order 2 away; ``watched``: marks what it creates
    ``fill_watched`` (as a mode with plan_on_fill does)."""

    def __init__(self, em: ot.ExchangeManager, watched: bool) -> None:
        self.em = em
        self.watched = watched
        self.orders: dict[str, ot.Order] = {}
        #: the price the bot saw when it reacted to each fill
        self.seen: list[Decimal | None] = []

    async def watch(self, order: ot.Order) -> ot.Order:
        order.fill_watched = self.watched
        self.orders[order.order_id] = order
        return order

    async def on_order(self, message: dict[str, Any]) -> None:
        update = message["order"]
        filled = self.orders.get(update["id"])
        if filled is None or update["status"] != "filled" or filled.price is None:
            return
        self.seen.append(self.em.last_price(BTC))
        side, price = ("sell", filled.price + 2) if filled.is_buy else ("buy", filled.price - 2)
        await self.watch(await self.em.trader.create_order(BTC, side, "limit", "0.1", price=price))


async def _mirrored(watched: bool) -> tuple[ot.ExchangeManager, ManualClock, Mirror, oc.Synchronizer]:
    synchronizer = oc.Synchronizer()
    em, clock = await _setup(synchronizer)
    mirror = Mirror(em, watched)
    await em.get_channel("OrdersChannel").new_consumer(mirror.on_order)
    await mirror.watch(await em.trader.create_order(BTC, "buy", "limit", "0.1", price="99"))
    return em, clock, mirror, synchronizer


async def test_a_watched_fill_is_reacted_to_inside_the_candle_once_per_later_point_of_its_path() -> None:
    em, clock, mirror, synchronizer = await _mirrored(watched=True)
    # path 100 -> 95 -> 105 -> 98: the buy at 99 fills going down, its mirror sell at 101 going up,
    # that one's mirror buy at 99 going down to the close; the last mirror (a sell at 101) waits: the
    # path is over (no ping-pong inside one candle: a reaction meets only the path after its fill)
    await _push(em, clock, ("100", "105", "95", "98"))
    await synchronizer.drain()
    trades = [(t.side.value, t.price) for t in em.trader.trades()]
    assert trades == [("buy", D(99)), ("sell", D(101)), ("buy", D(99))]
    (left,) = em.trader.open_orders(BTC)
    assert (left.side.value, left.price) == ("sell", D(101))
    # each reaction saw the price the walk had reached (as a live bot sees the ticker), the last the close
    assert mirror.seen == [D(95), D(105), D(98)]
    assert em.last_price(BTC) == D(98)
    await em.stop()


async def test_an_unwatched_fill_is_reacted_to_at_the_close_and_its_reaction_waits_for_the_next_candle() -> (
    None
):
    em, clock, mirror, synchronizer = await _mirrored(watched=False)
    await _push(em, clock, ("100", "105", "95", "98"))
    await synchronizer.drain()
    assert [(t.side.value, t.price) for t in em.trader.trades()] == [("buy", D(99))]
    assert mirror.seen == [D(98)]
    await _push(em, clock, ("98", "102", "97", "101"))
    await synchronizer.drain()
    assert [(t.side.value, t.price) for t in em.trader.trades()][-1] == ("sell", D(101))
    await em.stop()


async def test_without_a_synchronizer_the_walk_never_pauses() -> None:
    """A bot in normal mode (its consumers are tasks) cannot react inside a walk: the reaction comes
    when its consumer runs, matched from the next price event."""
    em, clock = await _setup()
    assert em.connector.pauses_on_watched_fills is False
    buy = await em.trader.create_order(BTC, "buy", "limit", "0.1", price="99")
    buy.fill_watched = True
    await _push(em, clock, ("100", "105", "95", "98"))
    assert buy.status is ot.OrderStatus.FILLED
    assert em.connector.resume_candle(BTC) is False  # nothing paused
    await em.stop()


@pytest.mark.parametrize("latency_ms", [0, 60_000])
async def test_a_reaction_under_latency_waits_for_the_next_candle(latency_ms: int) -> None:
    em, clock, _, synchronizer = await _mirrored(watched=True)
    em.connector.latency_model = ot.LatencyModel(delay_ms=latency_ms)
    await _push(em, clock, ("100", "105", "95", "98"))
    await synchronizer.drain()
    expected = 3 if latency_ms == 0 else 1
    assert len(em.trader.trades()) == expected
    await em.stop()
