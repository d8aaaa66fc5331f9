"""TradingView alerts: parsing that names the key at fault, and the orders each alert creates."""

from __future__ import annotations

import jsonschema
import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager

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
        take_profit_price=D(120),
    )


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
        ("SYMBOL=BTCUSDT;SIGNAL=buy;TAKE_PROFIT_PRICE_2=5", "several take-profits are not supported yet"),
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
