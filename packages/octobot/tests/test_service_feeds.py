"""Services and service feeds: started by need, feeding social evaluators, never stopping the bot."""

from __future__ import annotations

import json
import logging

import pytest

import octobot
import octobot_backtesting as ob
import octobot_channel as oc
import octobot_evaluators as oe
from octobot.bot import OctoBot

from .helpers import valid_profile, write_profile
from .loopback_http import LoopbackHTTPServer, Reply, wait_until

# a token shaped like a real one (Telegram's "<bot id>:<35 chars>"): it must never reach a log line
TOKEN = "7312845902:AAFq3xY8kLm2Np4Qr6St8Uv0Wx2Yz4Ab6Cd"

FEED_TENTACLES = '''
from typing import Any, ClassVar

import aiohttp
import octobot
import octobot_backtesting as ob
import octobot_channel as oc
import octobot_evaluators as oe


class CounterFeed(octobot.PollingFeed):
    """Reads {"items": [...]} from the counter service (its url, its token in the query)."""

    SERVICE: ClassVar[str | None] = "counter"
    REQUIRED_SECRETS: ClassVar[tuple[str, ...]] = ("token",)
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {**octobot.POLLING_DEFAULTS, "path": "/items"}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {**octobot.POLLING_PROPERTIES, "path": {"type": "string"}},
        "additionalProperties": False,
    }

    async def open(self) -> None:
        self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        await self._session.close()

    async def fetch(self):
        url = f"{self.service.get('url')}{self.config['path']}?token={self.service.secret('token')}"
        async with self._session.get(url) as response:
            if response.status == 429:
                raise octobot.FeedError("429 too many requests", float(response.headers["Retry-After"]))
            response.raise_for_status()
            body = await response.json()
        return [oe.Signal("counter", item, item["time"], item.get("symbol")) for item in body["items"]]


class UnusedFeed(CounterFeed):
    """A second feed nothing listens to: the bot must not start it."""


class CounterEvaluator(oe.SocialEvaluator):
    """The score of each counter item."""

    FEED: ClassVar[str | None] = "CounterFeed"

    def on_signal(self, signal):
        return signal.payload["score"]
'''


@pytest.fixture
def feed_profile(home, user_tentacles):
    (home.tentacles / "feed_tentacles.py").write_text(FEED_TENTACLES, encoding="utf-8")

    def write(url: str, **feed_config) -> octobot.Profile:
        content = valid_profile()
        content["evaluators"].append("CounterEvaluator")
        content["services"] = {"counter": {"url": url}}
        fast = {"interval_seconds": 0.01, "max_retry_seconds": 0.05, "timeout_seconds": 5, **feed_config}
        write_profile(home, content, CounterFeed=fast)
        registry = octobot.TentacleRegistry.discover(home.tentacles)
        assert registry.errors == []
        return octobot.load_profile("mine", registry, home)

    return write


def _user_config(home, monkeypatch) -> octobot.UserConfig:
    monkeypatch.setenv("OCTOBOT_SERVICE_COUNTER_TOKEN", TOKEN)
    return octobot.load_user_config(home)


def test_backoff_doubles_up_to_its_maximum_and_obeys_a_retry_after():
    waits = [octobot.backoff_seconds(failures, 1.0, 10.0) for failures in range(1, 7)]
    assert waits == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert octobot.backoff_seconds(1, 1.0, 10.0, retry_after=30.0) == 30.0


def test_a_profile_needs_the_feeds_its_listeners_name_and_only_those(feed_profile):
    profile = feed_profile("http://127.0.0.1:1")
    assert profile.feeds == ["CounterFeed"]  # UnusedFeed is installed, but nothing listens to it
    assert profile.tentacles["CounterFeed"].kind is octobot.TentacleKind.SERVICE_FEED
    assert profile.tentacle_config("CounterFeed")["interval_seconds"] == 0.01


def test_a_listener_of_a_feed_nobody_provides_is_refused_at_load(home, user_tentacles, feed_profile):
    feed_profile("http://127.0.0.1:1")
    (home.profiles / "mine" / "CounterEvaluator.json").write_text(json.dumps({"feed": "CountrFeed"}))
    registry = octobot.TentacleRegistry.discover(home.tentacles)
    with pytest.raises(
        octobot.UnknownTentacleError, match=r"'CounterEvaluator' listens to.*'CountrFeed'.*CounterFeed"
    ):
        octobot.load_profile("mine", registry, home)


def test_a_secret_in_the_profile_is_refused_naming_where_it_belongs(home, user_tentacles):
    content = valid_profile()
    content["services"] = {"counter": {"url": "http://127.0.0.1:1", "token": TOKEN}}
    write_profile(home, content)
    with pytest.raises(octobot.ConfigError) as raised:
        octobot.load_profile("mine", octobot.TentacleRegistry.discover(home.tentacles), home)
    message = str(raised.value)
    assert "services.counter.token is a secret" in message and "$OCTOBOT_SERVICE_COUNTER_TOKEN" in message
    assert TOKEN not in message


async def test_a_feed_wakes_its_social_evaluator_through_the_matrix(home, feed_profile, monkeypatch):
    items = [
        {"time": 1_000, "symbol": "BTC/USDT", "score": 0.6},
        {"time": 2_000, "symbol": None, "score": -0.2},
    ]
    async with LoopbackHTTPServer() as server:
        server.script("/items", Reply.json({"items": items}), Reply.json({"items": []}))
        profile = feed_profile(server.url)
        async with OctoBot(profile, user_config=_user_config(home, monkeypatch)) as bot:
            assert list(bot.feeds) == ["CounterFeed"]
            matrix = bot.matrix

            def value(symbol: str) -> float | None:
                key = oe.MatrixKey(
                    "binance", oe.EvaluatorType.SOCIAL, "CounterEvaluator", symbol[:3], symbol, None
                )
                return matrix.get_value(key)

            await wait_until(lambda: value("ETH/USDT") is not None)
            assert value("BTC/USDT") == -0.2  # the second item names no symbol: every watched one
            assert value("ETH/USDT") == -0.2
            assert bot.feeds["CounterFeed"].status().signals == 2
        assert server.requests[0]["query"]["token"] == TOKEN  # the secret came from the environment


async def test_a_failing_feed_logs_once_backs_off_recovers_and_never_stops_the_bot(
    home, feed_profile, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    async with LoopbackHTTPServer() as server:
        server.script(
            "/items",
            *[Reply(500, "boom")] * 4,
            Reply(429, "slow down", headers={"Retry-After": "0.05"}),
            Reply(200, "{not json"),
            Reply.json({"items": [{"time": 5, "symbol": "BTC/USDT", "score": 1}]}),
            Reply.json({"items": []}),
        )
        profile = feed_profile(server.url)
        async with OctoBot(profile, user_config=_user_config(home, monkeypatch)) as bot:
            feed = bot.feeds["CounterFeed"]
            await wait_until(lambda: feed.status().signals == 1)
            assert bot.running
            status = feed.status()
            assert status.state == "ok" and status.errors == 6 and status.last_error is None
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and "CounterFeed" in r.getMessage()
    ]
    # one line per kind of error (500, 429, bad JSON), each naming the service; never one per read
    assert len(warnings) == 3, warnings
    assert all("(service counter)" in line for line in warnings)
    assert "500" in warnings[0] and "429" in warnings[1]
    assert any("recovered (6 failed read(s) so far)" in r.getMessage() for r in caplog.records)
    assert TOKEN not in caplog.text and "********" in warnings[0]  # the URL's token was masked


async def test_a_silent_feed_is_reported_once(home, feed_profile, monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    async with LoopbackHTTPServer() as server:
        server.script("/items", Reply.json({"items": []}))
        profile = feed_profile(server.url, silence_seconds=0.05)
        async with OctoBot(profile, user_config=_user_config(home, monkeypatch)) as bot:
            feed = bot.feeds["CounterFeed"]
            await wait_until(lambda: feed.status().state == "silent")
            reads = server.hits("/items")
            await wait_until(lambda: server.hits("/items") > reads + 3)  # still polling
    silent = [r for r in caplog.records if "silent, no item" in r.getMessage()]
    assert len(silent) == 1 and "CounterFeed (service counter)" in silent[0].getMessage()


async def test_a_missing_secret_stops_the_start_naming_where_to_set_it(home, feed_profile, monkeypatch):
    monkeypatch.delenv("OCTOBOT_SERVICE_COUNTER_TOKEN", raising=False)
    profile = feed_profile("http://127.0.0.1:1")
    bot = OctoBot(profile, user_config=octobot.load_user_config(home))
    with pytest.raises(
        octobot.BotError, match=r"service 'counter' lacks its token \(set OCTOBOT_SERVICE_COUNTER_TOKEN"
    ):
        await bot.start()
    assert not bot.running


async def test_a_backtest_starts_no_feed(home, feed_profile, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    profile = feed_profile("http://127.0.0.1:1")
    bot = OctoBot(
        profile,
        clock=ob.SimulatedClock(0),
        synchronizer=oc.Synchronizer(),
        user_config=_user_config(home, monkeypatch),
    )
    async with bot:
        assert bot.feeds == {}
    assert "backtest: service feeds not started (CounterFeed)" in caplog.text
