"""StaggeredOrdersTradingMode: the ladder per volume profile to the unit, operational depth, the mirror
rule, restarts through the state store, bad configs, real candles."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import jsonschema
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
#: at 100: increment 1.00, spread 2.00; buys 99 to 95, sells 101 to 105, five each
LADDER = {
    "mode": "flat",
    "spread_percent": 2,
    "increment_percent": 1,
    "lower_bound": 95,
    "upper_bound": 105,
    "operational_depth": 20,
}
BALANCES = {"USDT": "1000", "BTC": "10"}
STEP = D("0.00001")  # the test market's amount step


def _truncate(amount: Decimal) -> Decimal:
    return amount.quantize(STEP, rounding=ROUND_DOWN)


async def _staggered(config=None, price="100"):
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    em = await manager(BALANCES, clock=clock, synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, price, price, price, price))
    await sync.drain()
    clock.now = T0 + H1
    mode = ot.StaggeredOrdersTradingMode(em, [BTC], {**LADDER, **(config or {})})
    await mode.start()
    await sync.drain()
    return em, mode, clock, sync


def _book(em, side=None) -> list[tuple[str, Decimal, Decimal]]:
    return sorted(
        (o.side.value, o.price, o.amount)
        for o in em.trader.open_orders(BTC)
        if side is None or o.side is side
    )


def test_staggered_mode_is_a_tentacle_with_a_valid_default_config_and_needs_no_strategy():
    cls = ot.StaggeredOrdersTradingMode
    assert cls.TENTACLE_KIND == "trading_mode" and cls.ABSTRACT is False
    assert cls.REQUIRED_STRATEGIES == ()
    jsonschema.Draft202012Validator.check_schema(cls.CONFIG_SCHEMA)
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    assert cls.config_problems(dict(cls.DEFAULT_CONFIG)) == []
    for key, spec in cls.CONFIG_SCHEMA["properties"].items():
        assert spec.get("description"), f"{key} is not documented"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**cls.DEFAULT_CONFIG, "mode": "hill"}, cls.CONFIG_SCHEMA)


async def test_a_flat_ladder_spreads_the_funds_evenly_between_the_bounds():
    em, mode, _, _ = await _staggered()
    assert mode.ladders[BTC] == ot.Ladder(D("1.00"), D("2.00"))
    # buys: 1000 USDT / 100 / 5 rungs = 2 BTC at the first buy (99), the same quote further down
    assert _book(em, ot.OrderSide.BUY) == [
        ("buy", D(p), _truncate(D(2) * D(99) / D(p))) for p in ("95.00", "96.00", "97.00", "98.00", "99.00")
    ]
    # sells: 10 BTC / 5 rungs = 2 BTC at the first sell (101), less further up
    assert _book(em, ot.OrderSide.SELL) == [
        ("sell", D(p), _truncate(D(2) * D(101) / D(p)))
        for p in ("101.00", "102.00", "103.00", "104.00", "105.00")
    ]
    assert {o.tag for o in em.trader.open_orders(BTC)} == {"StaggeredOrdersTradingMode"}
    assert em.portfolio.available("USDT") >= 0 and em.portfolio.available("BTC") >= 0
    await mode.set_evaluation(BTC, 1.0)  # evaluations change nothing
    assert len(em.trader.open_orders(BTC)) == 10
    await em.stop()


# (mode, quantity multiple of the average at the buy closest to the price, at the farthest buy, then sells)
PROFILES = [
    ("neutral", "1.15", "0.85", "1.15", "0.85"),
    ("mountain", "1.5", "0.5", "1.5", "0.5"),
    ("valley", "0.5", "1.5", "0.5", "1.5"),
    ("buy slope", "0.5", "1.5", "1.5", "0.5"),
    ("sell slope", "1.5", "0.5", "0.5", "1.5"),
    ("flat", "1", "1", "1", "1"),
]


@pytest.mark.parametrize(("profile", "buy_near", "buy_far", "sell_near", "sell_far"), PROFILES)
async def test_each_volume_profile_shapes_the_ladder_as_octobot_does(
    profile, buy_near, buy_far, sell_near, sell_far
):
    em, _, _, _ = await _staggered({"mode": profile})
    buys = {price: amount for _, price, amount in _book(em, ot.OrderSide.BUY)}
    sells = {price: amount for _, price, amount in _book(em, ot.OrderSide.SELL)}
    average = D(2)  # both sides: 2 BTC per rung on average
    assert buys[D(99)] == _truncate(average * D(buy_near))
    assert buys[D(95)] == _truncate(average * D(buy_far) * D(99) / D(95))
    assert sells[D(101)] == _truncate(average * D(sell_near))
    assert sells[D(105)] == _truncate(average * D(sell_far) * D(101) / D(105))
    # the middle rung always gets the average (the profiles are linear)
    assert buys[D(97)] == _truncate(average * D(99) / D(97))
    spent = sum(price * amount for price, amount in buys.items())
    assert spent <= D(1000) and sum(sells.values()) <= D(10)
    await em.stop()


async def test_the_operational_depth_lays_the_closest_orders_alternating_sides():
    em, _, _, _ = await _staggered({"operational_depth": 3})
    assert [(side, price) for side, price, _ in _book(em)] == [
        ("buy", D(98)),
        ("buy", D(99)),
        ("sell", D(101)),
    ]
    # the rungs not laid keep their share: the laid buys are sized as in the full ladder
    assert _book(em)[1][2] == D(2)
    await em.stop()


async def test_a_filled_buy_is_mirrored_spread_minus_increment_higher_for_what_it_brought():
    em, _, clock, sync = await _staggered()
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "100", "98.5", "99.5"))
    await sync.drain()
    (buy,) = [o for o in em.trader.closed_orders() if o.side is ot.OrderSide.BUY]
    assert buy.price == D(99) and buy.filled == D(2)
    (mirror,) = [o for o in em.trader.open_orders(BTC) if o.price == D(100)]
    assert mirror.side is ot.OrderSide.SELL
    assert mirror.amount == buy.filled - buy.fees["BTC"] == D("1.998")  # 2 BTC less 0.1 %
    assert len(em.trader.open_orders(BTC)) == 10
    await em.stop()


async def test_a_filled_sell_is_mirrored_by_a_buy_for_the_quote_it_brought():
    em, _, clock, sync = await _staggered()
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "101.5", "100", "101"))
    await sync.drain()
    (sell,) = [o for o in em.trader.closed_orders() if o.side is ot.OrderSide.SELL]
    assert sell.price == D(101) and sell.filled == D(2)
    (mirror,) = [o for o in em.trader.open_orders(BTC) if o.price == D(100)]
    assert mirror.side is ot.OrderSide.BUY
    assert mirror.amount == _truncate((D(202) - D("0.202")) / D(100)) == D("2.01798")
    await em.stop()


async def test_a_restart_from_the_state_store_keeps_the_ladder_and_its_increment(tmp_path):
    path = tmp_path / "staggered.sqlite"
    clock = ManualClock(T0)
    sync = oc.Synchronizer()
    em = await persistent_manager(path, BALANCES, clock=clock, synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, "100", "100", "100", "100"))
    await sync.drain()
    mode = ot.StaggeredOrdersTradingMode(em, [BTC], LADDER)
    await mode.start()
    await sync.drain()
    before = _book(em)
    await mode.stop()
    await em.stop()  # the open orders stay in the state file

    clock2, sync2 = ManualClock(T0 + 2 * H1), oc.Synchronizer()
    em2 = await persistent_manager(path, {"USDT": "1"}, clock=clock2, synchronizer=sync2)
    restarted = ot.StaggeredOrdersTradingMode(em2, [BTC], LADDER)
    await restarted.start()
    # the price moved: laid again, the ladder would have another increment (1.01) and other rungs
    await em2.push_candle(BTC, "1h", candle(T0 + H1, "100.6", "100.6", "100.6", "100.6"))
    await sync2.drain()
    assert _book(em2) == before
    assert restarted.ladders[BTC] == ot.Ladder(D("1.00"), D("2.00"))
    await em2.push_candle(BTC, "1h", candle(T0 + 2 * H1, "100.6", "100.6", "98.5", "99.5"))
    await sync2.drain()
    assert ("sell", D(100), D("1.998")) in _book(em2)  # mirrored 1.00 above the fill, as before
    assert len(em2.trader.open_orders(BTC)) == 10
    await em2.stop()


@pytest.mark.parametrize(
    ("config", "key", "message"),
    [
        ({"increment_percent": 2}, "increment_percent", "must be below spread_percent"),
        ({"lower_bound": 200}, "upper_bound", "must be above lower_bound"),
        (
            {"pair_settings": {BTC: {"spread_percent": 0.5}}},
            f"pair_settings.{BTC}.increment_percent",
            "below",
        ),
    ],
)
async def test_bad_ladders_are_refused_naming_the_key(config, key, message):
    problems = ot.StaggeredOrdersTradingMode.config_problems(
        {**ot.StaggeredOrdersTradingMode.DEFAULT_CONFIG, **LADDER, **config}
    )
    assert problems and problems[0].key == key and message in problems[0].message
    em = await manager()
    with pytest.raises(ot.TradingModeError, match=message):
        ot.StaggeredOrdersTradingMode(em, [BTC], {**LADDER, **config})
    await em.stop()


async def test_a_price_outside_the_bounds_lays_nothing_and_says_why():
    em, mode, _, _ = await _staggered(price="120")
    assert em.trader.open_orders(BTC) == []
    assert "outside the ladder's bounds" in str(mode.last_errors[BTC])
    await em.stop()


async def test_staggered_on_real_candles_every_fill_has_its_mirror_and_the_ladder_keeps_its_size():
    path = shared_csv("ETH_BTC-5m.csv")
    if path is None:
        pytest.skip("shared market data not found")
    pair, five_minutes = "ETH/BTC", 300_000
    rows = read_csv_candles(path)[:3000]
    first = Decimal(str(rows[0][4]))
    sync = oc.Synchronizer()
    clock = ManualClock(rows[0][0] + five_minutes)
    em = await manager({"BTC": "10", "ETH": "50"}, clock=clock, synchronizer=sync)
    await em.push_candle(pair, "5m", rows[0])
    await sync.drain()
    config = {
        "mode": "mountain",
        "spread_percent": 1,
        "increment_percent": 0.5,
        "lower_bound": float(first / 2),
        "upper_bound": float(first * 2),
        "operational_depth": 12,
    }
    mode = ot.StaggeredOrdersTradingMode(em, [pair], config)
    await mode.start()
    await sync.drain()
    assert len(em.trader.open_orders(pair)) == 12
    for row in rows[1:]:
        clock.now = row[0] + five_minutes
        await em.push_candle(pair, "5m", row)
        await sync.drain()
    filled = [o for o in em.trader.closed_orders(pair) if o.status is ot.OrderStatus.FILLED]
    assert len(filled) >= 10, "the ladder should trade on 3,000 real 5m candles"
    ladder = mode.ladders[pair]
    created = {(o.side, o.price) for o in mode.created_orders}
    for order in filled:
        if order.side is ot.OrderSide.BUY:
            assert (ot.OrderSide.SELL, order.price + ladder.mirror_distance) in created, order
        else:
            assert (ot.OrderSide.BUY, order.price - ladder.mirror_distance) in created, order
    assert mode.last_errors == {}
    assert len(em.trader.open_orders(pair)) == 12
    assert all(em.portfolio.total(asset) >= 0 for asset in ("BTC", "ETH"))
    await em.stop()
