"""Simulated fills: when each order kind fills, at what price, along the intra-candle path."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager

BTC = "BTC/USDT"


async def _setup(balances=None, **kwargs):
    clock = ManualClock(T0)
    em = await manager(balances, clock=clock, **kwargs)
    # one closed candle gives the market a price (close 100) at T0 + 1h
    await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
    clock.now = T0 + H1
    return em, clock


async def _next(em, clock, o, h, l, c, v="100"):  # noqa: E741
    """Push the candle opening now; the clock moves to its close."""
    open_time = clock.now
    await em.push_candle(BTC, "1h", candle(open_time, o, h, l, c, v))
    clock.now = open_time + H1


def test_candle_path_goes_to_the_nearer_extreme_first():
    model = ot.FillModel()
    assert model.candle_path(D(100), D(101), D(90), D(95)) == [D(100), D(101), D(90), D(95)]
    assert model.candle_path(D(100), D(110), D(99), D(105)) == [D(100), D(99), D(110), D(105)]
    # equally far: the low first (pessimistic for a long position)
    assert model.candle_path(D(100), D(105), D(95), D(100)) == [D(100), D(95), D(105), D(100)]


async def test_limit_buy_fills_at_its_price_only_when_the_market_trades_through_it():
    em, clock = await _setup()
    order = await em.trader.create_order(BTC, "buy", "limit", "0.5", price="95")
    assert order.status is ot.OrderStatus.OPEN
    await _next(em, clock, "100", "102", "96", "97")  # never reaches 95
    assert order.status is ot.OrderStatus.OPEN and order.filled == 0
    await _next(em, clock, "97", "98", "94", "96")
    assert order.status is ot.OrderStatus.FILLED
    assert order.average_price == D(95)
    trade = em.trader.trades(BTC)[-1]
    assert (trade.price, trade.amount, trade.taker) == (D(95), D("0.5"), False)
    await em.stop()


@pytest.mark.parametrize("steps", [-3, -2, -1, 0, 1, 2, 3])
async def test_float_prices_within_float_steps_of_a_level_fill_as_their_decimal_text_says(steps):
    # a replay's candle prices are floats, looked at against the levels without a Decimal when they are
    # far from every level: near one, the decision must still be the one of Decimal(str(price))
    em, clock = await _setup({"USDT": "10000", "BTC": "2"})
    buy = await em.trader.create_order(BTC, "buy", "limit", "0.5", price="95.01")
    sell = await em.trader.create_order(BTC, "sell", "limit", "0.5", price="102.99")
    low, high = 95.01, 102.99
    for _ in range(abs(steps)):  # +: away from the levels, -: through them
        low, high = math.nextafter(low, math.inf * steps), math.nextafter(high, -math.inf * steps)
    open_time = clock.now
    await em.push_candle(BTC, "1h", [open_time, 100.0, high, low, 100.0, 100.0])
    assert (buy.filled > 0) is (Decimal(str(low)) <= D("95.01"))
    assert (sell.filled > 0) is (Decimal(str(high)) >= D("102.99"))
    assert (buy.filled > 0) is (steps <= 0)
    await em.stop()


async def test_a_candle_that_reaches_no_level_moves_only_the_price_and_a_level_on_its_extreme_fills():
    em, clock = await _setup({"USDT": "10000", "BTC": "2"})
    buy = await em.trader.create_order(BTC, "buy", "limit", "0.5", price="95")
    sell = await em.trader.create_order(BTC, "sell", "limit", "0.5", price="103")
    await _next(em, clock, "100", "102.99", "95.01", "97.5")  # between the two levels
    assert (buy.filled, sell.filled) == (0, 0)
    assert em.connector.last_price(BTC) == D("97.5") and em.last_price(BTC) == D("97.5")
    await _next(em, clock, "97.5", "103", "96", "102")  # the high is the sell's level exactly
    assert (buy.status, sell.status) == (ot.OrderStatus.OPEN, ot.OrderStatus.FILLED)
    assert sell.average_price == D(103)
    await _next(em, clock, "102", "102", "95", "96")  # the low is the buy's level exactly
    assert buy.status is ot.OrderStatus.FILLED and buy.average_price == D(95)
    await em.stop()


async def test_orders_never_fill_on_prices_dated_before_their_creation():
    em, clock = await _setup()
    clock.now = T0 + H1 + 1_000  # created during the candle that opened at T0 + 1h
    order = await em.trader.create_order(BTC, "buy", "limit", "0.1", price="95")
    # that candle went through 95, but before the order existed
    await em.push_candle(BTC, "1h", candle(T0 + H1, "100", "100", "90", "99"))
    assert order.filled == 0
    clock.now = T0 + 2 * H1
    await _next(em, clock, "99", "99", "94", "98")
    assert order.status is ot.OrderStatus.FILLED
    await em.stop()


async def test_latency_delays_the_first_matchable_price():
    sim_markets = None
    em, clock = await _setup(simulator=sim_markets)
    em.connector.latency_model = ot.LatencyModel(delay_ms=2 * H1)
    order = await em.trader.create_order(BTC, "buy", "limit", "0.1", price="95")
    await _next(em, clock, "100", "100", "90", "99")  # before created_at + latency
    assert order.filled == 0
    await _next(em, clock, "99", "99", "94", "98")  # from created_at + 2h on
    await _next(em, clock, "99", "99", "94", "98")
    assert order.status is ot.OrderStatus.FILLED
    await em.stop()


async def test_market_order_fills_at_the_current_price_as_taker():
    em, _ = await _setup()
    order = await em.trader.create_order(BTC, "buy", "market", "0.2")
    assert order.status is ot.OrderStatus.FILLED
    trade = em.trader.trades()[-1]
    assert trade.price == D(100) and trade.taker
    # binance taker fee 0.1 %, charged in the received BTC
    assert trade.fee_asset == "BTC" and trade.fee == D("0.2") * D("0.001")
    assert em.portfolio.total("BTC") == D(1) + D("0.2") - D("0.0002")
    assert em.portfolio.total("USDT") == D(10000) - D(20)
    await em.stop()


async def test_market_order_without_a_price_is_refused():
    em = await manager(clock=ManualClock())
    with pytest.raises(ot.NoPriceError, match="no price"):
        await em.trader.create_order(BTC, "buy", "market", "0.2")
    assert em.portfolio.available("USDT") == D(10000)
    await em.stop()


async def test_stop_loss_triggers_on_its_level_and_fills_at_the_gap_price_when_gapped():
    em, clock = await _setup()
    stop = await em.trader.create_order(BTC, "sell", "stop_loss", "0.5", trigger_price="95")
    await _next(em, clock, "100", "101", "96", "97")
    assert stop.filled == 0
    await _next(em, clock, "97", "98", "94", "95")
    assert stop.status is ot.OrderStatus.FILLED and stop.average_price == D(95)
    gapped = await em.trader.create_order(BTC, "sell", "stop_loss", "0.2", trigger_price="90")
    await _next(em, clock, "85", "88", "84", "86")  # opens below the stop
    assert gapped.average_price == D(85)
    assert all(t.taker for t in em.trader.trades())
    await em.stop()


async def test_stop_limit_rests_as_a_limit_when_the_market_gaps_past_its_limit():
    em, clock = await _setup()
    order = await em.trader.create_order(BTC, "sell", "stop_limit", "0.5", price="94", trigger_price="95")
    await _next(em, clock, "90", "93", "89", "92")  # gap: triggered at 90, limit 94 not marketable
    assert order.triggered and order.filled == 0 and order.status is ot.OrderStatus.OPEN
    await _next(em, clock, "92", "94.5", "91", "94")  # rises through the limit
    assert order.status is ot.OrderStatus.FILLED and order.average_price == D(94)
    # no gap: triggered at 95 where the 94 limit is marketable, filled at once at the trigger
    second = await em.trader.create_order(BTC, "sell", "stop_limit", "0.1", price="93", trigger_price="93.5")
    await _next(em, clock, "94", "94", "92", "93")
    assert second.average_price == D("93.5")
    await em.stop()


async def test_take_profit_market_and_limit():
    em, clock = await _setup()
    tp = await em.trader.create_order(BTC, "sell", "take_profit", "0.3", trigger_price="105")
    tpl = await em.trader.create_order(
        BTC, "sell", "take_profit_limit", "0.3", price="104", trigger_price="106"
    )
    await _next(em, clock, "100", "104", "99", "103")
    assert tp.filled == 0 and tpl.filled == 0
    await _next(em, clock, "103", "107", "102", "106")
    assert tp.average_price == D(105)
    assert tpl.average_price == D(106)  # marketable at the trigger: fills there
    buy_tp = await em.trader.create_order(BTC, "buy", "take_profit", "0.1", trigger_price="100")
    await _next(em, clock, "106", "106", "99", "100")
    assert buy_tp.average_price == D(100)
    await em.stop()


async def test_trailing_stop_follows_new_highs_then_fires():
    em, clock = await _setup()
    trail = await em.trader.create_order(BTC, "sell", "trailing_stop", "0.5", trailing_percent="5")
    assert trail.trigger_price == D(95)
    await _next(em, clock, "100", "120", "99", "118")  # low first (99 > 95), then new high 120
    assert trail.filled == 0 and trail.trigger_price == D(114)
    await _next(em, clock, "118", "119", "110", "112")  # 119 < 120: level stays 114, crossed
    assert trail.status is ot.OrderStatus.FILLED and trail.average_price == D(114)
    await em.stop()


async def test_trailing_stop_limit_and_buy_trailing():
    em, clock = await _setup()
    buy = await em.trader.create_order(BTC, "buy", "trailing_stop", "0.1", trailing_percent="10")
    sell = await em.trader.create_order(
        BTC, "sell", "trailing_stop_limit", "0.1", price="80", trailing_percent="10"
    )
    await _next(em, clock, "100", "100", "80", "85")  # buy trails down to 80 -> level 88
    assert buy.trigger_price == D(88) and buy.filled == 0
    assert sell.status is ot.OrderStatus.FILLED  # sell level 90 crossed on the way down; 80 limit marketable
    assert sell.average_price == D(90)
    await _next(em, clock, "85", "89", "84", "88")
    assert buy.status is ot.OrderStatus.FILLED and buy.average_price == D(88)
    await em.stop()


async def test_oco_both_legs_in_one_candle_is_decided_by_the_path_not_by_creation_order():
    for first_created, prices, winner in (
        ("stop", ("100", "111", "94", "105"), "stop"),  # low (6 away) nearer than high (11): stop first
        ("take", ("100", "111", "94", "105"), "stop"),
        ("stop", ("100", "106", "89", "95"), "take"),  # high (6 away) nearer than low (11)
        ("take", ("100", "106", "89", "95"), "take"),
    ):
        em, clock = await _setup()
        group = ot.OneCancelsTheOther()
        legs = {}
        for name in (first_created, "take" if first_created == "stop" else "stop"):
            if name == "stop":
                legs[name] = await em.trader.create_order(
                    BTC, "sell", "stop_loss", "0.5", trigger_price="95", group=group
                )
            else:
                legs[name] = await em.trader.create_order(
                    BTC, "sell", "limit", "0.5", price="105", group=group
                )
        await _next(em, clock, *prices)
        loser = "take" if winner == "stop" else "stop"
        assert legs[winner].status is ot.OrderStatus.FILLED
        assert legs[loser].status is ot.OrderStatus.CANCELLED
        assert em.portfolio.total("BTC") == D("0.5")
        assert em.portfolio.available("BTC") == D("0.5")  # nothing left locked
        await em.stop()


async def test_chained_orders_are_created_when_their_parent_fills():
    em, clock = await _setup()
    trader = em.trader
    stop = trader.new_order(BTC, "sell", "stop_loss", "0.4", trigger_price="90")
    take = trader.new_order(BTC, "sell", "limit", "0.4", price="110")
    group = ot.OneCancelsTheOther()
    group.add(stop)
    group.add(take)
    entry = await trader.create_order(BTC, "buy", "limit", "0.4", price="98", chained=[stop, take])
    assert stop.status is ot.OrderStatus.PENDING and take.status is ot.OrderStatus.PENDING
    assert em.portfolio.available("BTC") == D(1)  # children lock nothing before the entry fills
    await _next(em, clock, "100", "101", "97", "99")
    assert entry.status is ot.OrderStatus.FILLED
    assert stop.status is ot.OrderStatus.OPEN and take.status is ot.OrderStatus.OPEN
    assert stop.created_at == clock.now - H1 and stop.parent_id == entry.order_id
    await _next(em, clock, "99", "111", "98", "108")
    assert take.status is ot.OrderStatus.FILLED and stop.status is ot.OrderStatus.CANCELLED
    assert em.portfolio.locked("BTC") == 0 and em.portfolio.locked("USDT") == 0
    await em.stop()


async def test_chained_orders_of_a_cancelled_parent_are_cancelled():
    em, _ = await _setup()
    child = em.trader.new_order(BTC, "sell", "stop_loss", "0.1", trigger_price="90")
    entry = await em.trader.create_order(BTC, "buy", "limit", "0.1", price="95", chained=[child])
    await em.trader.cancel_order(entry)
    assert child.status is ot.OrderStatus.CANCELLED
    await em.stop()


async def test_volume_cap_makes_partial_fills_that_lock_only_the_remainder():
    clock = ManualClock(T0)
    em = await manager(clock=clock)
    em.connector.fill_model = ot.FillModel(volume_cap=Decimal("0.1"))
    await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
    clock.now = T0 + H1
    order = await em.trader.create_order(BTC, "buy", "limit", "3", price="95")
    assert em.portfolio.locked("USDT") == D(285)
    await _next(em, clock, "100", "100", "94", "96", v="20")  # at most 2 BTC on this candle
    assert order.status is ot.OrderStatus.PARTIALLY_FILLED and order.filled == D(2)
    assert em.portfolio.locked("USDT") == D(95)  # only the remaining 1 BTC stays locked
    await _next(em, clock, "96", "97", "94", "95", v="20")
    assert order.status is ot.OrderStatus.FILLED
    assert em.portfolio.locked("USDT") == 0
    assert em.portfolio.total("USDT") == D(10000) - D(285)
    assert len(em.trader.trades()) == 2
    await em.stop()


async def test_slippage_makes_taker_fills_worse_but_not_limits():
    em, clock = await _setup()
    em.connector.slippage_model = ot.SlippageModel(bps=Decimal(10))
    market = await em.trader.create_order(BTC, "buy", "market", "0.1")
    assert market.average_price == D("100.1")
    limit = await em.trader.create_order(BTC, "buy", "limit", "0.1", price="95")
    await _next(em, clock, "100", "100", "94", "96")
    assert limit.average_price == D(95)
    await em.stop()


async def test_one_price_event_fills_exactly_the_crossed_orders_among_many_in_price_order():
    em, clock = await _setup({"USDT": "1000000", "BTC": "100"})
    buys = [
        await em.trader.create_order(BTC, "buy", "limit", "1", price=str(99 - i * 0.5)) for i in range(100)
    ]
    sells = [await em.trader.create_order(BTC, "sell", "limit", "0.1", price=str(101 + i)) for i in range(50)]
    await em.push_price(BTC, "80.2", clock.now)  # crosses buys down to 80.5 (38 of them)
    filled = [o for o in buys if o.status is ot.OrderStatus.FILLED]
    assert len(filled) == 38 and all(o.price >= D("80.5") for o in filled)
    fills = [t.price for t in em.trader.trades() if t.side is ot.OrderSide.BUY]
    assert fills == sorted(fills, reverse=True)  # met from the highest level down
    assert not any(o.filled for o in sells)
    assert em.connector.open_orders_count(BTC) == 150 - 38
    await em.stop()


async def test_good_till_date_orders_expire_and_return_their_funds():
    em, clock = await _setup()
    order = await em.trader.create_order(BTC, "buy", "limit", "1", price="95", expires_at=clock.now + H1)
    child = em.trader.new_order(BTC, "sell", "stop_loss", "0.5", trigger_price="90")
    parent = await em.trader.create_order(
        BTC, "buy", "limit", "0.5", price="94", chained=[child], expires_at=clock.now + H1
    )
    await _next(em, clock, "100", "101", "96", "97")  # still alive during the candle it was created for
    assert order.status is ot.OrderStatus.OPEN
    await _next(em, clock, "97", "98", "90", "92")  # expired before these prices
    assert order.status is ot.OrderStatus.EXPIRED and order.filled == 0
    assert parent.status is ot.OrderStatus.EXPIRED and child.status is ot.OrderStatus.CANCELLED
    assert em.portfolio.locked("USDT") == 0 and em.trader.open_orders() == []
    await em.stop()


async def test_a_triggered_stop_partly_filled_by_the_volume_cap_fills_its_rest_at_the_next_price():
    clock = ManualClock(T0)
    em = await manager({"USDT": "0", "BTC": "5"}, clock=clock)
    em.connector.fill_model = ot.FillModel(volume_cap=Decimal("0.1"))
    await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
    clock.now = T0 + H1
    stop = await em.trader.create_order(BTC, "sell", "stop_loss", "3", trigger_price="95")
    await _next(em, clock, "100", "100", "94", "97", v="20")  # triggered: 2 of 3 BTC at 95
    assert stop.status is ot.OrderStatus.PARTIALLY_FILLED and stop.filled == D(2)
    assert em.portfolio.locked("BTC") == D(1)
    await _next(em, clock, "97", "98", "96", "97", v="20")  # never back to 95: the rest at the open
    assert stop.status is ot.OrderStatus.FILLED
    assert [t.price for t in em.trader.trades()] == [D(95), D(97)]
    assert em.portfolio.total("BTC") == D(2) and em.portfolio.locked("BTC") == 0
    await em.stop()


async def test_a_marketable_limit_order_fills_at_once_at_the_market_as_taker():
    em, _ = await _setup()
    buy = await em.trader.create_order(BTC, "buy", "limit", "1", price="200")  # last price 100
    assert buy.status is ot.OrderStatus.FILLED and buy.average_price == D(100)
    sell = await em.trader.create_order(BTC, "sell", "limit", "0.5", price="50")
    assert sell.status is ot.OrderStatus.FILLED and sell.average_price == D(100)
    assert [(t.price, t.taker) for t in em.trader.trades()] == [(D(100), True), (D(100), True)]
    # it paid the market price, not its limit: 100 USDT for 1 BTC, the rest of the lock came back
    assert em.portfolio.locked("USDT") == 0 and em.portfolio.total("USDT") == D(10000) - D(100) + D(50) - D(
        "0.05"
    )
    await em.stop()


async def test_a_marketable_limit_under_latency_takes_the_market_at_its_arrival_not_its_limit():
    em, clock = await _setup()
    em.connector.latency_model = ot.LatencyModel(delay_ms=30_000)
    buy = await em.trader.create_order(BTC, "buy", "limit", "1", price="200")
    assert buy.status is ot.OrderStatus.OPEN  # still on its way
    await _next(em, clock, "100", "100", "100", "100")  # opened before its arrival
    assert buy.filled == 0
    await _next(em, clock, "101", "102", "100", "101")
    assert buy.status is ot.OrderStatus.FILLED and buy.average_price == D(101)
    assert em.trader.trades()[-1].taker
    await em.stop()


async def test_latency_applies_to_market_orders_they_fill_at_the_price_at_their_arrival():
    em, clock = await _setup()
    em.connector.latency_model = ot.LatencyModel(delay_ms=30_000)
    order = await em.trader.create_order(BTC, "buy", "market", "0.2")
    assert order.status is ot.OrderStatus.OPEN and order.filled == 0
    assert em.portfolio.locked("USDT") > 0
    await _next(em, clock, "100", "100", "100", "100")  # opened 30 s before it arrives
    assert order.filled == 0
    await _next(em, clock, "110", "111", "109", "110")
    assert order.status is ot.OrderStatus.FILLED and order.average_price == D(110)
    trade = em.trader.trades()[-1]
    assert trade.taker and trade.price == D(110)
    assert em.portfolio.locked("USDT") == 0
    assert em.portfolio.total("USDT") == D(10000) - D(22)
    await em.stop()


async def test_a_market_order_on_its_way_can_be_cancelled():
    em, clock = await _setup()
    em.connector.latency_model = ot.LatencyModel(delay_ms=30_000)
    order = await em.trader.create_order(BTC, "sell", "market", "0.2")
    await em.trader.cancel_order(order)
    await _next(em, clock, "100", "100", "100", "100")
    await _next(em, clock, "110", "111", "109", "110")
    assert order.status is ot.OrderStatus.CANCELLED and em.trader.trades() == []
    assert em.portfolio.locked("BTC") == 0
    await em.stop()
