"""Trading modes: the amount syntax, the base's producer/consumer, DailyTradingMode's decisions."""

from __future__ import annotations

import logging
from decimal import Context, Decimal

import jsonschema
import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager

BTC = "BTC/USDT"
ETH = "ETH/USDT"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("0.1", D("0.1"), ot.AmountUnit.BASE),
        (" 2 ", D(2), ot.AmountUnit.BASE),
        ("25q", D(25), ot.AmountUnit.QUOTE),
        ("2%", D(2), ot.AmountUnit.PERCENT_TOTAL),
        ("2t%", D(2), ot.AmountUnit.PERCENT_TOTAL),
        ("12a%", D(12), ot.AmountUnit.PERCENT_AVAILABLE),
        ("12A%", D(12), ot.AmountUnit.PERCENT_AVAILABLE),
        (Decimal("0.5"), D("0.5"), ot.AmountUnit.BASE),
        (3, D(3), ot.AmountUnit.BASE),
    ],
)
def test_amount_syntax_is_parsed(text, value, unit):
    assert ot.parse_amount(text) == ot.AmountSpec(value, unit)


@pytest.mark.parametrize("text", ["", "abc", "-1", "0", "5x", "101%", "q", "1.2.3", "%"])
def test_bad_amounts_name_the_syntax(text):
    with pytest.raises(ot.InvalidAmountSyntaxError, match="amount"):
        ot.parse_amount(text)


def test_amounts_resolve_against_the_spent_asset():
    price = D(200)
    # buy: spends quote (total 1000, available 600), converted at the price
    assert ot.parse_amount("0.1").resolve(True, price, D(1000), D(600)) == D("0.1")
    assert ot.parse_amount("50q").resolve(True, price, D(1000), D(600)) == D("0.25")
    assert ot.parse_amount("10%").resolve(True, price, D(1000), D(600)) == D("0.5")
    assert ot.parse_amount("10a%").resolve(True, price, D(1000), D(600)) == D("0.3")
    # sell: spends base (total 2, available 1.5)
    assert ot.parse_amount("50%").resolve(False, price, D(2), D("1.5")) == D(1)
    assert ot.parse_amount("100a%").resolve(False, price, D(2), D("1.5")) == D("1.5")


async def _setup(config=None, balances=None, symbols=(BTC,), synchronizer=None):
    clock = ManualClock(T0)
    em = await manager(balances or {"USDT": "10000", "BTC": "1"}, clock=clock, synchronizer=synchronizer)
    for symbol in symbols:
        await em.push_candle(symbol, "1h", candle(T0, "100", "101", "99", "100"))
    clock.now = T0 + H1
    mode = ot.DailyTradingMode(em, list(symbols), config)
    await mode.start()
    return em, mode, clock


def test_daily_trading_mode_declares_itself_a_tentacle_with_a_valid_default_config():
    cls = ot.DailyTradingMode
    assert cls.TENTACLE_KIND == "trading_mode" and cls.NAME == "DailyTradingMode"
    assert cls.ABSTRACT is False and ot.AbstractTradingMode.ABSTRACT is True
    jsonschema.Draft202012Validator.check_schema(cls.CONFIG_SCHEMA)
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**cls.DEFAULT_CONFIG, "buy_amount": "lots"}, cls.CONFIG_SCHEMA)


@pytest.mark.parametrize(
    ("evaluation", "state"),
    [
        (1.0, ot.TradingModeState.VERY_LONG),
        (0.8, ot.TradingModeState.VERY_LONG),
        (0.5, ot.TradingModeState.LONG),
        (0.0, ot.TradingModeState.NEUTRAL),
        (-0.29, ot.TradingModeState.NEUTRAL),
        (-0.3, ot.TradingModeState.SHORT),
        (-1.0, ot.TradingModeState.VERY_SHORT),
    ],
)
async def test_daily_trading_mode_states_follow_our_sign_convention(evaluation, state):
    em, mode, _ = await _setup()
    assert mode.decide_state(BTC, evaluation) is state
    await em.stop()


async def test_thresholds_must_be_ordered():
    em = await manager()
    with pytest.raises(ot.TradingModeError, match="thresholds"):
        ot.DailyTradingMode(em, [BTC], {"buy_threshold": -0.5, "sell_threshold": 0.5})
    await em.stop()


async def test_a_positive_evaluation_buys_and_a_negative_one_sells():
    em, mode, _ = await _setup({"buy_amount": "100q", "sell_amount": "50a%"})
    await mode.set_evaluation(BTC, 0.5)  # LONG: limit buy 0.5 % under the price
    await mode.join()
    (buy,) = em.trader.open_orders(BTC)
    assert buy.side is ot.OrderSide.BUY and buy.kind is ot.OrderKind.LIMIT
    assert buy.price == D("99.50") and buy.amount == D("1.00502")  # 100 USDT at 99.5, on precision
    await mode.set_evaluation(BTC, -0.9)  # VERY_SHORT: market sell, the buy is cancelled first
    await mode.join()
    assert buy.status is ot.OrderStatus.CANCELLED
    (sell,) = em.trader.trades(BTC)
    assert sell.side is ot.OrderSide.SELL and sell.amount == D("0.5") and sell.taker
    await em.stop()


async def test_the_mode_acts_on_state_changes_and_publishes_its_decisions():
    sync = oc.Synchronizer()
    em, mode, _ = await _setup({"buy_amount": "0.1", "order_type": "market"}, synchronizer=sync)
    decisions = []

    async def on_decision(message: dict) -> None:
        decisions.append((message["exchange"], message["symbol"], message["trading_mode"], message["state"]))

    await em.get_channel("ModeChannel").new_consumer(
        on_decision, filters={"trading_mode": "DailyTradingMode"}
    )
    for evaluation in (0.4, 0.5, 0.6):  # one LONG state: acts once
        await mode.set_evaluation(BTC, evaluation)
        await sync.drain()
    assert len(em.trader.trades(BTC)) == 1
    assert decisions == [(em.exchange_id, BTC, "DailyTradingMode", "long")]
    await mode.set_evaluation(BTC, None)  # no opinion: nothing
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        await mode.set_evaluation(BTC, 1.5)
    await em.stop()


async def test_buys_carry_stop_loss_and_take_profit_as_chained_oco_orders():
    em, mode, clock = await _setup(
        {"buy_amount": "1", "stop_loss_percent": 5, "take_profit_percent": 10, "order_type": "market"},
        balances={"USDT": "1000"},
    )
    await mode.set_evaluation(BTC, 0.5)
    await mode.join()
    take, stop = sorted(em.trader.open_orders(BTC), key=lambda o: o.kind.value)
    assert stop.kind is ot.OrderKind.STOP_LOSS and stop.trigger_price == D(95)
    assert take.kind is ot.OrderKind.LIMIT and take.price == D(110)
    assert stop.amount == D("0.999") and stop.group is take.group  # what the buy brought after its fee
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "111", "99", "109"))
    assert take.status is ot.OrderStatus.FILLED and stop.status is ot.OrderStatus.CANCELLED
    assert em.portfolio.locked("BTC") == 0
    await em.stop()


async def test_order_errors_are_logged_per_symbol_and_never_stop_the_mode(caplog):
    em, mode, _ = await _setup({"buy_amount": "0.00001"}, symbols=(BTC, ETH))  # below the 5 USDT minimum
    with caplog.at_level(logging.ERROR):
        await mode.set_evaluation(BTC, 0.5)
        await mode.join()
    assert isinstance(mode.last_errors[BTC], ot.OrderBelowMinimumError)
    assert "BTC/USDT" in caplog.text and "minimum" in caplog.text
    mode.config["buy_amount"] = "1"
    await mode.set_evaluation(ETH, 0.5)  # the mode still works for the other symbol
    await mode.join()
    assert [o.symbol for o in em.trader.open_orders()] == [ETH] and ETH not in mode.last_errors
    await em.stop()


async def test_a_repeated_order_error_is_logged_once_until_orders_work_again(caplog):
    """A mode retrying on every evaluation (funds short for hours) logs its error once, not each time."""
    em, mode, _ = await _setup({"buy_amount": "0.00001", "act_on_state_change_only": False})

    async def evaluate_three_times() -> None:
        for _ in range(3):
            await mode.set_evaluation(BTC, 0.5)
            await mode.join()

    def errors() -> list[logging.LogRecord]:
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        return [r for r in errors if "cannot create orders" in r.message]

    with caplog.at_level(logging.INFO, logger="octobot_trading.modes.trading_mode"):
        await evaluate_three_times()
        assert len(errors()) == 1 and isinstance(mode.last_errors[BTC], ot.OrderBelowMinimumError)
        mode.config["buy_amount"] = "1"
        await evaluate_three_times()
        assert BTC not in mode.last_errors and "orders created again" in caplog.text
        mode.config["buy_amount"] = "0.00001"
        await evaluate_three_times()
        assert len(errors()) == 2  # the same error after a success is news again
    await em.stop()


async def test_candle_trigger_acts_on_each_closed_candle_with_the_latest_evaluation():
    sync = oc.Synchronizer()
    em, mode, clock = await _setup(
        {"trigger": "candles", "buy_amount": "0.1", "order_type": "limit"}, synchronizer=sync
    )
    await mode.set_evaluation(BTC, 0.5)
    await sync.drain()
    (first,) = em.trader.open_orders(BTC)
    await em.push_candle(BTC, "1h", candle(clock.now, "100", "103", "100", "102"))
    await sync.drain()
    (second,) = em.trader.open_orders(BTC)  # re-placed at the new price, the first cancelled
    assert first.status is ot.OrderStatus.CANCELLED
    assert second.price == D("101.49")
    await mode.stop()
    await em.stop()


async def test_a_new_buy_keeps_earlier_protections_and_a_sell_replaces_them():
    em, mode, _ = await _setup(
        {
            "buy_amount": "1",
            "sell_amount": "100a%",
            "stop_loss_percent": 5,
            "take_profit_percent": 10,
            "order_type": "market",
        },
        balances={"USDT": "1000"},
    )
    await mode.set_evaluation(BTC, 0.5)
    await mode.set_evaluation(BTC, 0.0)  # neutral
    await mode.set_evaluation(BTC, 0.5)  # a second buy
    await mode.join()
    protections = [o for o in em.trader.open_orders(BTC) if o.parent_id is not None]
    assert len(protections) == 4  # stop + take-profit of each buy
    assert em.portfolio.locked("BTC") == D("1.998")  # one shared lock per OCO pair
    await mode.set_evaluation(BTC, -0.5)  # SHORT: protections cancelled, everything sold
    await mode.join()
    assert all(o.status is ot.OrderStatus.CANCELLED for o in protections)
    sell = em.trader.trades(BTC)[-1]  # market order_type: sold at once
    assert sell.side is ot.OrderSide.SELL and sell.amount == D("1.998")
    assert em.trader.open_orders(BTC) == [] and em.portfolio.total("BTC") == 0
    await em.stop()


async def test_a_trailing_stop_created_without_a_trigger_is_placed_on_the_next_price():
    em = await manager()
    await em.push_price(BTC, "100", T0)
    order = em.trader.new_order(BTC, "sell", "trailing_stop", "0.1", trailing_percent="10")
    em.trader.submit(order)
    await em.push_price(BTC, "120", T0 + 1)
    assert order.trigger_price == D(108)
    await em.push_price(BTC, "107", T0 + 2)
    assert order.status is ot.OrderStatus.FILLED and order.average_price == D(108)
    await em.stop()


async def test_daily_trading_mode_on_real_candles_keeps_the_books_exact():
    from .sim_helpers import read_csv_candles, shared_csv

    path = shared_csv("ETH_BTC-5m.csv")
    if path is None:
        pytest.skip("shared market data not found: set OCTOBOT_SHARED_DATA to the shared/data folder")
    candles = read_csv_candles(path)[:1500]
    sync = oc.Synchronizer()
    clock = ManualClock(candles[0][0])
    em = await manager({"BTC": "1", "ETH": "5"}, clock=clock, synchronizer=sync)
    symbol = "ETH/BTC"
    mode = ot.DailyTradingMode(
        em,
        [symbol],
        {"buy_amount": "20a%", "sell_amount": "50a%", "stop_loss_percent": 2, "take_profit_percent": 3},
    )
    await mode.start()
    step = 5 * 60_000
    closes: list[float] = []
    for row in candles:
        clock.now = row[0] + step
        await em.push_candle(symbol, "5m", row)
        closes.append(row[4])
        if len(closes) > 12:  # a momentum evaluation in [-1, 1]: +1 when the price rose 1 % in an hour
            change = (closes[-1] - closes[-13]) / closes[-13]
            await mode.set_evaluation(symbol, max(-1.0, min(1.0, change * 100)))
        await sync.drain()
        for asset in ("BTC", "ETH"):
            balance = em.portfolio.balance(asset)
            assert 0 <= balance.available <= balance.total
    trades = em.trader.trades(symbol)
    kinds = {t.kind for t in trades}
    assert len(trades) > 50
    assert {ot.OrderKind.MARKET, ot.OrderKind.LIMIT, ot.OrderKind.STOP_LOSS} <= kinds
    assert not mode.last_errors or all(
        isinstance(e, ot.OrderBelowMinimumError | ot.InsufficientFundsError)
        for e in mode.last_errors.values()
    )
    # every fund locked belongs to an open order; the funds moved are exactly the trades'
    open_locks: dict[str, Decimal] = {}
    for order in em.trader.open_orders():
        open_locks[order.locked_asset] = open_locks.get(order.locked_asset, D(0)) + order.locked_amount
    for asset in ("BTC", "ETH"):
        assert em.portfolio.locked(asset) == open_locks.get(asset, D(0))
    btc = sum((-t.cost if t.side is ot.OrderSide.BUY else t.cost - t.fee) for t in trades)
    eth = sum((t.amount - t.fee if t.side is ot.OrderSide.BUY else -t.amount) for t in trades)
    assert em.portfolio.total("BTC") == D(1) + btc and em.portfolio.total("ETH") == D(5) + eth
    await mode.stop()
    await em.stop()


async def test_a_nan_evaluation_puts_a_symbol_in_no_state():
    em, mode, _ = await _setup()
    with pytest.raises(ot.TradingModeError, match="NaN"):
        mode.decide_state(BTC, float("nan"))
    await em.stop()


async def test_planning_changes_nothing_and_executing_the_plan_sizes_after_its_cancels():
    """plan_orders reads the account; the base executes: cancels first, then sizes "100a%" on the funds
    the cancel freed (one definition: the same plan live, in paper trading and in backtests)."""
    em, mode, _ = await _setup({"buy_amount": "100a%", "sell_amount": "100a%"}, balances={"USDT": "1000"})
    await mode.set_evaluation(BTC, 0.5)  # LONG: a limit buy locking all the USDT
    await mode.join()
    (buy,) = em.trader.open_orders(BTC)
    assert em.portfolio.available("USDT") < D("0.01")  # all but the rounding of the amount
    before = (em.portfolio.totals(), em.portfolio.available("USDT"), list(em.trader.open_orders(BTC)))
    plan = mode.plan_orders(BTC, ot.TradingModeState.LONG, 0.5)
    plan_again = mode.plan_orders(BTC, ot.TradingModeState.LONG, 0.5)
    assert plan == plan_again and plan.cancel == (buy,) and len(plan.create) == 1
    assert plan.create[0].amount == "100a%" and plan.create[0].price == D("99.5")
    after = (em.portfolio.totals(), em.portfolio.available("USDT"), list(em.trader.open_orders(BTC)))
    assert before == after and buy.is_active  # planning touched nothing
    created = await mode.execute_plan(plan)
    assert buy.status is ot.OrderStatus.CANCELLED
    (replacement,) = created
    assert replacement.amount * replacement.price <= D(1000) and replacement.amount > D("10.0")
    assert not mode.plan_orders(BTC, ot.TradingModeState.NEUTRAL, 0.0)  # empty: the mode does not act
    await em.stop()


async def test_a_plan_refuses_amounts_it_cannot_size_naming_the_mode():
    em, mode, _ = await _setup({"buy_amount": "1"}, balances={"USDT": "1000"})
    orphan = ot.OrderPlan(BTC, create=(ot.OrderRequest("buy", "market", None),))
    with pytest.raises(ot.TradingModeError, match="only a chained order may leave its amount"):
        await mode.execute_plan(orphan)
    texted = ot.OrderRequest("sell", "stop_loss", "50a%", trigger_price=D(90))
    with pytest.raises(ot.TradingModeError, match="sized when its parent fills"):
        await mode.execute_plan(
            ot.OrderPlan(BTC, create=(ot.OrderRequest("buy", "market", "1", chained=(texted,)),))
        )
    assert em.trader.open_orders(BTC) == [] and em.trader.trades(BTC) == []
    await em.stop()


async def _default_rules_manager(balances: dict[str, str], clock: ManualClock) -> ot.ExchangeManager:
    """The permissive rules of a backtest on recorded data: no precision, no limits, 0.1 % fees."""
    markets = ot.Markets({"ETH/BTC": ot.MarketRules.default("ETH/BTC")}, exchange_id="binance")
    em = ot.ExchangeManager(
        "binance",
        markets,
        portfolio={k: Decimal(v) for k, v in balances.items()},
        clock=clock,
        connector=ot.ExchangeSimulator(markets, fee_model=ot.FeeModel(maker=D("0.0005"), taker=D("0.001"))),
    )
    return await em.start()


async def test_chained_legs_are_sized_from_what_the_parent_brought_never_dust(caplog):
    """A maker fill (fee lower than the taker forecast) on unrounded amounts: both legs of the OCO sell
    exactly what the buy brought; none fails on a 1E-28 shortfall and nothing is left behind."""
    clock = ManualClock(T0)
    em = await _default_rules_manager({"BTC": "1"}, clock)
    await em.push_candle("ETH/BTC", "5m", candle(T0, "0.0966145", "0.0967", "0.0965", "0.0966145"))
    clock.now = T0 + 300_000
    config = {"buy_amount": "10a%", "stop_loss_percent": 2, "take_profit_percent": 1}
    mode = ot.DailyTradingMode(em, ["ETH/BTC"], {**config, "limit_offset_percent": 0.1})
    await mode.start()
    with caplog.at_level(logging.WARNING):
        await mode.set_evaluation("ETH/BTC", 0.5)
        await mode.join()
        (entry,) = em.trader.open_orders("ETH/BTC")
        await em.push_candle("ETH/BTC", "5m", candle(clock.now, "0.0966", "0.0966", "0.0960", "0.0962"))
    assert entry.status is ot.OrderStatus.FILLED and not entry.taker
    brought = Context(prec=100).subtract(entry.filled, entry.fees["ETH"])  # exact: no 28-digit rounding
    legs = sorted(em.trader.open_orders("ETH/BTC"), key=lambda o: o.kind.value)
    assert [o.kind for o in legs] == [ot.OrderKind.LIMIT, ot.OrderKind.STOP_LOSS]  # take-profit kept
    assert [o.amount for o in legs] == [brought, brought], (brought, legs)
    assert legs[0].group is legs[1].group
    assert em.portfolio.locked("ETH") == brought == em.portfolio.total("ETH")
    assert "could not be created" not in caplog.text and "not created" not in caplog.text
    # the take-profit sells it all: no dust is left to sell later
    await em.push_candle("ETH/BTC", "5m", candle(clock.now + 300_000, "0.0962", "0.0990", "0.0961", "0.0985"))
    assert em.portfolio.total("ETH") == 0 and em.trader.open_orders("ETH/BTC") == []
    await mode.stop()
    await em.stop()


async def test_a_chained_leg_below_the_market_minimum_is_not_created_and_said_once(caplog):
    em, _, _ = await _setup(balances={"USDT": "1000"})
    # 0.05 BTC at 100 is the 5 USDT minimum; after the 0.1 % fee the legs would be 4.99 USDT
    stop = em.trader.new_order(BTC, "sell", "stop_loss", "0.05", trigger_price="95")
    take = em.trader.new_order(BTC, "sell", "limit", "0.05", price="100.05")
    stop.sized_by_parent = take.sized_by_parent = True
    group = ot.OneCancelsTheOther()
    group.add(stop)
    group.add(take)
    with caplog.at_level(logging.WARNING):
        entry = await em.trader.create_order(BTC, "buy", "market", "0.05", chained=[stop, take])
    assert entry.status is ot.OrderStatus.FILLED
    assert stop.status is take.status is ot.OrderStatus.REJECTED and em.trader.open_orders() == []
    assert stop.amount == take.amount == D("0.04995")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert "2 chained order(s) below the market minimum not created" in warnings[0].getMessage()
    assert em.portfolio.locked("BTC") == 0 and em.portfolio.total("BTC") == D("0.04995")
    await em.stop()


async def test_a_sell_below_the_market_minimum_is_nothing_to_sell_never_a_trade(caplog):
    em, mode, _ = await _setup({"sell_amount": "100a%", "order_type": "market"}, balances={"BTC": "0.00004"})
    with caplog.at_level(logging.INFO):
        await mode.set_evaluation(BTC, -0.9)  # VERY_SHORT: market sell of all the 0.004 USDT of BTC
        await mode.join()
    assert em.trader.trades() == [] and em.trader.open_orders() == []
    assert BTC not in mode.last_errors
    assert "nothing to sell" in caplog.text and "below the minimum" in caplog.text
    assert em.portfolio.total("BTC") == D("0.00004")
    await em.stop()


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"buy_amount": "500%"}, "buy_amount", "more than 100 %"),
        ({"sell_amount": "0"}, "sell_amount", "must be positive"),
        ({"buy_amount": "lots"}, "buy_amount", "cannot read amount"),
        ({"buy_threshold": -0.5}, "buy_threshold", "thresholds must satisfy"),
    ],
)
def test_config_problems_name_the_key_and_the_fix(change, key, words):
    config = {**ot.DailyTradingMode.DEFAULT_CONFIG, **change}
    problems = ot.DailyTradingMode.config_problems(config)
    assert [problem.key for problem in problems] == [key]
    assert words in problems[0].message
    assert "e.g." in problems[0].message or "write 0.1" in problems[0].message


def test_config_problems_of_the_default_config_are_none():
    assert ot.DailyTradingMode.config_problems(dict(ot.DailyTradingMode.DEFAULT_CONFIG)) == []


async def test_check_config_is_what_the_mode_runs_at_start():
    """The same classmethod the profile validation calls refuses the mode at construction."""
    with pytest.raises(ot.TradingModeError, match="DailyTradingMode: buy_amount: amount '0' must be"):
        ot.DailyTradingMode.check_config({"buy_amount": "0"})
    em = await manager()
    with pytest.raises(ot.TradingModeError, match="buy_amount"):
        ot.DailyTradingMode(em, [BTC], {"buy_amount": "0"})
    await em.stop()


async def test_the_blank_mode_reads_evaluations_and_never_trades():
    cls = ot.BlankTradingMode
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    assert cls.REQUIRED_STRATEGIES == () and not cls.ABSTRACT
    sync = oc.Synchronizer()
    em = await manager({"USDT": "1000", "BTC": "1"}, clock=ManualClock(T0), synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, "100", "100", "100", "100"))
    mode = cls(em, [BTC])
    await mode.start()
    for evaluation in (1.0, -1.0, 0.5):
        await mode.set_evaluation(BTC, evaluation)
        await sync.drain()
    assert mode.evaluations[BTC] == 0.5 and mode.states[BTC] is ot.TradingModeState.NEUTRAL
    assert em.trader.open_orders() == [] and em.trader.trades() == []
    await em.stop()


async def test_the_signal_mode_is_the_daily_mode_with_its_own_strategy_and_defaults():
    cls = ot.SignalTradingMode
    assert issubclass(cls, ot.DailyTradingMode) and cls.get_name() == "SignalTradingMode"
    assert cls.REQUIRED_STRATEGIES == ("MoveSignalsStrategyEvaluator",)
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    em = await manager()
    mode = cls(em, [BTC])
    # its thresholds: 0.2 already buys (the daily default waits for 0.3), 0.6 buys at the market
    assert mode.decide_state(BTC, 0.25) is ot.TradingModeState.LONG
    assert mode.decide_state(BTC, 0.6) is ot.TradingModeState.VERY_LONG
    assert ot.DailyTradingMode(em, [BTC]).decide_state(BTC, 0.25) is ot.TradingModeState.NEUTRAL
    await em.stop()


async def test_paused_entries_drop_the_entry_requests_of_a_plan_and_keep_its_cancels_and_exits(caplog):
    """What a pause of the bot relies on: the executed plan loses its buys (and their chained exits),
    the rest of the plan runs; resuming restores entries."""
    em, mode, _ = await _setup({"buy_amount": "1"}, balances={"USDT": "1000", "BTC": "1"})
    resting = await em.trader.create_order(BTC, "buy", "limit", D(1), D(50))
    protected = ot.OrderRequest("buy", "limit", D(1), price=D(90), chained=ot.protections(D(90), 5, None))
    exit_request = ot.OrderRequest("sell", "limit", D("0.5"), price=D(150))
    plan = ot.OrderPlan(BTC, cancel=(resting,), create=(protected, exit_request))
    mode.entries_paused = True
    with caplog.at_level(logging.INFO, logger="octobot_trading.modes.trading_mode"):
        created = await mode.execute_plan(plan)
    assert resting.status is ot.OrderStatus.CANCELLED
    assert [(o.side.value, o.price) for o in created] == [("sell", D(150))]
    assert "entries paused" in caplog.text
    mode.entries_paused = False
    created = await mode.execute_plan(ot.OrderPlan(BTC, create=(protected,)))
    assert [o.side.value for o in created] == ["buy", "sell"]  # the entry and its chained stop
    await em.stop()
