"""DCATradingMode: entries at the configured times or signals, their exits, restarts, bad configs."""

from __future__ import annotations

import itertools
from decimal import Decimal

import jsonschema
import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager, read_csv_candles, shared_csv

BTC = "BTC/USDT"
FIVE_MINUTES = 300_000


async def _dca(config, balances=None):
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    em = await manager(balances or {"USDT": "10000"}, clock=clock, synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, "100", "100", "100", "100"))
    await sync.drain()
    clock.now = T0 + H1
    mode = ot.DCATradingMode(em, [BTC], config)
    await mode.start()
    await sync.drain()
    return em, mode, clock, sync


def _entries(em) -> list[ot.Order]:
    orders = [*em.trader.closed_orders(BTC), *em.trader.open_orders(BTC)]
    return sorted(
        (o for o in orders if o.side is ot.OrderSide.BUY and o.parent_id is None), key=lambda o: o.created_at
    )


def test_dca_mode_is_a_tentacle_with_a_valid_default_config_and_needs_no_strategy():
    cls = ot.DCATradingMode
    assert cls.TENTACLE_KIND == "trading_mode" and not cls.ABSTRACT and cls.REQUIRED_STRATEGIES == ()
    jsonschema.Draft202012Validator.check_schema(cls.CONFIG_SCHEMA)
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    assert cls.config_problems(dict(cls.DEFAULT_CONFIG)) == []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**cls.DEFAULT_CONFIG, "buy_amount": "lots"}, cls.CONFIG_SCHEMA)
    deep = {**cls.DEFAULT_CONFIG, "secondary_entries_count": 10, "secondary_entries_spacing_percent": 10}
    (problem,) = cls.config_problems(deep)
    assert problem.key == "secondary_entries_count" and "below 100 %" in problem.message


async def test_time_entries_follow_the_interval_on_real_candles_each_with_its_take_profit():
    path = shared_csv("ETH_BTC-5m.csv")
    if path is None:
        pytest.skip("shared market data not found")
    pair = "ETH/BTC"
    rows = read_csv_candles(path)[:3000]  # about 10.4 days of 5m candles
    sync = oc.Synchronizer()
    clock = ManualClock(rows[0][0] + FIVE_MINUTES)
    em = await manager({"BTC": "10"}, clock=clock, synchronizer=sync)
    config = {
        "trigger": "time",
        "entry_interval_minutes": 1440,
        "buy_amount": "0.5q",
        "take_profit_percent": 2,
    }
    mode = ot.DCATradingMode(em, [pair], config, time_frame="5m")
    await mode.start()
    for row in rows:
        clock.now = row[0] + FIVE_MINUTES
        await em.push_candle(pair, "5m", row)
        await sync.drain()
    entries = sorted(
        (o for o in mode.created_orders if o.side is ot.OrderSide.BUY and o.parent_id is None),
        key=lambda o: o.created_at,
    )
    span = rows[-1][0] + FIVE_MINUTES - (rows[0][0] + FIVE_MINUTES)
    assert len(entries) == span // (1440 * 60_000) + 1  # the first at the first candle, then daily
    day = 1440 * 60_000
    assert entries[0].created_at == rows[0][0] + FIVE_MINUTES
    for previous, following in itertools.pairwise(entries):
        assert following.created_at - previous.created_at == day  # 5m closes land exactly on the day
    for entry in entries:
        assert entry.kind is ot.OrderKind.MARKET and entry.status is ot.OrderStatus.FILLED
        assert entry.filled * entry.average_price <= D("0.5")
        (take_profit,) = entry.chained
        assert take_profit.kind is ot.OrderKind.LIMIT and take_profit.side is ot.OrderSide.SELL
        assert take_profit.price == em.markets.rules(pair).adjust_price(entry.average_price * D("1.02"))
        brought = entry.filled - entry.fees.get("ETH", Decimal(0))
        assert take_profit.amount == em.markets.rules(pair).adjust_amount(brought)  # on the lot size
    assert em.trader.trades(pair), "the take-profits of a rising market fill too"
    await em.stop()


async def test_signal_entries_are_made_once_per_crossing_of_the_threshold():
    em, mode, _, sync = await _dca({"trigger": "evaluations", "buy_threshold": 0.5, "buy_amount": "100q"})
    for evaluation in (0.2, 0.6, 0.7, 0.1, 0.8):
        await mode.set_evaluation(BTC, evaluation)
        await sync.drain()
    entries = _entries(em)
    assert len(entries) == 2
    assert all(o.status is ot.OrderStatus.FILLED and o.filled == D(1) for o in entries)  # 100 USDT at 100
    await em.stop()


async def test_limit_entries_with_secondary_entries_and_a_new_entry_cancels_the_unfilled_ones():
    config = {
        "trigger": "evaluations",
        "entry_type": "limit",
        "entry_offset_percent": 1,
        "secondary_entries_count": 2,
        "secondary_entries_spacing_percent": 2,
        "buy_amount": "99q",
        "take_profit_percent": 5,
        "stop_loss_percent": 10,
    }
    em, mode, _, sync = await _dca(config)
    await mode.set_evaluation(BTC, 0.9)
    await sync.drain()
    first = _entries(em)
    assert [(o.kind, o.price) for o in first] == [
        (ot.OrderKind.LIMIT, D("99.00")),
        (ot.OrderKind.LIMIT, D("97.00")),
        (ot.OrderKind.LIMIT, D("95.00")),
    ]
    assert [o.amount for o in first] == [D(1), _step(D(99) / D(97)), _step(D(99) / D(95))]
    for entry in first:
        stop, take = sorted(entry.chained, key=lambda o: o.kind.value, reverse=True)
        assert take.price == entry.price * D("1.05") and stop.trigger_price == entry.price * D("0.90")
        assert stop.group is take.group is not None
    await mode.set_evaluation(BTC, 0.0)
    await mode.set_evaluation(BTC, 0.9)  # a new signal: the three unfilled entries are replaced
    await sync.drain()
    assert all(o.status is ot.OrderStatus.CANCELLED for o in first)
    assert len(em.trader.open_orders(BTC)) == 3
    await em.stop()


def _step(amount: Decimal) -> Decimal:
    return amount.quantize(D("0.00001"), rounding="ROUND_DOWN")


async def test_a_restart_does_not_enter_again_before_the_interval():
    config = {"trigger": "time", "entry_interval_minutes": 180, "buy_amount": "50q"}
    em, mode, clock, sync = await _dca(config)

    async def hour(index: int) -> None:  # the candle opened at T0 + index hours closes
        clock.now = T0 + (index + 1) * H1
        await em.push_candle(BTC, "1h", candle(T0 + index * H1, "100", "100", "100", "100"))
        await sync.drain()

    await hour(1)
    assert [o.created_at for o in _entries(em)] == [T0 + 2 * H1]
    await mode.stop()
    restarted = ot.DCATradingMode(em, [BTC], config)
    await restarted.start()
    for index in range(2, 5):
        await hour(index)
    times = [o.created_at for o in _entries(em)]
    assert times == [T0 + 2 * H1, T0 + 5 * H1]  # the restarted mode waited for the 3 hours
    await em.stop()
