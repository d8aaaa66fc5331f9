"""DipAnalyserTradingMode: dip buys sized by the volume weight and the risk, staged sells on each fill,
replaced dips, restarts, bad configs."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import jsonschema
import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager

BTC = "BTC/USDT"
ETH = "ETH/USDT"


def _truncate(amount: Decimal) -> Decimal:
    return amount.quantize(D("0.00001"), rounding=ROUND_DOWN)


async def _dip(config=None, balances=None, risk=None, symbols=(BTC,)):
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    em = await manager(balances or {"USDT": "1000"}, clock=clock, synchronizer=sync)
    for symbol in symbols:
        await em.push_candle(symbol, "1h", candle(T0, "100", "100", "100", "100"))
    await sync.drain()
    clock.now = T0 + H1
    mode = ot.DipAnalyserTradingMode(em, list(symbols), config, risk=risk)
    await mode.start()
    await sync.drain()
    return em, mode, clock, sync


async def _signal(mode, sync, price_weight, volume_weight, symbol=BTC):
    await mode.set_evaluation(symbol, ot.dip_code(price_weight, volume_weight))
    await sync.drain()


def test_dip_mode_is_a_tentacle_that_needs_the_dip_analyser_strategy():
    cls = ot.DipAnalyserTradingMode
    assert cls.TENTACLE_KIND == "trading_mode" and not cls.ABSTRACT
    assert cls.REQUIRED_STRATEGIES == ("DipAnalyserStrategyEvaluator",)
    jsonschema.Draft202012Validator.check_schema(cls.CONFIG_SCHEMA)
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    assert cls.config_problems(dict(cls.DEFAULT_CONFIG)) == []
    for key, spec in cls.CONFIG_SCHEMA["properties"].items():
        assert spec.get("description"), f"{key} is not documented"


@pytest.mark.parametrize(
    ("volume_weight", "risk", "percent"),
    [
        (3, None, "50"),  # one coin: half the available quote at full volume
        (1, None, "25"),  # light: 0.5 of that
        (2, None, "35"),  # medium: 0.7
        (2, 1, "38.5"),  # risk 1: 0.7 x 1.1
        (3, 1, "50"),  # capped at full volume
        (3, 0, "45"),  # risk 0: 1.0 x 0.9
    ],
)
async def test_a_dip_buys_below_the_price_for_a_share_set_by_its_volume_weight_and_the_risk(
    volume_weight, risk, percent
):
    em, mode, _, sync = await _dip(risk=risk)
    await _signal(mode, sync, 2, volume_weight)
    (buy,) = em.trader.open_orders(BTC)
    assert (buy.side, buy.kind, buy.price) == (ot.OrderSide.BUY, ot.OrderKind.LIMIT, D("99.50"))
    assert buy.amount == _truncate(D(1000) * D(percent) / 100 / D("99.5"))
    assert buy.tag == "DipAnalyserTradingMode dip 2"
    await em.stop()


async def test_no_dip_does_nothing_and_a_new_dip_replaces_the_unfilled_buy():
    em, mode, _, sync = await _dip()
    await mode.set_evaluation(BTC, 0.0)
    await sync.drain()
    assert em.trader.open_orders(BTC) == []
    await _signal(mode, sync, 1, 1)
    (first,) = em.trader.open_orders(BTC)
    await _signal(mode, sync, 3, 3)  # right after: still acted on
    (second,) = em.trader.open_orders(BTC)
    assert first.status is ot.OrderStatus.CANCELLED and second.tag.endswith("dip 3")
    assert second.amount == _truncate(D(500) / D("99.5"))  # the cancel freed the funds first
    await em.stop()


async def test_a_filled_dip_buy_is_sold_in_staged_sells_up_to_its_price_weight_target():
    em, mode, clock, sync = await _dip()
    await _signal(mode, sync, 2, 3)
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "100", "99", "99.8"))
    await sync.drain()
    (buy,) = em.trader.closed_orders(BTC)
    assert buy.status is ot.OrderStatus.FILLED and buy.filled == D("5.02512")
    brought = buy.filled - buy.fees["BTC"]
    sells = sorted(em.trader.open_orders(BTC), key=lambda o: o.price)
    rules = em.markets.rules(BTC)
    step = (D("99.5") * D("1.07") - D("99.5")) / 3  # medium price weight: up to +7 %
    assert [o.price for o in sells] == [rules.adjust_price(D("99.5") + step * i) for i in (1, 2, 3)]
    assert [o.price for o in sells][-1] in (D("106.46"), D("106.47"))
    each = _truncate(brought / 3)
    assert [o.amount for o in sells] == [each, each, _truncate(brought - 2 * each)]
    assert sum(o.amount for o in sells) <= brought and all(o.side is ot.OrderSide.SELL for o in sells)
    assert {o.tag for o in sells} == {"DipAnalyserTradingMode"}
    await em.stop()


async def test_fewer_sells_when_each_would_be_below_the_exchange_minimum():
    # 12 USDT of BTC cannot be cut in three sells of at least 5 USDT: two are made
    em, mode, clock, sync = await _dip({"sell_orders_count": 3}, balances={"USDT": "24.2"})
    await _signal(mode, sync, 1, 3)
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "100", "99", "99.8"))
    await sync.drain()
    sells = em.trader.open_orders(BTC)
    assert len(sells) == 2 and all(o.price * o.amount >= 5 for o in sells)
    await em.stop()


async def test_two_coins_buy_a_third_of_the_funds_and_more_coins_less_of_a_heavy_holding():
    em, mode, _, sync = await _dip(symbols=(BTC, ETH))
    await _signal(mode, sync, 1, 3)
    (buy,) = em.trader.open_orders(BTC)
    assert buy.amount == _truncate(D(1000) * D("0.33") / D("99.5"))
    await em.stop()
    em, mode, _, sync = await _dip(symbols=(BTC, ETH, "SOL/USDT"), balances={"USDT": "1000", "ETH": "5"})
    # ETH is 500 of the 1500 USDT the pairs hold: a third, so 0.33 x (1 - 0.8 / 3) of the quote
    assert mode.buy_share(ETH) == D("0.33") * (1 - D("0.8") * D(500) / D(1500))
    assert mode.buy_share(BTC) == D("0.33")  # no BTC held
    await _signal(mode, sync, 1, 3, symbol=ETH)
    (buy,) = em.trader.open_orders(ETH)
    share = (D("0.33") * (1 - D("0.8") * D(500) / D(1500)) * 100).quantize(D("0.000001"))
    assert buy.amount == _truncate(D(1000) * share / 100 / D("99.5"))
    await em.stop()


async def test_at_start_dip_buys_of_an_earlier_session_are_cancelled_and_its_sells_kept():
    em, mode, _, sync = await _dip(balances={"USDT": "1000", "BTC": "1"})
    await _signal(mode, sync, 2, 3)
    left_sell = await em.trader.create_order(BTC, "sell", "limit", "0.1", price="110", tag=mode.get_name())
    await mode.stop()
    restarted = ot.DipAnalyserTradingMode(em, [BTC])
    await restarted.start()
    await sync.drain()
    assert em.trader.open_orders(BTC) == [left_sell]
    await em.stop()


def test_decreasing_multipliers_are_refused_naming_the_key():
    cls = ot.DipAnalyserTradingMode
    problems = cls.config_problems({**cls.DEFAULT_CONFIG, "heavy_weight_price_multiplier": 1.05})
    assert [p.key for p in problems] == ["heavy_weight_price_multiplier"]
    assert "must not decrease" in problems[0].message


async def test_a_risk_outside_zero_to_one_is_refused():
    em = await manager()
    with pytest.raises(ot.TradingModeError, match="risk must be between 0 and 1"):
        ot.DipAnalyserTradingMode(em, [BTC], risk=1.5)
    await em.stop()
