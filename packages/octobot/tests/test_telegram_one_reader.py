"""One bot running the Telegram interface, the Telegram notifier and the Telegram channel feed on one token:
one getUpdates reader (the bot's ``telegram`` service) serves them all, as the Bot API requires (a second
reader would end the first in 409 Conflict: the loopback server does so too and counts it)."""

from __future__ import annotations

import logging
import threading

import pytest

import octobot
import octobot_evaluators as oe
from octobot.bot import OctoBot
from octobot.services.telegram_service import TelegramService

from .helpers import write_profile
from .loopback_http import wait_until
from .telegram_bot_api import Failure, TelegramBotAPI
from .test_telegram_channel_feed import FAST_READER

pytest.importorskip("aiogram")

TOKEN = "6987654321:AAEw3Rt5Yu7Io9Pa1Sd3Fg5Hj7Kl9Zx1Cv"
CHAT, CHANNEL = 4242, -1005556667778


def _profile(home: octobot.UserHome, url: str) -> octobot.Profile:
    content = {
        "name": "all-telegram",
        "exchanges": ["binance"],
        "pairs": ["BTC/USDT", "ETH/USDT"],
        "time_frames": ["1h"],
        "trading_mode": "DailyTradingMode",
        "strategies": ["SimpleStrategyEvaluator"],
        "evaluators": ["TelegramSignalsEvaluator"],
        "interfaces": ["TelegramInterface", "TelegramNotifier"],
        "services": {"telegram": {"api_url": url, **FAST_READER}},
        "simulator": {"enabled": True, "starting_portfolio": {"USDT": 1000}},
    }
    write_profile(
        home,
        content,
        name="all-telegram",
        TelegramChannelFeed={"chats": [CHANNEL]},
        TelegramNotifier={"notifications": {"error": "on"}},
    )
    return octobot.load_profile("all-telegram", octobot.TentacleRegistry.discover(home.tentacles), home)


def _evaluation(bot: OctoBot, symbol: str) -> float | None:
    assert bot.matrix is not None
    evaluator = "TelegramSignalsEvaluator"
    key = oe.MatrixKey("binance", oe.EvaluatorType.SOCIAL, evaluator, symbol[:3], symbol, None)
    return bot.matrix.get_value(key)


def _is_error_notification(message: dict) -> bool:
    """The notifier writes to the same chat: its error notifications start with the logger's name."""
    return str(message["text"]).startswith(("octobot.", "octobot_"))


async def _answer(api: TelegramBotAPI, text: str) -> str:
    """What the bot answers ``text`` sent from the configured chat (notifications set aside)."""
    count = len(api.sent)
    await api.user_sends(CHAT, text)
    reply = await api.wait_for(
        lambda: [m for m in api.sent[count:] if m["chat_id"] == CHAT and not _is_error_notification(m)]
    )
    return str(reply[0]["text"])


async def test_interface_notifier_and_channel_feed_share_one_reader_of_one_token(home, caplog):
    caplog.set_level(logging.DEBUG)
    async with TelegramBotAPI(TOKEN) as api:
        environ = {"OCTOBOT_SERVICE_TELEGRAM_TOKEN": TOKEN, "OCTOBOT_SERVICE_TELEGRAM_CHAT_IDS": str(CHAT)}
        user_config = octobot.load_user_config(home, environ=environ)
        profile = _profile(home, api.url)
        assert profile.feeds == ["TelegramChannelFeed"]
        async with OctoBot(profile, user_config=user_config) as bot:
            service = bot.services.get("telegram")
            assert isinstance(service, TelegramService) and service.reading
            feed = bot.feeds["TelegramChannelFeed"]
            assert feed.service is service  # the one the interface and the notifier use

            # commands and channel posts arrive through the same reads, in order
            assert await _answer(api, "/ping") == "pong"
            await api.channel_posts(CHANNEL, "#BTCUSDT BUY now, target 68k", title="Calls")
            await wait_until(lambda: _evaluation(bot, "BTC/USDT") == 1.0)
            assert "paused" in await _answer(api, "/pause")
            assert octobot.BotControl(bot).paused
            await api.channel_posts(CHANNEL, "Short ETH/USDT here")
            await wait_until(lambda: _evaluation(bot, "ETH/USDT") == -1.0)

            # the notifier sends through the same connection
            logging.getLogger("octobot_trading.somewhere").error("an exchange refused an order")
            notified = await api.wait_for(lambda: [m for m in api.sent if "an exchange refused" in m["text"]])
            assert _is_error_notification(notified[0])

            # the reader's failures: each logged once by the service, counted by the feed, then over
            api.fail_next("getUpdates", Failure(401, "Unauthorized"))
            api.fail_next("getUpdates", Failure(429, "Too Many Requests: retry after 1", retry_after=1))
            api.fail_next("getUpdates", Failure(502, "Bad Gateway", malformed=True))
            await wait_until(lambda: feed.status().errors == 3, timeout=60)
            await api.channel_posts(CHANNEL, "Sell #BTCUSDT, taking profits")
            await wait_until(lambda: _evaluation(bot, "BTC/USDT") == -1.0, timeout=60)
            assert feed.status().state == "ok"
            assert "resumed" in await _answer(api, "/resume")
            running = threading.active_count()
        assert not service.reading

    assert api.conflicts == 0 and api.most_concurrent_polls == 1  # one reader, never two
    polls = api.calls_of("getUpdates")
    assert polls and all(call.token_ok for call in polls)
    assert running < 10, f"{running} threads"
    failures = [r.getMessage() for r in caplog.records if "(service telegram)" in r.getMessage()]
    retried = [line for line in failures if "retrying" in line]
    assert len(retried) == 3, failures
    assert "HTTP 401" in retried[0] and "HTTP 429" in retried[1] and "retrying in 1s" in retried[1]
    assert "ClientDecodeError" in retried[2]
    assert any("recovered" in line for line in failures)
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text


async def test_two_readers_of_one_token_are_caught_and_named(home, caplog):
    """The check above can fail: two readers of one token (two bots, or a tentacle reading on its own,
    as the channel feed once did) make the server answer 409 and count it; the reader says why."""
    async with TelegramBotAPI(TOKEN) as api:
        settings = {"token": TOKEN, "api_url": api.url, **FAST_READER}
        first, second = TelegramService("telegram", settings), TelegramService("telegram", settings)
        seen: list[int] = []

        async def record(update) -> None:
            seen.append(update.update_id)

        for service in (first, second):
            await service.acquire()
            service.on_update(record)
        try:
            await wait_until(lambda: api.conflicts > 0, timeout=60)
            await wait_until(
                lambda: (
                    "HTTP 409" in str(first.reader_health.status().last_error)
                    or "HTTP 409" in str(second.reader_health.status().last_error)
                ),
                timeout=60,
            )
        finally:
            await first.release()
            await second.release()
    assert api.most_concurrent_polls >= 2
    logged = [r.getMessage() for r in caplog.records if "HTTP 409" in r.getMessage()]
    assert logged and all("(service telegram)" in line and "same token" in line for line in logged)
    assert TOKEN not in caplog.text


async def test_a_reader_started_again_never_hands_an_update_twice(home):
    """The last listener leaves from inside its handler (the reader stops before it confirmed what it
    handed), then a tentacle listens again: one reader at a time, each update handed once."""
    async with TelegramBotAPI(TOKEN) as api:
        service = TelegramService("telegram", {"token": TOKEN, "api_url": api.url, **FAST_READER})
        seen: list[int] = []

        async def record(update) -> None:
            seen.append(update.update_id)

        async def record_once(update) -> None:
            seen.append(update.update_id)
            await service.remove_handler(record_once)  # nobody listens: the reader stops

        await service.acquire()
        try:
            service.on_update(record_once)
            first = await api.user_sends(CHAT, "/status")
            await wait_until(lambda: seen == [first["update_id"]], timeout=60)
            service.on_update(record)
            second = await api.user_sends(CHAT, "/profit")
            await wait_until(lambda: len(seen) >= 2, timeout=60)
            third = await api.user_sends(CHAT, "/balance")
            await wait_until(lambda: len(seen) >= 3, timeout=60)
        finally:
            await service.release()
    assert seen == [first["update_id"], second["update_id"], third["update_id"]]
    assert api.conflicts == 0 and api.most_concurrent_polls == 1
