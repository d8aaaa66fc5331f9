"""TradingView alerts: parsing that names the key at fault, and the orders each alert creates."""

from __future__ import annotations

import jsonschema
import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager, persistent_manager

BTC = "BTC/USDT"


def test_an_alert_is_parsed_from_lines_or_semicolons_case_insensitively():
    text = "symbol=BTCUSDT\nSIGNAL=Buy; ORDER_TYPE=limit;PRICE=99.5\n"
    text += "VOLUME=50q;STOP_PRICE=90;TAKE_PROFIT_PRICE=120"
    signal = ot.parse_signal(text)
    assert signal == ot.TradingViewSignal(
        symbol="BTCUSDT",
        signal="buy",
        order_type="limit",
        price=D("99.5"),
        volume="50q",
        stop_price=D(90),
        take_profit_prices=(D(120),),
    )
    assert signal.take_profit_price == D(120)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("SIGNAL=buy", "SYMBOL is missing"),
        ("SYMBOL=BTCUSDT;SIGNAL=hold", "SIGNAL must be one of buy, sell, cancel"),
        ("SYMBOL=BTCUSDT;SIGNAL=buy;ORDER_TYPE=limit", "ORDER_TYPE=limit needs PRICE"),
        ("SYMBOL=BTCUSDT;SIGNAL=sell;ORDER_TYPE=stop", "ORDER_TYPE=stop needs STOP_PRICE"),
        ("SYMBOL=BTCUSDT;SIGNAL=buy;PRICE=abc", "PRICE must be a number"),
        ("SYMBOL=BTCUSDT;SIGNAL=buy;PRICE=-3", "PRICE must be a positive number"),
        ("SYMBOL=BTCUSDT;SIGNAL=buy;VOLUME=lots", "VOLUME:"),
        ("SYMBOL=BTCUSDT;SIGNAL=buy;LEVERAGE=3", "unknown signal key 'LEVERAGE'"),
        ("SYMBOL=BTCUSDT;SIGNAL=buy;SIGNAL=sell", "SIGNAL is given twice"),
        (
            "SYMBOL=BTCUSDT;SIGNAL=buy;STOP_PRICE=90;TAKE_PROFIT_PRICE=110;TAKE_PROFIT_PRICE_2=120",
            "TAKE_PROFIT_PRICE_2: several take-profits with a STOP_PRICE are not supported yet",
        ),
        ("SYMBOL=BTCUSDT;SIGNAL=buy;TAKE_PROFIT_PRICE_0=5", "unknown signal key 'TAKE_PROFIT_PRICE_0'"),
        ("SYMBOL=BTCUSDT;buy", "is not KEY=value"),
    ],
)
def test_a_broken_alert_names_the_key_and_the_fix(text, words):
    with pytest.raises(ot.SignalError, match=words.replace("(", r"\(")):
        ot.parse_signal(text)


async def _mode(config=None):
    sync = oc.Synchronizer()
    clock = ManualClock(T0)
    em = await manager({"USDT": "1000", "BTC": "1"}, clock=clock, synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, "100", "100", "100", "100"))
    clock.now = T0 + H1
    mode = ot.TradingViewSignalsTradingMode(em, [BTC], config)
    await mode.start()
    return em, mode, sync


def test_the_mode_is_a_tentacle_with_a_valid_default_config():
    cls = ot.TradingViewSignalsTradingMode
    assert not cls.ABSTRACT and cls.REQUIRED_STRATEGIES == ()
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    assert cls.config_problems(dict(cls.DEFAULT_CONFIG)) == []
    assert [p.key for p in cls.config_problems({**cls.DEFAULT_CONFIG, "buy_volume": "0"})] == ["buy_volume"]


async def test_a_market_buy_with_stop_loss_and_take_profit_then_a_cancel_by_tag():
    em, mode, _ = await _mode()
    assert await mode.on_signal(
        "SYMBOL=BTCUSDT;SIGNAL=buy;VOLUME=50q;STOP_PRICE=90;TAKE_PROFIT_PRICE=120;TAG=tv1"
    )
    (buy,) = em.trader.trades(BTC)
    assert buy.side is ot.OrderSide.BUY and buy.amount == D("0.5")
    stop, take = sorted(em.trader.open_orders(BTC), key=lambda o: o.kind.value, reverse=True)
    assert stop.kind is ot.OrderKind.STOP_LOSS and stop.trigger_price == D(90)
    assert take.kind is ot.OrderKind.LIMIT and take.price == D(120) and stop.group is take.group
    assert {o.tag for o in (stop, take)} == {"tv1"}
    assert await mode.on_signal("SYMBOL=BTC/USDT;SIGNAL=cancel;TAG=other")  # another tag: nothing
    assert len(em.trader.open_orders(BTC)) == 2
    assert await mode.on_signal("SYMBOL=BTC/USDT;SIGNAL=cancel;TAG=tv1")
    assert em.trader.open_orders(BTC) == []
    await em.stop()


async def test_limit_and_stop_sells_use_the_default_volume_and_reduce_only_buys_do_nothing():
    em, mode, _ = await _mode({"sell_volume": "0.25"})
    await mode.on_signal("SYMBOL=BTCUSDT;SIGNAL=sell;ORDER_TYPE=limit;PRICE=105")
    await mode.on_signal("SYMBOL=BTCUSDT;SIGNAL=sell;ORDER_TYPE=stop;STOP_PRICE=95")
    orders = sorted((o.kind.value, o.price, o.trigger_price, o.amount) for o in em.trader.open_orders(BTC))
    assert orders == [("limit", D(105), None, D("0.25")), ("stop_loss", None, D(95), D("0.25"))]
    await mode.on_signal("SYMBOL=BTCUSDT;SIGNAL=buy;REDUCE_ONLY=true")
    assert em.trader.trades(BTC) == []
    await em.stop()


async def test_alerts_for_another_exchange_are_ignored_and_an_unknown_pair_is_refused():
    em, mode, _ = await _mode()
    assert await mode.on_signal("EXCHANGE=kraken;SYMBOL=BTCUSDT;SIGNAL=buy") is False
    assert em.trader.trades() == []
    with pytest.raises(ot.SignalError, match="SYMBOL=ETHUSDT is not a pair of this mode"):
        await mode.on_signal("SYMBOL=ETHUSDT;SIGNAL=buy")
    await em.stop()


def test_numbered_take_profits_are_read_in_their_order():
    signal = ot.parse_signal(
        "SYMBOL=BTCUSDT;SIGNAL=buy;TAKE_PROFIT_PRICE_2=130;TAKE_PROFIT_PRICE=110;TAKE_PROFIT_PRICE_1=120"
    )
    assert signal.take_profit_prices == (D(110), D(120), D(130))


async def test_several_take_profits_each_sell_an_equal_part_of_what_the_buy_brought():
    em, mode, _ = await _mode()
    assert await mode.on_signal(
        "SYMBOL=BTCUSDT;SIGNAL=buy;VOLUME=50q;TAKE_PROFIT_PRICE=110;TAKE_PROFIT_PRICE_2=120;TAKE_PROFIT_PRICE_3=130"
    )
    (buy,) = [o for o in em.trader.closed_orders(BTC) if o.side is ot.OrderSide.BUY]
    brought = buy.filled - buy.fees["BTC"]
    assert brought == D("0.4995")  # 0.5 BTC less 0.1 %
    sells = sorted(em.trader.open_orders(BTC), key=lambda o: o.price)
    assert [(o.kind, o.price) for o in sells] == [(ot.OrderKind.LIMIT, D(p)) for p in (110, 120, 130)]
    assert [o.amount for o in sells] == [D("0.1665")] * 3  # a third each
    assert all(o.group is None for o in sells)  # independent: each fills on its own
    await em.stop()


async def test_the_split_of_take_profits_survives_a_restart_from_the_state_store(tmp_path):
    path = tmp_path / "tv.sqlite"
    sync = oc.Synchronizer()
    em = await persistent_manager(path, {"USDT": "1000"}, clock=ManualClock(T0 + H1), synchronizer=sync)
    await em.push_candle(BTC, "1h", candle(T0, "100", "100", "100", "100"))
    mode = ot.TradingViewSignalsTradingMode(em, [BTC])
    await mode.start()
    await mode.on_signal(
        "SYMBOL=BTCUSDT;SIGNAL=buy;ORDER_TYPE=limit;PRICE=99;VOLUME=0.4;TAKE_PROFIT_PRICE_1=110;TAKE_PROFIT_PRICE_2=120"
    )
    await sync.drain()
    await mode.stop()
    await em.stop()
    sync2 = oc.Synchronizer()
    em2 = await persistent_manager(path, {"USDT": "1"}, clock=ManualClock(T0 + 2 * H1), synchronizer=sync2)
    await em2.push_candle(BTC, "1h", candle(T0 + H1, "100", "100", "98", "99"))
    await sync2.drain()
    sells = sorted(em2.trader.open_orders(BTC), key=lambda o: o.price)
    assert [(o.price, o.amount) for o in sells] == [(D(110), D("0.1998")), (D(120), D("0.1998"))]
    await em2.stop()
