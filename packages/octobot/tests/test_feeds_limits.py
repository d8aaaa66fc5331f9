"""The limits of a bot with feeds: no thread of their own (fewer than 10 in all), no token in any log."""

from __future__ import annotations

import logging
import threading

import pytest

import octobot
from octobot.bot import OctoBot

from .helpers import write_profile
from .loopback_http import LoopbackHTTPServer, Reply, wait_until
from .telegram_bot_api import Failure, TelegramBotAPI
from .test_news_feed import RSS
from .test_telegram_channel_feed import FAST_READER

pytest.importorskip("aiogram")
pytest.importorskip("feedparser")

TOKEN = "5987654321:AAGx7Kq2Lm9Np4Rs6Tu8Vw0Xy2Za4Bc6De"
CHANNEL = -1001112223334


async def test_a_bot_with_two_feeds_runs_on_its_event_loop_and_never_logs_the_token(
    home, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("OCTOBOT_SERVICE_TELEGRAM_TOKEN", TOKEN)
    threads_before = threading.active_count()
    async with LoopbackHTTPServer() as news, TelegramBotAPI(TOKEN) as telegram:
        news.script("/rss", Reply(200, RSS, "application/rss+xml"))
        telegram.fail_next("getUpdates", Failure(401, "Unauthorized"))  # an error text near the token
        content = {
            "name": "feeds",
            "exchanges": ["binance"],
            "pairs": ["BTC/USDT"],
            "time_frames": ["1h"],
            "trading_mode": "DailyTradingMode",
            "strategies": ["SimpleStrategyEvaluator"],
            "evaluators": ["NewsSentimentEvaluator", "TelegramSignalsEvaluator"],
            "services": {"telegram": {"api_url": telegram.url, **FAST_READER}},
            "simulator": {"enabled": True, "starting_portfolio": {"USDT": 1000}},
        }
        fast = {"interval_seconds": 0.02, "max_retry_seconds": 0.1}
        write_profile(
            home,
            content,
            name="feeds",
            NewsFeed={"sources": [f"{news.url}/rss"], **fast},
            TelegramChannelFeed={},
        )
        profile = octobot.load_profile("feeds", octobot.TentacleRegistry.discover(home.tentacles), home)
        async with OctoBot(profile, user_config=octobot.load_user_config(home)) as bot:
            assert sorted(bot.feeds) == ["NewsFeed", "TelegramChannelFeed"]
            await telegram.channel_posts(CHANNEL, "BUY #BTCUSDT")
            await wait_until(lambda: all(feed.status().signals > 0 for feed in bot.feeds.values()))
            running = threading.active_count()
            errors = [feed.status().errors for feed in bot.feeds.values()]
    assert running == threads_before and running < 10  # the feeds added no thread
    assert errors == [0, 1]
    for text in (caplog.text, *(repr(record.args) for record in caplog.records)):
        assert TOKEN not in text and TOKEN.split(":")[1] not in text
