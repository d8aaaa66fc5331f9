"""The Telegram and Apprise notifiers on a bot trading real candles, each against a real server on
loopback: the Telegram Bot API (429 retry_after and refusals included), an HTTP endpoint Apprise posts
JSON to, and a Nextcloud Talk chat endpoint (a service with silent messages)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

import octobot
from octobot.notifiers.apprise_notifier import AppriseNotifier, silent_url
from octobot.notifiers.telegram_notifier import TelegramNotifier

from .live_bot import fed_bot
from .telegram_bot_api import Failure, TelegramBotAPI

#: token-shaped like a real one (bot id, colon, 35 characters)
TOKEN = "6123456789:AAFq3xJ8Zk2Lm9Pq7Rt5Vw1Yz4Bc6De8Fg0H"
CANDLES = 240


@pytest.fixture
def candles(btc_hour_candles):
    return btc_hour_candles[:CANDLES]


@pytest.fixture
def profile(default_bot_profile):
    return default_bot_profile


def telegram_user_config(
    home: octobot.UserHome, api: TelegramBotAPI, chats: str = "42,43"
) -> octobot.UserConfig:
    return octobot.load_user_config(
        home,
        environ={
            "OCTOBOT_SERVICE_TELEGRAM_TOKEN": TOKEN,
            "OCTOBOT_SERVICE_TELEGRAM_CHAT_IDS": chats,
            "OCTOBOT_SERVICE_TELEGRAM_API_URL": api.url,
        },
    )


async def test_the_telegram_notifier_messages_every_chat_and_waits_out_rate_limits(
    home, profile, candles, caplog
):
    caplog.set_level(logging.DEBUG)
    async with TelegramBotAPI(TOKEN) as api:
        async with fed_bot(profile, candles, telegram_user_config(home, api)) as fed:
            notifier = TelegramNotifier(fed.bot)
            await notifier.start()
            api.fail_next("sendMessage", Failure(429, "Too Many Requests: retry after 1", retry_after=1))
            await fed.feed(CANDLES)
            await notifier.stop()
            trades = fed.manager.trader.trades()
    assert all(call.token_ok for call in api.calls)
    for chat in (42, 43):
        texts = [(m["text"], m["disable_notification"]) for m in api.sent if m["chat_id"] == chat]
        fills = [text for text, _ in texts if text.startswith(("binance: buy ", "binance: sell "))]
        assert len(fills) == len(trades) > 0
        created = [silent for text, silent in texts if text.startswith("binance: new ")]
        assert created and all(silent in ("true", True) for silent in created)  # silent by default
        assert any("position closed: PnL" in text for text, _ in texts)
    assert len(api.calls_of("sendMessage")) == len(api.sent) + 1  # the rate-limited one came again
    assert TOKEN not in caplog.text


async def test_telegram_refusals_are_logged_once_masked_and_the_bot_goes_on(home, profile, candles, caplog):
    caplog.set_level(logging.DEBUG)
    async with TelegramBotAPI(TOKEN) as api:
        async with fed_bot(profile, candles, telegram_user_config(home, api, chats="42")) as fed:
            notifier = TelegramNotifier(fed.bot)
            await notifier.start()
            refusal = Failure(400, f"Bad Request: chat not found for bot{TOKEN}")
            api.fail_next("sendMessage", refusal, times=1000)
            await fed.feed(CANDLES)
            await notifier.stop()
            assert fed.manager.trader.trades()
    refusals = [r for r in caplog.records if "not sent" in r.getMessage()]
    assert refusals and api.sent == []
    assert TOKEN not in caplog.text and "********" in refusals[0].getMessage()


async def test_a_telegram_notifier_without_a_token_names_the_setting(home, profile, candles):
    async with fed_bot(profile, candles, octobot.load_user_config(home, environ={})) as fed:
        expected = r"OCTOBOT_SERVICE_TELEGRAM_TOKEN or services\.telegram\.token .*@BotFather"
        with pytest.raises(octobot.ConfigError, match=expected):
            await TelegramNotifier(fed.bot).start()


class JsonEndpoint:
    """What Apprise's json:// posts to: records each body; answers ``status``."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.status = 200
        self.received = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        self.bodies.append(json.loads(await request.text()))
        self.received.set()
        return web.json_response({}, status=self.status)

    @classmethod
    @contextlib.asynccontextmanager
    async def serving(cls) -> AsyncIterator[JsonEndpoint]:
        """An endpoint on 127.0.0.1; its ``url`` is the json:// URL Apprise posts to."""
        found = cls()
        app = web.Application()
        app.router.add_post("/notify/{secret}", found.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        found.url = f"json://127.0.0.1:{runner.addresses[0][1]}/notify/{TOKEN.replace(':', '')}"
        try:
            yield found
        finally:
            await runner.cleanup()


@pytest.fixture
async def endpoint():
    async with JsonEndpoint.serving() as found:
        yield found


async def test_the_apprise_notifier_posts_each_notification_with_a_bounded_thread_pool(
    home, profile, candles, endpoint, caplog
):
    caplog.set_level(logging.DEBUG)
    user_config = octobot.load_user_config(home, environ={"OCTOBOT_SERVICE_APPRISE_URLS": endpoint.url})
    threads_before = threading.active_count()
    async with fed_bot(profile, candles, user_config) as fed:
        notifier = AppriseNotifier(fed.bot)
        await notifier.start()
        await fed.feed(CANDLES)
        await notifier.stop()
        trades = fed.manager.trader.trades()
        threads_after = threading.active_count()
    fills = [b for b in endpoint.bodies if b["title"] == "OctoBot: Order filled"]
    assert len(fills) == len(trades) > 0
    assert fills[0]["message"].startswith("binance: buy ") and fills[0]["type"] == "info"
    assert any(b["title"] == "OctoBot: Position closed" for b in endpoint.bodies)
    assert threads_after - threads_before <= 2  # Apprise's pool: one worker, sends one at a time
    # what reaches the log files goes through the masking filter (urllib3 logs the path at DEBUG)
    logged = octobot.mask(caplog.text)
    assert endpoint.url not in logged and TOKEN.replace(":", "") not in logged
    assert not [r for r in caplog.records if r.name == "apprise" and endpoint.url in r.getMessage()]


async def test_apprise_failures_are_logged_once_and_bad_urls_named(home, profile, candles, endpoint, caplog):
    endpoint.status = 500
    user_config = octobot.load_user_config(home, environ={"OCTOBOT_SERVICE_APPRISE_URLS": endpoint.url})
    async with fed_bot(profile, candles, user_config) as fed:
        notifier = AppriseNotifier(fed.bot)
        await notifier.start()
        await fed.feed(CANDLES)
        await notifier.stop()
        assert fed.manager.trader.trades() and len(endpoint.bodies) > 3
    assert len([r for r in caplog.records if "could not send a notification" in r.getMessage()]) == 1
    for environ, message in (
        ({}, r"services\.apprise\.urls"),
        ({"OCTOBOT_SERVICE_APPRISE_URLS": "nosuchservice://x"}, "URL number 1 is not one Apprise knows"),
    ):
        async with fed_bot(profile, candles, octobot.load_user_config(home, environ=environ)) as fed:
            with pytest.raises(octobot.ConfigError, match=message):
                await AppriseNotifier(fed.bot).start()


class TalkEndpoint:
    """A Nextcloud Talk server's chat endpoint, as Apprise's nctalk:// posts to it: records each payload."""

    def __init__(self) -> None:
        self.payloads: list[dict] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.payloads.append(json.loads(await request.text()))
        return web.json_response({}, status=201)


async def test_silent_notifications_go_without_sound_where_the_service_allows_it(home, profile, candles):
    talk = TalkEndpoint()
    app = web.Application()
    app.router.add_post("/ocs/v2.php/apps/spreed/api/v1/chat/{room}", talk.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"nctalk://bot:secret-pass@127.0.0.1:{runner.addresses[0][1]}/room42"
    try:
        user_config = octobot.load_user_config(home, environ={"OCTOBOT_SERVICE_APPRISE_URLS": url})
        async with fed_bot(profile, candles, user_config) as fed:
            notifier = AppriseNotifier(fed.bot)
            await notifier.start()
            await fed.feed(CANDLES)
            await notifier.stop()
            assert fed.manager.trader.trades()
    finally:
        await runner.cleanup()
    # order created is silent by default, order filled is on (octobot.notifications' defaults)
    created = [p for p in talk.payloads if p["message"].startswith("OctoBot: Order created")]
    filled = [p for p in talk.payloads if p["message"].startswith("OctoBot: Order filled")]
    assert created and filled
    assert all(p.get("silent") is True for p in created)
    assert not any("silent" in p for p in filled)


def test_only_services_with_a_silent_option_get_one():
    assert silent_url("tgram://123456:abcdef/12345") == "tgram://123456:abcdef/12345?silent=yes"
    assert (
        silent_url("nctalk://u:p@host/room?format=text&silent=no")
        == "nctalk://u:p@host/room?format=text&silent=yes"
    )
    assert silent_url("json://127.0.0.1:8080/notify") is None and silent_url("discord://a/b") is None
