"""Telegram channel signals: TelegramChannelFeed (aiogram) on a loopback Bot API, and their evaluator."""

from __future__ import annotations

import logging

import pytest

import octobot
import octobot_evaluators as oe
from octobot.bot import OctoBot
from octobot_evaluators.tentacles.social.telegram_signals import TelegramSignalsEvaluator

from .helpers import write_profile
from .loopback_http import wait_until
from .telegram_bot_api import Failure, TelegramBotAPI

pytest.importorskip("aiogram")

TOKEN = "6123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw4"
CHANNEL = -1001234567890
OTHER_CHANNEL = -1009876543210
#: the Telegram service's reader, quick to retry (its settings sit in the profile's "services")
FAST_READER = {"long_poll_seconds": 1, "retry_seconds": 0.05, "max_retry_seconds": 0.1}


def _profile(home, monkeypatch, url: str, **feed_config) -> tuple[octobot.Profile, octobot.UserConfig]:
    monkeypatch.setenv("OCTOBOT_SERVICE_TELEGRAM_TOKEN", TOKEN)
    content = {
        "name": "calls",
        "exchanges": ["binance"],
        "pairs": ["BTC/USDT", "ETH/USDT"],
        "time_frames": ["1h"],
        "trading_mode": "DailyTradingMode",
        "strategies": ["SimpleStrategyEvaluator"],
        "evaluators": ["TelegramSignalsEvaluator"],
        "services": {"telegram": {"api_url": url, **FAST_READER}},
        "simulator": {"enabled": True, "starting_portfolio": {"USDT": 1000}},
    }
    config = {"chats": [CHANNEL], **feed_config}
    write_profile(home, content, name="calls", TelegramChannelFeed=config)
    profile = octobot.load_profile("calls", octobot.TentacleRegistry.discover(home.tentacles), home)
    return profile, octobot.load_user_config(home)


def _value(bot: OctoBot, symbol: str) -> float | None:
    assert bot.matrix is not None
    name = "TelegramSignalsEvaluator"
    return bot.matrix.get_value(
        oe.MatrixKey("binance", oe.EvaluatorType.SOCIAL, name, symbol[:3], symbol, None)
    )


def _evaluator(**config) -> TelegramSignalsEvaluator:
    matrix = oe.EvaluationMatrix("telegram-patterns")  # not started: on_signal only
    return TelegramSignalsEvaluator(
        oe.EvaluatorContext(matrix, "binance"), ["BTC/USDT", "ETH/USDT"], config=config
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("🚀 #BTCUSDT BUY zone 64,200 - 64,800, targets 66k / 68k", {"BTC/USDT": 1.0}),
        ("Close ETH/USDT short... I mean: sell $ETH-USDT now", {"ETH/USDT": -1.0}),
        ("Long BTC/USDT and ETHUSDT, stop 3%", {"BTC/USDT": 1.0, "ETH/USDT": 1.0}),
        ("Buy SOLUSDT at 140", oe.UNCHANGED),  # a pair this bot does not trade
        ("BTCUSDT: buy or sell? poll below", oe.UNCHANGED),  # both: ambiguous
        ("Good morning traders, BTC/USDT weekly recap tonight", oe.UNCHANGED),  # no call
        ("buying opportunity on btcusdt", oe.UNCHANGED),  # lower-case pair, "buying" is not "buy"
    ],
)
def test_calls_are_read_from_the_pair_and_the_buy_or_sell_words(text, expected):
    result = _evaluator(strength=1.0).on_signal(oe.Signal("telegram:@calls", {"text": text}))
    assert result == expected


def test_the_patterns_are_the_users_to_change():
    evaluator = _evaluator(pair_pattern=r"(?P<base>[A-Z]+) against (?P<quote>[A-Z]+)", buy_words=["acheter"])
    assert evaluator.on_signal(oe.Signal("x", {"text": "acheter BTC against USDT"})) == {"BTC/USDT": 1.0}
    with pytest.raises(oe.EvaluatorConfigError, match="named groups"):
        _evaluator(pair_pattern=r"[A-Z]+/[A-Z]+")
    with pytest.raises(oe.EvaluatorConfigError, match="not a regular expression"):
        _evaluator(pair_pattern=r"(?P<base>[A-Z+")


async def test_channel_posts_become_evaluations_through_the_bot_api(home, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    async with TelegramBotAPI(TOKEN) as api:
        profile, user_config = _profile(home, monkeypatch, api.url)
        assert profile.feeds == ["TelegramChannelFeed"]
        async with OctoBot(profile, user_config=user_config) as bot:
            feed = bot.feeds["TelegramChannelFeed"]
            await api.channel_posts(CHANNEL, "#BTCUSDT BUY now, target 68k", title="Crypto Calls")
            await api.channel_posts(OTHER_CHANNEL, "SELL BTC/USDT", title="Not followed")
            await api.channel_posts(CHANNEL, "Short ETH/USDT here")
            await wait_until(lambda: feed.status().signals == 2)
            await wait_until(lambda: _value(bot, "ETH/USDT") is not None)
            btc, eth = _value(bot, "BTC/USDT"), _value(bot, "ETH/USDT")
            await api.channel_posts(CHANNEL, "Sell #BTCUSDT, taking profits")
            await wait_until(lambda: _value(bot, "BTC/USDT") == -1.0)
            # the last update is confirmed by the read after it (offset 5): wait for that read
            await wait_until(lambda: any(c.params.get("offset") == 5 for c in api.calls_of("getUpdates")))
    assert btc == 1.0 and eth == -1.0
    polls = api.calls_of("getUpdates")
    assert all(call.token_ok for call in polls)
    assert polls[0].params.get("allowed_updates") == ["message", "callback_query", "channel_post"]
    offsets = [call.params.get("offset") for call in polls if call.params.get("offset")]
    assert offsets == sorted(offsets) and offsets[-1] == 5  # each update confirmed once read
    assert TOKEN not in caplog.text


async def test_429_server_errors_a_malformed_answer_and_a_revoked_token_never_stop_the_bot(
    home, monkeypatch, caplog
):
    caplog.set_level(logging.INFO)
    async with TelegramBotAPI(TOKEN) as api:
        api.fail_next("getUpdates", Failure(429, "Too Many Requests: retry after 1", retry_after=1))
        api.fail_next("getUpdates", Failure(502, "Bad Gateway", malformed=True))
        api.fail_next("getUpdates", Failure(401, "Unauthorized"))
        api.fail_next("getUpdates", Failure(500, "Internal Server Error"))
        profile, user_config = _profile(home, monkeypatch, api.url)
        async with OctoBot(profile, user_config=user_config) as bot:
            feed = bot.feeds["TelegramChannelFeed"]
            await api.channel_posts(CHANNEL, "Buy BTC/USDT")
            await wait_until(lambda: feed.status().signals == 1)
            assert bot.running and feed.status().state == "ok" and feed.status().errors == 4
    lines = [r.getMessage() for r in caplog.records if "(service telegram)" in r.getMessage()]
    failures = [line for line in lines if "retrying" in line]
    assert len(failures) == 4, lines  # each logged once, by the service: the feed only counts them
    assert "HTTP 401 the Bot API refused the token" in failures[2]
    assert "429" in failures[0] and "retrying in 1s" in failures[0]  # the Bot API's retry_after obeyed
    assert any("recovered" in line for line in lines)
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text
