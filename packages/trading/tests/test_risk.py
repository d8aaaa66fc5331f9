"""The profile's risk in the trading modes: order sizes given as a share of the funds, the daily mode's
thresholds, the funds of the ladder modes; 0.5 changes nothing."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager

BTC = "BTC/USDT"


def _truncate(amount: Decimal) -> Decimal:
    return amount.quantize(D("0.00001"), rounding=ROUND_DOWN)


async def _daily(risk, config=None, balances=None):
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    em = await manager(balances or {"USDT": "10000"}, clock=clock, synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, "100", "100", "100", "100"))
    await sync.drain()
    clock.now = T0 + H1
    mode = ot.DailyTradingMode(em, [BTC], {"order_type": "market", **(config or {})}, risk=risk)
    await mode.start()
    return em, mode, sync


@pytest.mark.parametrize(
    ("risk", "thresholds"),
    [
        (None, (-0.8, -0.3, 0.3, 0.8)),
        (0.5, (-0.8, -0.3, 0.3, 0.8)),
        (1, (-0.7, -0.2, 0.2, 0.7)),
        (0, (-0.9, -0.4, 0.4, 0.9)),
    ],
)
async def test_the_risk_moves_the_daily_thresholds_towards_zero(risk, thresholds):
    em, mode, _ = await _daily(risk)
    assert mode.thresholds == pytest.approx(thresholds)
    assert mode.decide_state(BTC, 0.25) is (
        ot.TradingModeState.LONG if risk == 1 else ot.TradingModeState.NEUTRAL
    )
    assert mode.decide_state(BTC, -0.35) is (
        ot.TradingModeState.NEUTRAL if risk == 0 else ot.TradingModeState.SHORT
    )
    await em.stop()


async def test_close_thresholds_never_cross_whatever_the_risk():
    config = {"buy_threshold": 0.05, "sell_threshold": -0.05, "strong_buy_threshold": 0.9}
    em, mode, _ = await _daily(1, config)
    strong_sell, sell, buy, _ = mode.thresholds  # the shift stops at a quarter of the buy-sell gap
    assert sell < 0 < buy and buy == pytest.approx(0.025) and strong_sell == pytest.approx(-0.775)
    await em.stop()


@pytest.mark.parametrize(
    ("risk", "amount", "expected_quote"),
    [
        (0.5, "10a%", "1000"),
        (1, "10a%", "1500"),
        (0, "10a%", "500"),
        (0, "10%", "500"),
        (1, "100a%", "10000"),  # never beyond what is available
        (1, "250q", "250"),  # quote units are an amount, not a share: unchanged
    ],
)
async def test_the_risk_scales_buys_given_as_a_share_of_the_funds(risk, amount, expected_quote):
    em, mode, sync = await _daily(risk, {"buy_amount": amount})
    await mode.set_evaluation(BTC, 1.0)
    await sync.drain()
    (buy,) = em.trader.closed_orders(BTC)
    assert buy.amount == _truncate(D(expected_quote) / D(100))
    await em.stop()


async def test_the_risk_scales_sells_given_as_a_share_of_the_funds():
    em, mode, sync = await _daily(0, {"sell_amount": "100a%"}, balances={"USDT": "0", "BTC": "2"})
    await mode.set_evaluation(BTC, -1.0)
    await sync.drain()
    (sell,) = em.trader.closed_orders(BTC)
    assert sell.amount == D(1)  # risk 0: half of the 2 BTC
    await em.stop()


async def test_a_low_risk_lays_the_grid_on_part_of_the_available_funds():
    sync = oc.Synchronizer()
    em = await manager({"USDT": "1000", "BTC": "1"}, clock=ManualClock(T0 + H1), synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, "100", "100", "100", "100"))
    await sync.drain()
    config = {"flat_spread": 2, "flat_increment": 1, "buy_orders_count": 2, "sell_orders_count": 2}
    mode = ot.GridTradingMode(em, [BTC], config, risk=0.25)
    await mode.start()
    await sync.drain()
    sells = [o for o in em.trader.open_orders(BTC) if o.side is ot.OrderSide.SELL]
    assert [o.amount for o in sells] == [D("0.375"), D("0.375")]  # 0.75 of the BTC, in two
    buys = [o for o in em.trader.open_orders(BTC) if o.side is ot.OrderSide.BUY]
    assert sum(o.amount * o.price for o in buys) <= D(750)
    await em.stop()
