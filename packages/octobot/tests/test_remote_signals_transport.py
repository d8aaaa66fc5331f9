"""Order signals between two bots over real HTTP on 127.0.0.1: the leader's OrderSignalsNotifier POSTs each
signal to the follower's RemoteSignalsFeed, whose RemoteSignalsTradingMode copies the order."""

from __future__ import annotations

import logging
import time
from decimal import Decimal

import aiohttp
import pytest

import octobot
import octobot_evaluators as oe
import octobot_trading as ot
from octobot.bot import OctoBot
from octobot.services.remote_signals_feed import RemoteSignalsFeed

from .helpers import write_profile
from .loopback_http import wait_until

TOKEN = "rs_4Hq8Tn2Lw6Yc1Vb9Xk3Pz7Dm5Gf0Js"
HOUR_MS = 3_600_000
BTC = "BTC/USDT"


def _profile(name: str, mode: str, interfaces: list[str]) -> dict:
    return {
        "name": name,
        "exchanges": ["binance"],
        "pairs": [BTC],
        "time_frames": ["1h"],
        "trading_mode": mode,
        "strategies": [],
        "evaluators": [],
        "interfaces": interfaces,
        "simulator": {"enabled": True, "starting_portfolio": {"USDT": 1000}},
    }


def _load(home: octobot.UserHome, name: str) -> octobot.Profile:
    return octobot.load_profile(name, octobot.TentacleRegistry.discover(home.tentacles), home)


async def _priced(bot: OctoBot) -> ot.ExchangeManager:
    manager = bot.exchange_managers["binance"]
    now = int(time.time() * 1000) // HOUR_MS * HOUR_MS
    await manager.push_candle(BTC, "1h", [now - HOUR_MS, 100.0, 101.0, 99.0, 100.0, 5.0])
    return manager


def test_the_remote_signals_mode_brings_its_feed_in(home):
    write_profile(home, _profile("follower", "RemoteSignalsTradingMode", []), name="follower")
    profile = _load(home, "follower")
    assert profile.feeds == ["RemoteSignalsFeed"]
    assert profile.tentacle_config("RemoteSignalsFeed")["path"] == "/signals"


async def test_a_leaders_orders_reach_a_follower_bot_over_http(home, monkeypatch, caplog, tmp_path):
    caplog.set_level(logging.INFO)
    monkeypatch.setenv("OCTOBOT_SERVICE_SIGNALS_TOKEN", TOKEN)
    write_profile(
        home,
        _profile("follower", "RemoteSignalsTradingMode", []),
        name="follower",
        RemoteSignalsFeed={"port": 0},
        RemoteSignalsTradingMode={"emitter": "leader"},
    )
    user_config = octobot.load_user_config(home)
    async with OctoBot(_load(home, "follower"), user_config=user_config, bot_id="follower") as follower:
        follower_manager = await _priced(follower)
        url = f"http://127.0.0.1:{follower.feeds['RemoteSignalsFeed'].port}/signals"
        write_profile(
            home,
            _profile("leader", "BlankTradingMode", ["OrderSignalsNotifier"]),
            name="leader",
            OrderSignalsNotifier={"url": url, "emitter": "leader", "path": str(tmp_path / "signals.jsonl")},
        )
        async with OctoBot(_load(home, "leader"), user_config=user_config, bot_id="leader") as leader:
            leader_manager = await _priced(leader)
            order = await leader_manager.trader.create_order(
                BTC, "buy", "limit", Decimal(2), price=Decimal(95)
            )
            # no sleep: the follower's copy exists once the one POST of the signal was handled
            await wait_until(lambda: len(follower_manager.trader.open_orders(BTC)) == 1)
            (copy,) = follower_manager.trader.open_orders(BTC)
            # the same order, the same share of the portfolio: 2 x 95 of 1000 USDT
            assert (copy.side, copy.kind, copy.price, copy.amount) == (
                ot.OrderSide.BUY,
                ot.OrderKind.LIMIT,
                Decimal(95),
                Decimal(2),
            )
            await leader_manager.trader.cancel_order(order)
            await wait_until(lambda: follower_manager.trader.open_orders(BTC) == [])
            assert copy.status is ot.OrderStatus.CANCELLED
            (notifier,) = leader.interfaces.values()
            assert (notifier.delivered, notifier.undelivered) == (2, 0)
        assert follower.feeds["RemoteSignalsFeed"].status().signals == 2
    # the file keeps the signals too
    assert len((tmp_path / "signals.jsonl").read_text().splitlines()) == 2
    assert TOKEN not in caplog.text


async def test_a_wrong_secret_is_refused_and_the_leader_says_so_without_the_secret(home, monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    monkeypatch.setenv("OCTOBOT_SERVICE_SIGNALS_TOKEN", TOKEN)
    write_profile(
        home,
        _profile("follower", "RemoteSignalsTradingMode", []),
        name="follower",
        RemoteSignalsFeed={"port": 0},
    )
    async with OctoBot(_load(home, "follower"), user_config=octobot.load_user_config(home)) as follower:
        follower_manager = await _priced(follower)
        url = f"http://127.0.0.1:{follower.feeds['RemoteSignalsFeed'].port}/signals"
        monkeypatch.setenv("OCTOBOT_SERVICE_SIGNALS_TOKEN", TOKEN[:-1] + "X")  # the leader's secret
        write_profile(
            home,
            _profile("leader", "BlankTradingMode", ["OrderSignalsNotifier"]),
            name="leader",
            OrderSignalsNotifier={"url": url, "path": str(home.root / "signals.jsonl")},
        )
        async with OctoBot(_load(home, "leader"), user_config=octobot.load_user_config(home)) as leader:
            leader_manager = await _priced(leader)
            await leader_manager.trader.create_order(BTC, "buy", "limit", Decimal(1), price=Decimal(90))
            (notifier,) = leader.interfaces.values()
            await wait_until(lambda: notifier.undelivered == 1)
        assert follower_manager.trader.open_orders(BTC) == []
        assert follower.feeds["RemoteSignalsFeed"].status().signals == 0
    (warning,) = [r.getMessage() for r in caplog.records if "not delivered" in r.getMessage()]
    assert "signal create" in warning and f"not delivered to {url}: HTTP 404" in warning
    assert TOKEN[:-1] not in caplog.text


async def test_a_body_that_is_not_an_order_signal_gets_400_naming_the_problem(home, monkeypatch):
    monkeypatch.setenv("OCTOBOT_SERVICE_SIGNALS_TOKEN", TOKEN)
    services = octobot.Services(user_config=octobot.load_user_config(home))
    matrix = oe.EvaluationMatrix("remote-signals-400")
    await matrix.start()
    feed = RemoteSignalsFeed(matrix.matrix_id, {"port": 0}, services.get("signals"))
    await feed.start()
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{feed.port}/signals/{TOKEN}"
            async with session.post(url, data="SYMBOL=BTCUSDT;SIGNAL=buy") as response:
                assert response.status == 400
                assert "not an order signal: an order signal must be one JSON object" in await response.text()
    finally:
        await feed.stop()
        await matrix.stop()
    assert feed.status().signals == 0


async def test_a_leader_posting_without_the_shared_secret_does_not_start_and_says_where_to_set_it(
    home, monkeypatch
):
    monkeypatch.delenv("OCTOBOT_SERVICE_SIGNALS_TOKEN", raising=False)
    write_profile(
        home,
        _profile("leader", "BlankTradingMode", ["OrderSignalsNotifier"]),
        name="leader",
        OrderSignalsNotifier={"url": "http://127.0.0.1:9/signals"},
    )
    bot = OctoBot(_load(home, "leader"), user_config=octobot.load_user_config(home), bot_id="leader")
    with pytest.raises(octobot.BotError) as failure:
        await bot.start()
    assert "service 'signals' lacks its token (set OCTOBOT_SERVICE_SIGNALS_TOKEN" in str(failure.value)
