"""Trading modes: the amount syntax, the base's producer/consumer, DailyTradingMode's decisions."""

from __future__ import annotations

import logging
from decimal import Decimal

import jsonschema
import numpy as np
import pytest
from sim_helpers import H1, T0, D, ManualClock, candle, manager

import octobot_channel as oc
import octobot_trading as ot

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
    from sim_helpers import read_csv_candles, shared_csv

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


async def test_first_action_finds_the_evaluation_the_mode_acts_on_and_commit_takes_the_rest():
    """Candle runs: the mode judges a run of evaluations ahead without changing anything."""
    em, mode, _ = await _setup({"buy_amount": "0.1", "order_type": "market"})
    nan = float("nan")
    # neutral states are taken without a decision (DailyTradingMode creates nothing on them)
    assert mode.first_action(BTC, [nan, 0.1, -0.2, 0.0, 0.6, 0.7]) == 4
    assert mode.states == {} and mode.evaluations == {}
    mode.commit_run(BTC, [nan, 0.1, -0.2, 0.0])
    assert mode.states[BTC] is ot.TradingModeState.NEUTRAL and mode.evaluations[BTC] == 0.0
    assert mode.first_action(BTC, [0.1, 0.2]) == 2  # nothing to act on
    assert mode.first_action(BTC, [0.1, 1.5]) == 1  # out of range: delivered, so it is reported
    await mode.set_evaluation(BTC, 0.6)
    await mode.join()
    assert len(em.trader.trades(BTC)) == 1
    assert mode.first_action(BTC, [0.7, 0.55, -0.9]) == 2  # the same LONG state does nothing
    await em.stop()


async def test_a_mode_acting_on_every_evaluation_cannot_take_runs():
    em, mode, _ = await _setup({"act_on_state_change_only": False})
    assert mode.supports_candle_runs is False and mode.first_action(BTC, [0.0, 0.1]) == 0
    await em.stop()


async def test_daily_trading_mode_states_are_zones_of_the_evaluation():
    em, mode, _ = await _setup({"buy_threshold": 0.3, "strong_buy_threshold": 0.8, "sell_threshold": -0.3})
    S = ot.TradingModeState

    def documented(v: float) -> ot.TradingModeState:  # the config's words, independently of the zones
        if v >= 0.8:
            return S.VERY_LONG
        if v >= 0.3:
            return S.LONG
        if v <= -0.8:
            return S.VERY_SHORT
        return S.SHORT if v <= -0.3 else S.NEUTRAL

    values = [-1.0, -0.8, -0.7999, -0.3, -0.2999, 0.0, 0.2999, 0.3, 0.5, 0.8, 0.81, 1.0]
    values += np.random.default_rng(3).uniform(-1, 1, 300).tolist()
    assert [mode.decide_state(BTC, v) for v in values] == [documented(v) for v in values]
    states = list(S)
    codes = mode.state_codes(BTC, np.array(values))
    assert [states[code] for code in codes.tolist()] == [documented(v) for v in values]
    await em.stop()


def _walk_oracle(zones: ot.StateZones, values: list[float], start: int, state) -> tuple[int, object]:
    for index in range(start, len(values)):
        value = values[index]
        if value != value:
            continue
        if not -1.0 <= value <= 1.0:
            return index, "outside"
        if zones.state_of(value) is not state:
            return index, zones.state_of(value)
    return len(values), state


@pytest.mark.parametrize("seed", range(6))
def test_state_zones_walk_to_the_first_change_of_state(seed):
    """The walk candle runs use (compiled in the compiled build) against a plain loop."""
    S = ot.TradingModeState
    rng = np.random.default_rng(seed)
    edges = sorted(rng.choice([-0.8, -0.5, -0.5, 0.0, 0.2, 0.2, 0.7], size=4, replace=False).tolist())
    upward = tuple(bool(flag) for flag in rng.integers(0, 2, size=4))
    zones = ot.StateZones(tuple(edges), upward, (S.VERY_SHORT, S.SHORT, S.NEUTRAL, S.LONG, S.VERY_LONG))
    values = rng.choice([*edges, -1.0, 1.0, float("nan"), 1.5, -1.01], size=400).tolist()
    values += rng.uniform(-1, 1, 400).tolist()
    array = np.array(values)
    states = list(S)
    for start in (0, 1, 57, 399, 799, 800):
        for state in (None, *S):
            code = -1 if state is None else states.index(state)
            index, found = zones.next_change(array, start, code)
            expected_index, expected = _walk_oracle(zones, values, start, state)
            assert index == expected_index
            if expected == "outside":
                assert found == -1
            elif index < len(values):
                assert states[found] is expected
            else:
                assert found == code


def test_state_zones_refuse_a_bad_shape():
    S = ot.TradingModeState
    with pytest.raises(ot.TradingModeError, match="sorted"):
        ot.StateZones((0.5, 0.1), (False, True), (S.SHORT, S.NEUTRAL, S.LONG))
    with pytest.raises(ot.TradingModeError, match="one state more"):
        ot.StateZones((0.1,), (False,), (S.SHORT,))
    with pytest.raises(ot.TradingModeError, match="NaN"):
        ot.StateZones((0.1,), (False,), (S.SHORT, S.LONG)).state_of(float("nan"))


async def test_first_action_walking_zones_agrees_with_judging_each_evaluation():
    """A mode without zones (decide_state on each evaluation) and the Daily mode's zone walk find the same
    first action and leave the same state, whatever the state they start from and what acts."""

    class NoZones(ot.DailyTradingMode):
        def state_zones(self, symbol):  # the base's generic path (it still decides with the zones)
            return None if self.generic else super().state_zones(symbol)

    rng = np.random.default_rng(11)
    for balances in ({"USDT": "10000", "BTC": "1"}, {"USDT": "10000", "BTC": "0"}):
        em = await manager(balances, clock=ManualClock(T0))
        await em.push_candle(BTC, "1h", candle(T0, "100", "101", "99", "100"))
        mode = NoZones(em, [BTC], {"buy_amount": "10a%", "sell_amount": "100a%", "order_type": "market"})
        for _ in range(60):
            values = rng.uniform(-1, 1, int(rng.integers(1, 120))) * rng.choice([0.35, 1.0])
            values[rng.random(len(values)) < 0.1] = np.nan
            if rng.random() < 0.2:
                values[int(rng.integers(0, len(values)))] = rng.choice([1.3, -2.0])
            mode.states[BTC] = rng.choice([None, *ot.TradingModeState])
            if mode.states[BTC] is None:
                del mode.states[BTC]
            mode.generic = True
            expected = mode.first_action(BTC, values)
            mode.generic = False
            assert mode.first_action(BTC, values) == expected
            before = dict(mode.states)
            mode.commit_run(BTC, values[:expected])
            walked = dict(mode.states)
            mode.states = before
            mode.generic = True
            mode.commit_run(BTC, values[:expected])
            assert mode.states == walked
        await em.stop()


async def test_a_sell_decision_with_nothing_to_sell_is_not_an_action():
    """Candle runs skip decisions that would create and cancel nothing with the account as it is."""
    em, mode, _ = await _setup({"sell_amount": "100a%", "buy_amount": "10a%"}, balances={"USDT": "1000"})
    assert mode.acts_on(BTC, ot.TradingModeState.SHORT) is False  # no BTC
    assert mode.acts_on(BTC, ot.TradingModeState.NEUTRAL) is False
    assert mode.acts_on(BTC, ot.TradingModeState.LONG) is True
    assert mode.first_action(BTC, [-0.6, 0.0, -0.7, 0.6]) == 3
    empty, mode2, _ = await _setup({"buy_amount": "10a%"}, balances={"USDT": "0", "BTC": "0"})
    assert mode2.acts_on(BTC, ot.TradingModeState.LONG) is False
    fixed, mode3, _ = await _setup({"buy_amount": "0.1"}, balances={"USDT": "0"})
    assert mode3.acts_on(BTC, ot.TradingModeState.LONG) is True  # a fixed amount: the trader decides
    for each in (em, empty, fixed):
        await each.stop()
