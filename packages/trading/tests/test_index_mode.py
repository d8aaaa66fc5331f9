"""IndexTradingMode: weights from cash, drift rebalanced within the threshold, unindexed coins sold."""

from __future__ import annotations

import jsonschema
import pytest

import octobot_channel as oc
import octobot_trading as ot

from .sim_helpers import H1, T0, D, ManualClock, candle, manager

BTC, ETH = "BTC/USDT", "ETH/USDT"


async def _index(config, balances):
    sync = oc.Synchronizer()
    clock = ManualClock(T0 + H1)
    em = await manager(balances, clock=clock, synchronizer=sync)
    mode = ot.IndexTradingMode(em, [BTC, ETH], config)
    await mode.start()
    return em, mode, clock, sync


async def _hour(em, sync, clock, index: int, btc: str, eth: str) -> None:
    """The candles opened ``index`` hours after T0 close, at the given prices."""
    clock.now = T0 + (index + 1) * H1
    await em.push_candle(BTC, "1h", candle(T0 + index * H1, btc, btc, btc, btc))
    await em.push_candle(ETH, "1h", candle(T0 + index * H1, eth, eth, eth, eth))
    await sync.drain()


def test_index_mode_is_a_tentacle_with_a_valid_default_config_and_refuses_bad_weights():
    cls = ot.IndexTradingMode
    assert not cls.ABSTRACT and cls.REQUIRED_STRATEGIES == ()
    jsonschema.Draft202012Validator.check_schema(cls.CONFIG_SCHEMA)
    jsonschema.validate(cls.DEFAULT_CONFIG, cls.CONFIG_SCHEMA)
    heavy = {
        **cls.DEFAULT_CONFIG,
        "index_content": [{"name": "BTC", "value": 70}, {"name": "ETH", "value": 40}],
    }
    (problem,) = cls.config_problems(heavy)
    assert problem.key == "index_content" and "110" in problem.message
    twice = {
        **cls.DEFAULT_CONFIG,
        "index_content": [{"name": "BTC", "value": 10}, {"name": "BTC", "value": 20}],
    }
    assert [p.key for p in cls.config_problems(twice)] == ["index_content"]


async def test_equal_weights_are_bought_from_cash_then_drift_is_rebalanced_within_the_threshold():
    em, mode, clock, sync = await _index({"rebalance_trigger_min_percent": 5}, {"USDT": "10000"})
    await _hour(em, sync, clock, 0, "100", "10")
    await _hour(em, sync, clock, 1, "100", "10")  # a buy short of quote the first time is finished now
    for symbol in (BTC, ETH):
        assert abs(mode.share(symbol) - D("0.5")) <= D("0.05")
    trades_before = len(em.trader.trades())
    await _hour(em, sync, clock, 2, "101", "10")  # a 1 % move: within the threshold, nothing to do
    assert len(em.trader.trades()) == trades_before
    await _hour(em, sync, clock, 3, "200", "10")  # BTC doubles: about 2/3 of the value, rebalanced
    await _hour(em, sync, clock, 4, "200", "10")
    assert len(em.trader.trades()) > trades_before
    sells = [t for t in em.trader.trades(BTC) if t.side is ot.OrderSide.SELL]
    assert sells, "the overweight coin is sold"
    for symbol in (BTC, ETH):
        assert abs(mode.share(symbol) - D("0.5")) <= D("0.05")
    assert em.portfolio.total("USDT") >= 0 and mode.last_errors == {}
    await em.stop()


async def test_custom_weights_keep_the_rest_in_the_reference_asset_and_sell_unindexed_coins():
    config = {"index_content": [{"name": "BTC", "value": 60}], "rebalance_trigger_min_percent": 2}
    em, mode, clock, sync = await _index(config, {"USDT": "4000", "ETH": "300"})  # ETH worth 3000 at 10
    await _hour(em, sync, clock, 0, "100", "10")
    await _hour(em, sync, clock, 1, "100", "10")
    assert em.portfolio.total("ETH") == 0  # not in the index: sold
    assert abs(mode.share(BTC) - D("0.6")) <= D("0.02")
    total = mode.account_value()
    assert abs(em.portfolio.total("USDT") / total - D("0.4")) <= D("0.02")
    await em.stop()


async def test_index_content_naming_a_coin_without_a_pair_is_refused():
    em = await manager({"USDT": "100"})
    with pytest.raises(ot.TradingModeError, match="names SOL but no pair"):
        ot.IndexTradingMode(em, [BTC, ETH], {"index_content": [{"name": "SOL", "value": 10}]})
    await em.stop()
