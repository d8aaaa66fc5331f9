"""The webhook: a real HTTP client on 127.0.0.1 posting TradingView alerts to a running bot."""

from __future__ import annotations

import logging
import time
from decimal import Decimal

import aiohttp
import pytest

import octobot
import octobot_evaluators as oe
from octobot.bot import OctoBot
from octobot.services.webhook_feed import WebhookFeed, alert_signal

from .helpers import write_profile
from .loopback_http import wait_until

TOKEN = "wh_9fK2mQ7xL4pR8sT1vW3yZ6aB0cD5eG"
HOUR_MS = 3_600_000


def alert_profile() -> dict:
    return {
        "name": "alerts",
        "exchanges": ["binance"],
        "pairs": ["BTC/USDT"],
        "time_frames": ["1h"],
        "trading_mode": "TradingViewSignalsTradingMode",
        "strategies": [],
        "evaluators": [],
        "simulator": {"enabled": True, "starting_portfolio": {"USDT": 1000}},
    }


def _load(home, **webhook_config) -> octobot.Profile:
    write_profile(home, alert_profile(), name="alerts", WebhookFeed={"port": 0, **webhook_config})
    return octobot.load_profile("alerts", octobot.TentacleRegistry.discover(home.tentacles), home)


def test_an_alert_body_becomes_a_signal_with_its_text():
    signal = alert_signal(b"SYMBOL=BTCUSDT;SIGNAL=buy\n", "1.2.3.4", 7)
    assert signal == oe.Signal("1.2.3.4", {"text": "SYMBOL=BTCUSDT;SIGNAL=buy"}, 7, None)
    json_signal = alert_signal(b'{"symbol": "ETH/USDT", "side": "sell"}', "x", 1)
    assert json_signal.symbol == "ETH/USDT" and json_signal.payload["side"] == "sell"
    with pytest.raises(ValueError, match="the body is empty"):
        alert_signal(b"  ", "x", 0)


def test_the_tradingview_mode_brings_the_webhook_in(home):
    profile = _load(home)
    assert profile.feeds == ["WebhookFeed"]
    assert profile.tentacle_config("WebhookFeed")["max_body_bytes"] == 16384


async def test_alerts_posted_on_the_loopback_become_orders_of_a_paper_bot(home, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("OCTOBOT_SERVICE_WEBHOOK_TOKEN", TOKEN)
    profile = _load(home, max_body_bytes=256)
    async with OctoBot(profile, user_config=octobot.load_user_config(home)) as bot:
        manager = bot.exchange_managers["binance"]
        now = int(time.time() * 1000) // HOUR_MS * HOUR_MS
        await manager.push_candle("BTC/USDT", "1h", [now - HOUR_MS, 100.0, 101.0, 99.0, 100.0, 5.0])
        base = f"http://127.0.0.1:{bot.feeds['WebhookFeed'].port}/webhook"
        async with aiohttp.ClientSession() as session:

            async def post(url: str, body: str) -> tuple[int, str]:
                async with session.post(url, data=body, headers={"Content-Type": "text/plain"}) as response:
                    return response.status, await response.text()

            limit = "SYMBOL=BTCUSDT;SIGNAL=buy;ORDER_TYPE=limit;PRICE=90;VOLUME=0.5"
            assert (await post(f"{base}/{TOKEN}", limit))[0] == 200
            await wait_until(lambda: len(manager.trader.open_orders("BTC/USDT")) == 1)
            (order,) = manager.trader.open_orders("BTC/USDT")
            assert order.price == Decimal(90) and order.amount == Decimal("0.5")

            assert (await post(f"{base}/{TOKEN}", "SYMBOL=BTCUSDT;SIGNAL=buy;VOLUME=0.1"))[0] == 200
            await wait_until(lambda: manager.portfolio.total("BTC") > 0)  # a market buy filled (less its fee)

            wrong_status, wrong_body = await post(f"{base}/{TOKEN[:-1]}X", limit)
            unknown_status, unknown_body = await post(f"{base}/nothing/here", limit)
            assert (
                wrong_status == unknown_status == 404 and wrong_body == unknown_body
            )  # nothing to tell them apart
            assert (await post(f"{base}/{TOKEN}", "SYMBOL=BTCUSDT;SIGNAL=buy;TAG=" + "x" * 300))[0] == 413
            assert (await post(f"{base}/{TOKEN}", ""))[0] == 400
            # a malformed alert is accepted by the transport, refused by the mode, and stops nothing
            assert (await post(f"{base}/{TOKEN}", "SYMBOL=BTCUSDT;SIGNAL=hold"))[0] == 200
            await wait_until(lambda: any("refused" in r.getMessage() for r in caplog.records))
            assert bot.running and len(manager.trader.open_orders("BTC/USDT")) == 1
        assert bot.feeds["WebhookFeed"].status().signals == 3
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert "SIGNAL must be one of buy, sell, cancel" in refused[0]
    assert TOKEN not in caplog.text


async def test_a_caller_outside_the_allow_list_gets_403(home, monkeypatch):
    monkeypatch.setenv("OCTOBOT_SERVICE_WEBHOOK_TOKEN", TOKEN)
    matrix = oe.EvaluationMatrix("webhook-allow-list")
    await matrix.start()
    services = octobot.Services(user_config=octobot.load_user_config(home))
    feed = WebhookFeed(matrix.matrix_id, {"port": 0, "allowed_ips": ["10.0.0.0/8"]}, services.get("webhook"))
    await feed.start()
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{feed.port}/webhook/{TOKEN}"
            async with session.post(url, data="SYMBOL=BTCUSDT;SIGNAL=buy") as response:
                assert response.status == 403
                assert TOKEN not in await response.text()
    finally:
        await feed.stop()
        await matrix.stop()
    assert feed.status().signals == 0


def test_a_bad_allow_list_entry_is_named(home, monkeypatch):
    monkeypatch.setenv("OCTOBOT_SERVICE_WEBHOOK_TOKEN", TOKEN)
    service = octobot.Services(user_config=octobot.load_user_config(home)).get("webhook")
    with pytest.raises(octobot.ServiceConfigError, match=r"allowed_ips\[1\] '10.0.0.300' is not an IP"):
        WebhookFeed("scope", {"allowed_ips": ["127.0.0.1", "10.0.0.300"]}, service)
