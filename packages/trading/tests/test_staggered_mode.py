"""StaggeredOrdersTradingMode: the ladder per volume profile to the unit, operational depth, the mirror
rule, restarts through the state store, bad configs, real candles."""

from __future__ import annotations

from decimal import Decimal

import jsonschema
import pytest

import octobot_trading as ot

from .ladder_helpers import (
    BTC,
    assert_every_fill_mirrored,
    book,
    fill_nearest,
    laid,
    restarted_from_the_store,
    run_on_real_candles,
    truncate,
)
from .sim_helpers import H1, T0, D, manager

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


async def _staggered(config=None, price="100"):
    return await laid(ot.StaggeredOrdersTradingMode, {**LADDER, **(config or {})}, BALANCES, price)


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
    assert book(em, ot.OrderSide.BUY) == [
        ("buy", D(p), truncate(D(2) * D(99) / D(p))) for p in ("95.00", "96.00", "97.00", "98.00", "99.00")
    ]
    # sells: 10 BTC / 5 rungs = 2 BTC at the first sell (101), less further up
    assert book(em, ot.OrderSide.SELL) == [
        ("sell", D(p), truncate(D(2) * D(101) / D(p)))
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
    buys = {price: amount for _, price, amount in book(em, ot.OrderSide.BUY)}
    sells = {price: amount for _, price, amount in book(em, ot.OrderSide.SELL)}
    average = D(2)  # both sides: 2 BTC per rung on average
    assert buys[D(99)] == truncate(average * D(buy_near))
    assert buys[D(95)] == truncate(average * D(buy_far) * D(99) / D(95))
    assert sells[D(101)] == truncate(average * D(sell_near))
    assert sells[D(105)] == truncate(average * D(sell_far) * D(101) / D(105))
    # the middle rung always gets the average (the profiles are linear)
    assert buys[D(97)] == truncate(average * D(99) / D(97))
    spent = sum(price * amount for price, amount in buys.items())
    assert spent <= D(1000) and sum(sells.values()) <= D(10)
    await em.stop()


async def test_the_operational_depth_lays_the_closest_orders_alternating_sides():
    em, _, _, _ = await _staggered({"operational_depth": 3})
    assert [(side, price) for side, price, _ in book(em)] == [
        ("buy", D(98)),
        ("buy", D(99)),
        ("sell", D(101)),
    ]
    # the rungs not laid keep their share: the laid buys are sized as in the full ladder
    assert book(em)[1][2] == D(2)
    await em.stop()


async def test_a_filled_buy_is_mirrored_spread_minus_increment_higher_for_what_it_brought():
    em, _, clock, sync = await _staggered()
    buy, (mirror,) = await fill_nearest(em, sync, ot.OrderSide.BUY, clock.now)
    assert buy.price == D(99) and buy.filled == D(2)
    assert mirror.side is ot.OrderSide.SELL
    assert mirror.amount == buy.filled - buy.fees["BTC"] == D("1.998")  # 2 BTC less 0.1 %
    assert len(em.trader.open_orders(BTC)) == 10
    await em.stop()


async def test_a_filled_sell_is_mirrored_by_a_buy_for_the_quote_it_brought():
    em, _, clock, sync = await _staggered()
    sell, (mirror,) = await fill_nearest(em, sync, ot.OrderSide.SELL, clock.now)
    assert sell.price == D(101) and sell.filled == D(2)
    assert mirror.side is ot.OrderSide.BUY
    assert mirror.amount == truncate((D(202) - D("0.202")) / D(100)) == D("2.01798")
    await em.stop()


async def test_a_restart_from_the_state_store_keeps_the_ladder_and_its_increment(tmp_path):
    # the price moved: laid again, the ladder would have another increment (1.01) and other rungs
    before, em2, restarted, sync2 = await restarted_from_the_store(
        ot.StaggeredOrdersTradingMode, LADDER, BALANCES, tmp_path / "staggered.sqlite", "100.6"
    )
    assert book(em2) == before
    assert restarted.ladders[BTC] == ot.Ladder(D("1.00"), D("2.00"))
    await fill_nearest(em2, sync2, ot.OrderSide.BUY, T0 + 2 * H1)
    assert ("sell", D(100), D("1.998")) in book(em2)  # mirrored 1.00 above the fill, as before
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
    def config(first_close: Decimal) -> dict:
        return {
            "mode": "mountain",
            "spread_percent": 1,
            "increment_percent": 0.5,
            "lower_bound": float(first_close / 2),
            "upper_bound": float(first_close * 2),
            "operational_depth": 12,
        }

    em, mode, filled = await run_on_real_candles(ot.StaggeredOrdersTradingMode, config, laid_orders=12)
    assert_every_fill_mirrored(mode, filled, mode.ladders["ETH/BTC"].mirror_distance)
    assert len(em.trader.open_orders("ETH/BTC")) == 12
    assert all(em.portfolio.total(asset) >= 0 for asset in ("BTC", "ETH"))
    await em.stop()
