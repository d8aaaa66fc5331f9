"""GridTradingMode: the initial layout, the mirror rule to the unit, restarts, bad configs, real data."""

from __future__ import annotations

from decimal import Decimal

import jsonschema
import pytest

import octobot_channel as oc
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
from .sim_helpers import H1, T0, D, ManualClock, candle, manager

GRID = {
    "flat_spread": 2,
    "flat_increment": 1,
    "buy_orders_count": 3,
    "sell_orders_count": 3,
    "buy_funds": 300,
    "sell_funds": 0.3,
}


async def _grid(config=None, balances=None, price="100"):
    config = {**GRID, **(config or {})}
    return await laid(ot.GridTradingMode, config, balances or {"USDT": "10000", "BTC": "1"}, price)


def test_grid_mode_is_a_tentacle_with_a_valid_default_config_and_needs_no_strategy():
    cls = ot.GridTradingMode
    assert cls.TENTACLE_KIND == "trading_mode" and cls.ABSTRACT is False
    assert cls.REQUIRED_STRATEGIES == ()
    jsonschema.Draft202012Validator.check_schema(cls.CONFIG_SCHEMA)
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**cls.DEFAULT_CONFIG, "flat_spread": -1}, cls.CONFIG_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**cls.DEFAULT_CONFIG, "pair_settings": {BTC: {"spread": 1}}}, cls.CONFIG_SCHEMA)


async def test_the_grid_is_laid_half_a_spread_from_the_price_one_order_per_increment():
    em, mode, _, _ = await _grid()
    assert book(em) == [
        ("buy", D("97.00"), truncate(D(100) / D(97))),
        ("buy", D("98.00"), truncate(D(100) / D(98))),
        ("buy", D("99.00"), truncate(D(100) / D(99))),
        ("sell", D("101.00"), D("0.10000")),
        ("sell", D("102.00"), D("0.10000")),
        ("sell", D("103.00"), D("0.10000")),
    ]
    assert {o.tag for o in em.trader.open_orders(BTC)} == {"GridTradingMode"}
    await mode.set_evaluation(BTC, 1.0)  # evaluations change nothing
    assert len(em.trader.open_orders(BTC)) == 6
    await em.stop()


async def test_a_filled_buy_is_mirrored_by_a_sell_one_spread_minus_one_increment_higher():
    em, _, clock, sync = await _grid()
    buy, mirror = await fill_nearest(em, sync, ot.OrderSide.BUY, clock.now)
    assert buy.price == D(99) and buy.status is ot.OrderStatus.FILLED
    fee = buy.fees["BTC"]
    assert fee > 0
    assert len(mirror) == 1
    (sell,) = mirror
    assert sell.side is ot.OrderSide.SELL
    assert sell.amount == truncate(buy.filled - fee) == D("1.00908")  # 1.01010 BTC less 0.1 %
    assert len(em.trader.open_orders(BTC)) == 6  # one buy became one sell
    await em.stop()


async def test_a_filled_sell_is_mirrored_by_a_buy_for_the_quote_it_brought():
    em, _, clock, sync = await _grid()
    sell, (buy,) = await fill_nearest(em, sync, ot.OrderSide.SELL, clock.now)
    assert sell.price == D(101)
    brought = sell.filled * sell.average_price - sell.fees["USDT"]
    assert buy.side is ot.OrderSide.BUY
    assert buy.amount == truncate(brought / D(100)) == D("0.10089")  # 10.1 USDT less 0.1 %, at 100
    await em.stop()


async def test_mirrors_are_capped_by_the_available_funds():
    # the sells take every free BTC: the buy's mirror can only sell what the buy brought
    balances = {"USDT": "300", "BTC": "0.2"}
    em, _, clock, sync = await _grid({"sell_funds": 0, "sell_orders_count": 1}, balances=balances)
    (laid_sell,) = [o for o in em.trader.open_orders(BTC) if o.side is ot.OrderSide.SELL]
    assert laid_sell.amount == D("0.2")  # all the available base
    _, (mirror,) = await fill_nearest(em, sync, ot.OrderSide.BUY, clock.now)
    assert mirror.amount <= em.portfolio.total("BTC") - laid_sell.amount
    await em.stop()


async def test_a_restart_keeps_the_grid_left_open_and_lays_no_second_one():
    em, mode, clock, sync = await _grid()
    before = book(em)
    await mode.stop()
    restarted = ot.GridTradingMode(em, [BTC], GRID)
    await restarted.start()
    await sync.drain()
    assert book(em) == before
    # the restarted mode still mirrors the fills of the orders it found
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "100", "98.5", "99.5"))
    await sync.drain()
    assert any(o.price == D(100) and o.side is ot.OrderSide.SELL for o in em.trader.open_orders(BTC))
    await em.stop()


async def test_a_restart_from_the_state_store_keeps_the_grid_and_mirrors_its_fills(tmp_path):
    before, em2, _, sync2 = await restarted_from_the_store(
        ot.GridTradingMode, GRID, {"USDT": "10000", "BTC": "1"}, tmp_path / "grid.sqlite", "100.4"
    )
    assert book(em2) == before  # not laid again around 100.4
    await fill_nearest(em2, sync2, ot.OrderSide.BUY, T0 + 2 * H1)
    assert ("sell", D(100), D("1.00908")) in book(em2)
    assert len(em2.trader.open_orders(BTC)) == 6
    await em2.stop()


async def test_a_grid_started_before_any_price_is_laid_at_the_first_candle():
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    em = await manager({"USDT": "10000", "BTC": "1"}, clock=clock, synchronizer=sync)
    mode = ot.GridTradingMode(em, [BTC], GRID)
    await mode.start()
    assert em.trader.open_orders(BTC) == []
    await em.push_candle(BTC, "1h", candle(T0, "200", "200", "200", "200"))
    await sync.drain()
    assert [o.price for o in em.trader.open_orders(BTC) if o.side is ot.OrderSide.SELL] == [
        D(201),
        D(202),
        D(203),
    ]
    await em.stop()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"flat_increment": 2}, "must be below flat_spread"),
        ({"flat_increment": 3}, "must be below flat_spread"),
        ({"flat_spread": 0}, "must be positive"),
    ],
)
async def test_bad_grids_are_refused_naming_the_key(config, message):
    em = await manager()
    with pytest.raises(ot.TradingModeError, match=message):
        ot.GridTradingMode(em, [BTC], {**GRID, **config})
    await em.stop()


async def test_grid_on_real_candles_every_fill_has_its_mirror_and_nothing_is_lost():
    mirror_distance: list[Decimal] = []

    def config(first_close: Decimal) -> dict:
        spread = (first_close * D("0.01")).quantize(D("0.00001"))  # 1 % of the first close
        increment = (spread / 2).quantize(D("0.00001"))
        mirror_distance.append(spread - increment)
        return {
            "flat_spread": float(spread),
            "flat_increment": float(increment),
            "buy_orders_count": 5,
            "sell_orders_count": 5,
            "buy_funds": 5,
            "sell_funds": 25,
        }

    em, mode, filled = await run_on_real_candles(ot.GridTradingMode, config, laid_orders=10)
    pair = "ETH/BTC"
    assert_every_fill_mirrored(mode, filled, mirror_distance[0])
    # every fill is one trade, counted once; the grid keeps its size (a fill becomes its mirror)
    assert sum(1 for _ in em.trader.trades(pair)) == sum(1 for o in filled)
    assert len(em.trader.open_orders(pair)) == 10
    assert all(em.portfolio.total(asset) >= 0 for asset in ("BTC", "ETH"))
    await em.stop()


def test_grid_config_problems_name_the_key_of_a_pair_override():
    config = {**ot.GridTradingMode.DEFAULT_CONFIG, "pair_settings": {"BTC/USDT": {"flat_increment": 5}}}
    problems = ot.GridTradingMode.config_problems(config)
    assert [problem.key for problem in problems] == ["pair_settings.BTC/USDT.flat_increment"]
    assert "must be below flat_spread (1.0)" in problems[0].message
    assert ot.GridTradingMode.config_problems(dict(ot.GridTradingMode.DEFAULT_CONFIG)) == []
