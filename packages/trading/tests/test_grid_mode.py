"""GridTradingMode: the initial layout, the mirror rule to the unit, restarts, bad configs, real data."""

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
GRID = {
    "flat_spread": 2,
    "flat_increment": 1,
    "buy_orders_count": 3,
    "sell_orders_count": 3,
    "buy_funds": 300,
    "sell_funds": 0.3,
}
STEP = D("0.00001")  # the test market's amount step (Binance's BTC/USDT lot size)


def _truncate(amount: Decimal) -> Decimal:
    return amount.quantize(STEP, rounding=ROUND_DOWN)


async def _grid(config=None, balances=None, price="100"):
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    em = await manager(balances or {"USDT": "10000", "BTC": "1"}, clock=clock, synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, price, price, price, price))
    await sync.drain()
    clock.now = T0 + H1
    mode = ot.GridTradingMode(em, [BTC], {**GRID, **(config or {})})
    await mode.start()
    await sync.drain()
    return em, mode, clock, sync


def _book(em) -> list[tuple[str, Decimal, Decimal]]:
    return sorted((o.side.value, o.price, o.amount) for o in em.trader.open_orders(BTC))


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
    assert _book(em) == [
        ("buy", D("97.00"), _truncate(D(100) / D(97))),
        ("buy", D("98.00"), _truncate(D(100) / D(98))),
        ("buy", D("99.00"), _truncate(D(100) / D(99))),
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
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "100", "98.5", "99.5"))
    await sync.drain()
    (buy,) = [o for o in em.trader.closed_orders() if o.side is ot.OrderSide.BUY]
    assert buy.price == D(99) and buy.status is ot.OrderStatus.FILLED
    fee = buy.fees["BTC"]
    assert fee > 0
    mirror = [o for o in em.trader.open_orders(BTC) if o.price == D(100)]
    assert len(mirror) == 1
    (sell,) = mirror
    assert sell.side is ot.OrderSide.SELL
    assert sell.amount == _truncate(buy.filled - fee) == D("1.00908")  # 1.01010 BTC less 0.1 %
    assert len(em.trader.open_orders(BTC)) == 6  # one buy became one sell
    await em.stop()


async def test_a_filled_sell_is_mirrored_by_a_buy_for_the_quote_it_brought():
    em, _, clock, sync = await _grid()
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "101.5", "100", "101"))
    await sync.drain()
    (sell,) = [o for o in em.trader.closed_orders() if o.side is ot.OrderSide.SELL]
    assert sell.price == D(101)
    brought = sell.filled * sell.average_price - sell.fees["USDT"]
    (buy,) = [o for o in em.trader.open_orders(BTC) if o.price == D(100)]
    assert buy.side is ot.OrderSide.BUY
    assert buy.amount == _truncate(brought / D(100)) == D("0.10089")  # 10.1 USDT less 0.1 %, at 100
    await em.stop()


async def test_mirrors_are_capped_by_the_available_funds():
    # the sells take every free BTC: the buy's mirror can only sell what the buy brought
    balances = {"USDT": "300", "BTC": "0.2"}
    em, _, clock, sync = await _grid({"sell_funds": 0, "sell_orders_count": 1}, balances=balances)
    (laid_sell,) = [o for o in em.trader.open_orders(BTC) if o.side is ot.OrderSide.SELL]
    assert laid_sell.amount == D("0.2")  # all the available base
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "100", "98.5", "99.5"))
    await sync.drain()
    (mirror,) = [o for o in em.trader.open_orders(BTC) if o.price == D(100)]
    assert mirror.amount <= em.portfolio.total("BTC") - laid_sell.amount
    await em.stop()


async def test_a_restart_keeps_the_grid_left_open_and_lays_no_second_one():
    em, mode, clock, sync = await _grid()
    before = _book(em)
    await mode.stop()
    restarted = ot.GridTradingMode(em, [BTC], GRID)
    await restarted.start()
    await sync.drain()
    assert _book(em) == before
    # the restarted mode still mirrors the fills of the orders it found
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "100", "98.5", "99.5"))
    await sync.drain()
    assert any(o.price == D(100) and o.side is ot.OrderSide.SELL for o in em.trader.open_orders(BTC))
    await em.stop()


async def test_a_restart_from_the_state_store_keeps_the_grid_and_mirrors_its_fills(tmp_path):
    path = tmp_path / "grid.sqlite"
    clock, sync = ManualClock(T0), oc.Synchronizer()
    em = await persistent_manager(path, {"USDT": "10000", "BTC": "1"}, clock=clock, synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, "100", "100", "100", "100"))
    await sync.drain()
    mode = ot.GridTradingMode(em, [BTC], GRID)
    await mode.start()
    await sync.drain()
    before = _book(em)
    await mode.stop()
    await em.stop()  # the open orders stay in the state file

    clock2, sync2 = ManualClock(T0 + 2 * H1), oc.Synchronizer()
    em2 = await persistent_manager(path, {"USDT": "1"}, clock=clock2, synchronizer=sync2)
    restarted = ot.GridTradingMode(em2, [BTC], GRID)
    await restarted.start()
    await em2.push_candle(BTC, "1h", candle(T0 + H1, "100.4", "100.4", "100.4", "100.4"))
    await sync2.drain()
    assert _book(em2) == before  # not laid again around 100.4
    await em2.push_candle(BTC, "1h", candle(T0 + 2 * H1, "100.4", "100.4", "98.5", "99.5"))
    await sync2.drain()
    assert ("sell", D(100), D("1.00908")) in _book(em2)
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
    path = shared_csv("ETH_BTC-5m.csv")
    if path is None:
        pytest.skip("shared market data not found")
    pair, five_minutes = "ETH/BTC", 300_000
    rows = read_csv_candles(path)[:3000]
    spread = (Decimal(str(rows[0][4])) * D("0.01")).quantize(D("0.00001"))  # 1 % of the first close
    increment = (spread / 2).quantize(D("0.00001"))
    sync = oc.Synchronizer()
    clock = ManualClock(rows[0][0] + five_minutes)
    em = await manager({"BTC": "10", "ETH": "50"}, clock=clock, synchronizer=sync)
    await em.push_candle(pair, "5m", rows[0])
    await sync.drain()
    config = {
        "flat_spread": float(spread),
        "flat_increment": float(increment),
        "buy_orders_count": 5,
        "sell_orders_count": 5,
        "buy_funds": 5,
        "sell_funds": 25,
    }
    mode = ot.GridTradingMode(em, [pair], config)
    await mode.start()
    await sync.drain()
    for row in rows[1:]:
        clock.now = row[0] + five_minutes
        await em.push_candle(pair, "5m", row)
        await sync.drain()
    filled = [o for o in em.trader.closed_orders(pair) if o.status is ot.OrderStatus.FILLED]
    assert len(filled) >= 10, "the grid should trade on 1,500 real 5m candles"
    created = {(o.side, o.price) for o in mode.created_orders}
    distance = spread - increment
    for order in filled:
        if order.side is ot.OrderSide.BUY:
            assert (ot.OrderSide.SELL, order.price + distance) in created, f"no mirror for {order}"
        else:
            assert (ot.OrderSide.BUY, order.price - distance) in created, f"no mirror for {order}"
    assert mode.last_errors == {}
    for order in filled:  # a limit order never fills at a worse price than its limit
        if order.side is ot.OrderSide.BUY:
            assert order.average_price <= order.price, order
        else:
            assert order.average_price >= order.price, order
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
