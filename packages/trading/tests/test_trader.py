"""Trader API: validation errors, exact locking and unlocking, edits, dust, fees, PnL."""

from __future__ import annotations

from decimal import Decimal

import pytest

import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager

BTC = "BTC/USDT"


async def _setup(balances=None, simulator=None):
    clock = ManualClock(T0)
    em = await manager(balances, clock=clock, simulator=simulator)
    await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
    clock.now = T0 + H1
    return em, clock


async def _next(em, clock, o, h, low, c, v="100"):
    open_time = clock.now
    await em.push_candle(BTC, "1h", candle(open_time, o, h, low, c, v))
    clock.now = open_time + H1


async def test_unknown_symbol_is_refused_with_a_clear_error():
    em, _ = await _setup()
    with pytest.raises(ot.UnknownSymbolError, match=r"DOGE/USDT.*not a market"):
        await em.trader.create_order("DOGE/USDT", "buy", "limit", "1", price="1")
    await em.stop()


async def test_order_below_minimum_amount_or_cost_raises_the_market_error():
    em, _ = await _setup()
    with pytest.raises(ot.OrderBelowMinimumError) as below_cost:
        await em.trader.create_order(BTC, "buy", "limit", "0.01", price="100")  # 1 USDT < 5 USDT
    assert below_cost.value.limit == "cost" and below_cost.value.minimum == D(5)
    with pytest.raises(ot.OrderBelowMinimumError) as below_amount:
        await em.trader.create_order(BTC, "sell", "limit", "0.000004", price="1000000")
    assert below_amount.value.limit == "amount" and below_amount.value.minimum == D("0.00001")
    # nothing was locked by the refused orders
    assert em.portfolio.locked("USDT") == 0 and em.portfolio.locked("BTC") == 0
    assert em.trader.open_orders() == []
    await em.stop()


async def test_round_up_to_minimum_is_opt_in():
    em, _ = await _setup()
    # a resting limit (below the last price 100: a marketable one would fill at once)
    order = await em.trader.create_order(BTC, "buy", "limit", "0.01", price="50", round_up_to_minimum=True)
    assert order.amount == D("0.1")  # 5 USDT minimum cost at 50
    assert em.portfolio.locked("USDT") == D(5)
    await em.stop()


async def test_missing_funds_raise_and_leave_the_portfolio_untouched():
    em, _ = await _setup({"USDT": "100", "BTC": "0"})
    with pytest.raises(ot.InsufficientFundsError) as error:
        await em.trader.create_order(BTC, "buy", "limit", "2", price="99")
    assert error.value.asset == "USDT" and error.value.required == D(198) and error.value.available == D(100)
    with pytest.raises(ot.InsufficientFundsError):
        await em.trader.create_order(BTC, "sell", "limit", "1", price="120")
    assert em.portfolio.available("USDT") == D(100) and em.trader.open_orders() == []
    await em.stop()


async def test_invalid_requests_name_the_missing_parameter():
    em, _ = await _setup()
    with pytest.raises(ot.InvalidOrderError, match="limit price"):
        await em.trader.create_order(BTC, "buy", "limit", "1")
    with pytest.raises(ot.InvalidOrderError, match="trigger_price"):
        await em.trader.create_order(BTC, "sell", "stop_loss", "1")
    with pytest.raises(ot.InvalidOrderError, match="trailing_percent"):
        await em.trader.create_order(BTC, "sell", "trailing_stop", "1")
    with pytest.raises(ValueError):
        await em.trader.create_order(BTC, "sideways", "limit", "1", price="1")
    await em.stop()


async def test_locked_funds_and_forecast_fees_return_exactly_on_cancel():
    for fee_asset in (ot.FeeAsset.RECEIVED, ot.FeeAsset.QUOTE):
        markets_em, _ = await _setup()
        simulator = ot.ExchangeSimulator(markets_em.markets, fee_model=ot.FeeModel(fee_asset=fee_asset))
        await markets_em.stop()
        em, _ = await _setup(simulator=simulator)
        before = em.portfolio.balances()
        buy = await em.trader.create_order(BTC, "buy", "limit", "0.33333", price="97.13")
        sell = await em.trader.create_order(BTC, "sell", "stop_loss", "0.12345", trigger_price="90.07")
        cost = D("0.33333") * D("97.13")
        expected_lock = cost if fee_asset is ot.FeeAsset.RECEIVED else cost + cost * D("0.001")
        assert em.portfolio.locked("USDT") == expected_lock
        assert buy.forecast_fee_asset == ("BTC" if fee_asset is ot.FeeAsset.RECEIVED else "USDT")
        assert em.portfolio.locked("BTC") == D("0.12345")
        await em.trader.cancel_order(buy)
        await em.trader.cancel_order(sell.order_id)
        assert em.portfolio.balances() == before
        assert buy.status is ot.OrderStatus.CANCELLED and sell.status is ot.OrderStatus.CANCELLED
        await em.stop()


async def test_quote_fees_are_locked_at_the_taker_forecast_and_corrected_at_the_maker_fill():
    em0, _ = await _setup()
    simulator = ot.ExchangeSimulator(
        em0.markets, fee_model=ot.FeeModel(maker=D("0.001"), taker=D("0.002"), fee_asset=ot.FeeAsset.QUOTE)
    )
    await em0.stop()
    em, clock = await _setup(simulator=simulator)
    order = await em.trader.create_order(BTC, "buy", "limit", "1", price="95")
    assert em.portfolio.locked("USDT") == D(95) + D("0.19")  # taker forecast 0.2 %
    await _next(em, clock, "100", "100", "94", "96")
    assert order.status is ot.OrderStatus.FILLED and order.fees == {"USDT": D("0.095")}  # maker 0.1 %
    assert em.portfolio.locked("USDT") == 0
    assert em.portfolio.total("USDT") == D(10000) - D(95) - D("0.095")
    await em.stop()


async def test_cancel_all_orders_of_a_symbol_and_unknown_ids():
    em, _ = await _setup({"USDT": "10000", "BTC": "1", "ETH": "10"})
    await em.trader.create_order(BTC, "buy", "limit", "0.1", price="90")
    await em.trader.create_order(BTC, "sell", "limit", "0.1", price="110")
    cancelled = await em.trader.cancel_all_orders(BTC)
    assert len(cancelled) == 2 and em.trader.open_orders(BTC) == []
    assert em.portfolio.locked("USDT") == 0 and em.portfolio.locked("BTC") == 0
    with pytest.raises(ot.OrderNotFoundError, match="no open order"):
        await em.trader.cancel_order("nope")
    with pytest.raises(ot.InvalidOrderTransitionError):
        cancelled[0].set_status(ot.OrderStatus.OPEN, 0)  # a cancelled order never reopens
    await em.stop()


async def test_edit_relocks_for_the_new_values_and_moves_the_trigger():
    em, clock = await _setup()
    order = await em.trader.create_order(BTC, "buy", "limit", "1", price="90")
    assert em.portfolio.locked("USDT") == D(90)
    await em.trader.edit_order(order, amount="2", price="95")
    assert em.portfolio.locked("USDT") == D(190)
    with pytest.raises(ot.InsufficientFundsError):
        await em.trader.edit_order(order, amount="1000")
    assert order.amount == D(2) and em.portfolio.locked("USDT") == D(190)  # unchanged after the error
    await _next(em, clock, "100", "100", "94", "96")  # 94 < 95: the edited level fills
    assert order.status is ot.OrderStatus.FILLED and order.average_price == D(95)
    assert em.portfolio.locked("USDT") == 0
    stop = await em.trader.create_order(BTC, "sell", "stop_loss", "1", trigger_price="80")
    await em.trader.edit_order(stop, trigger_price="95")
    await _next(em, clock, "96", "97", "94", "95")
    assert stop.status is ot.OrderStatus.FILLED and stop.average_price == D(95)
    await em.stop()


async def test_dust_sells_are_trimmed_to_the_available_amount_never_more():
    em, _ = await _setup({"USDT": "10000", "BTC": "0"})
    buy = await em.trader.create_order(BTC, "buy", "market", "0.5")
    received = em.portfolio.available("BTC")
    assert buy.status is ot.OrderStatus.FILLED and received == D("0.4995")  # 0.1 % fee in BTC
    sell = await em.trader.create_order(BTC, "sell", "market", "0.5")  # asks 0.0005 BTC too much: dust
    assert sell.amount == D("0.4995") and sell.status is ot.OrderStatus.FILLED
    assert em.portfolio.total("BTC") == 0
    with pytest.raises(ot.InsufficientFundsError):
        await em.trader.create_order(BTC, "sell", "market", "0.5")
    await em.stop()


async def test_trades_carry_fees_and_realised_pnl():
    em, clock = await _setup({"USDT": "10000", "BTC": "0"})
    await em.trader.create_order(BTC, "buy", "market", "1")  # at 100, fee 0.001 BTC
    await _next(em, clock, "100", "111", "100", "110")
    await em.trader.create_order(BTC, "sell", "market", "0.999")  # at 110, fee 0.10989 USDT
    buy_trade, sell_trade = em.trader.trades(BTC)
    assert buy_trade.realised_pnl == 0 and buy_trade.fee == D("0.001")
    # entry cost 100 USDT for 0.999 BTC; sold for 109.89 minus 0.10989 fee
    assert sell_trade.fee == D("0.10989") and sell_trade.fee_asset == "USDT"
    assert sell_trade.realised_pnl == D("109.89") - D(100) - D("0.10989")
    assert em.trader.realised_pnl() == sell_trade.realised_pnl
    assert em.portfolio.total("USDT") == D(10000) - D(100) + D("109.89") - D("0.10989")
    await em.stop()


async def test_closed_orders_become_trades_and_keep_their_history():
    em, clock = await _setup()
    order = await em.trader.create_order(BTC, "sell", "limit", "0.2", price="105")
    await _next(em, clock, "100", "106", "99", "104")
    assert order.is_closed and order in em.account.closed_orders
    assert order.order_id not in em.account.open_orders
    (trade,) = em.trader.trades()
    assert trade.order_id == order.order_id and trade.cost == D(21)
    assert trade.to_dict()["fee"] == {"currency": "USDT", "cost": D("0.021")}
    await em.stop()


async def test_simulated_trader_flag_and_decimal_amounts_only():
    em, _ = await _setup()
    assert em.trader.simulated and em.simulated
    order = await em.trader.create_order(BTC, "buy", "limit", Decimal("0.123456789"), price="90.004")
    assert order.amount == D("0.12345") and order.price == D("90.00")  # market precision
    await em.stop()


async def test_legs_of_a_one_cancels_the_other_group_share_one_lock():
    em, clock = await _setup({"USDT": "0", "BTC": "1"})
    group = ot.OneCancelsTheOther()
    stop = await em.trader.create_order(BTC, "sell", "stop_loss", "0.8", trigger_price="90", group=group)
    take = await em.trader.create_order(BTC, "sell", "limit", "0.8", price="110", group=group)
    assert em.portfolio.locked("BTC") == D("0.8")  # not 1.6: at most one leg can fill
    await em.trader.cancel_order(stop)  # the take-profit keeps the reservation
    assert em.portfolio.locked("BTC") == D("0.8") and take.locked_amount == D("0.8")
    await _next(em, clock, "100", "111", "99", "108")
    assert take.status is ot.OrderStatus.FILLED
    assert em.portfolio.total("BTC") == D("0.2") and em.portfolio.locked("BTC") == 0
    await em.stop()


async def test_a_buy_stop_gapping_past_its_reservation_buys_what_the_funds_pay_for():
    em, clock = await _setup({"USDT": "100", "BTC": "0"})
    stop = await em.trader.create_order(BTC, "buy", "stop_loss", "1", trigger_price="99")
    assert em.portfolio.locked("USDT") == D(99)
    await _next(em, clock, "105", "106", "104", "105")  # opens far above the stop
    assert stop.status is ot.OrderStatus.FILLED and stop.average_price == D(105)
    assert stop.filled == D("0.95238")  # 100 USDT / 105, on the amount precision
    assert em.portfolio.total("USDT") == D(100) - D("0.95238") * 105
    assert em.portfolio.locked("USDT") == 0 and em.portfolio.total("USDT") >= 0
    await em.stop()


async def test_trades_kept_for_the_report_hold_no_per_trade_dict_and_stay_frozen():
    # a backtest keeps every trade until its report: a slotted trade costs a fraction of a dict-backed one
    em, _ = await _setup()
    await em.trader.create_order(BTC, "buy", "market", "0.1")
    (trade,) = em.trader.trades()
    assert not hasattr(trade, "__dict__")
    with pytest.raises(AttributeError):
        trade.amount = D("1")  # type: ignore[misc]
    assert trade.to_dict()["amount"] == D("0.1")
    await em.stop()
