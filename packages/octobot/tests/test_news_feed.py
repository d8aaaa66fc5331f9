"""News sentiment: NewsFeed reading RSS and Atom sources on 127.0.0.1, NewsSentimentEvaluator in a bot."""

from __future__ import annotations

import logging

import pytest

import octobot
import octobot_evaluators as oe
from octobot.bot import OctoBot
from octobot.services.news_feed import NewsFeed, parse_items

from .helpers import write_profile
from .loopback_http import LoopbackHTTPServer, Reply, wait_until

pytest.importorskip("feedparser")
pytest.importorskip("vaderSentiment")

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Crypto Markets Daily</title>
  <link>https://news.example/</link>
  <description>Markets, regulation and technology</description>
  <language>en-us</language>
  <atom:link href="https://news.example/rss" rel="self" type="application/rss+xml"/>
  <item>
    <title>Bitcoin surges to a record high as ETF inflows boost investor confidence</title>
    <link>https://news.example/markets/bitcoin-record-high</link>
    <guid isPermaLink="false">cmd-2024-03-14-001</guid>
    <dc:creator>Jane Doe</dc:creator>
    <pubDate>Thu, 14 Mar 2024 08:15:00 +0000</pubDate>
    <description><![CDATA[<p>Spot <b>bitcoin</b> funds saw their best week, lifting prices.</p>]]>
    </description>
  </item>
  <item>
    <title>Regulators publish a consultation on stablecoin reserves</title>
    <link>https://news.example/policy/stablecoin-consultation</link>
    <guid isPermaLink="false">cmd-2024-03-14-002</guid>
    <pubDate>Thu, 14 Mar 2024 09:40:00 +0000</pubDate>
    <description>The paper asks issuers how reserves are audited.</description>
  </item>
</channel>
</rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Chain Reporter</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-03-14T10:30:00Z</updated>
  <link href="https://chain.example/"/>
  <entry>
    <title>Ethereum developers delay upgrade again after a critical bug, frustrating users</title>
    <link href="https://chain.example/eth-upgrade-delay"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2024-03-14T10:30:00Z</updated>
    <summary>Client teams found a consensus bug in testing.</summary>
  </entry>
</feed>"""

MORE_RSS = RSS.replace(
    "</channel>",
    """  <item>
    <title>Bitcoin crashes as panic selling wipes out billions; traders fear a deeper collapse</title>
    <link>https://news.example/markets/bitcoin-crash</link>
    <guid isPermaLink="false">cmd-2024-03-14-003</guid>
    <pubDate>Thu, 14 Mar 2024 11:05:00 +0000</pubDate>
    <description>Liquidations topped two billion dollars.</description>
  </item>
</channel>""",
)


def test_rss_and_atom_items_become_signals_oldest_first():
    rss = parse_items(RSS.encode(), "https://news.example/rss", 0)
    assert [s.payload["title"][:22] for s in rss] == ["Bitcoin surges to a re", "Regulators publish a c"]
    first = rss[0]
    assert first.time == 1710404100000  # 2024-03-14 08:15 UTC
    assert first.payload["summary"] == "Spot  bitcoin  funds saw their best week, lifting prices."
    assert first.payload["id"] == "cmd-2024-03-14-001"
    (atom,) = parse_items(ATOM.encode(), "https://chain.example/atom", 0)
    assert atom.payload["link"] == "https://chain.example/eth-upgrade-delay"
    with pytest.raises(octobot.FeedError, match="malformed feed"):
        parse_items(b"<rss><channel><item><title>broken", "x", 0)


def _profile(home, url: str, **feed_config) -> octobot.Profile:
    content = {
        "name": "news",
        "exchanges": ["binance"],
        "pairs": ["BTC/USDT", "ETH/USDT"],
        "time_frames": ["1h"],
        "trading_mode": "DailyTradingMode",
        "strategies": ["SimpleStrategyEvaluator"],
        "evaluators": ["NewsSentimentEvaluator"],
        "simulator": {"enabled": True, "starting_portfolio": {"USDT": 1000}},
    }
    config = {
        "sources": [f"{url}/rss", f"{url}/atom"],
        "interval_seconds": 0.02,
        "max_retry_seconds": 0.1,
        "timeout_seconds": 0.5,
        **feed_config,
    }
    write_profile(home, content, name="news", NewsFeed=config)
    return octobot.load_profile("news", octobot.TentacleRegistry.discover(home.tentacles), home)


def _news_value(bot: OctoBot, symbol: str) -> float | None:
    assert bot.matrix is not None
    key = oe.MatrixKey("binance", oe.EvaluatorType.SOCIAL, "NewsSentimentEvaluator", symbol[:3], symbol, None)
    return bot.matrix.get_value(key)


async def test_a_bot_with_news_sentiment_reads_the_sources_and_evaluates_each_coin(home, caplog):
    caplog.set_level(logging.INFO)
    async with LoopbackHTTPServer() as server:
        server.script(
            "/rss", Reply(200, RSS, "application/rss+xml"), Reply(200, MORE_RSS, "application/rss+xml")
        )
        server.script("/atom", Reply(200, ATOM, "application/atom+xml"))
        profile = _profile(home, server.url)
        assert profile.feeds == ["NewsFeed"]
        async with OctoBot(profile) as bot:
            feed = bot.feeds["NewsFeed"]
            await wait_until(lambda: feed.status().signals == 4)  # 3 first items, then the new one only
            await wait_until(lambda: server.hits("/rss") > 3)
            btc, eth = _news_value(bot, "BTC/USDT"), _news_value(bot, "ETH/USDT")
            assert feed.status().signals == 4  # repeated items are not published again
    assert eth is not None and eth < 0
    assert btc is not None and -0.5 < btc < 0.5  # one good and one bad headline about bitcoin
    assert server.requests[0]["headers"]["User-Agent"] == "OctoBot news feed"


async def test_timeouts_429_and_malformed_xml_are_reported_per_source_and_never_stop_the_feed(home, caplog):
    caplog.set_level(logging.INFO)
    async with LoopbackHTTPServer() as server:
        server.script(
            "/rss",
            Reply(200, RSS, "application/rss+xml", delay=2.0),  # longer than timeout_seconds
            Reply(429, "Too Many Requests", "text/plain", headers={"Retry-After": "0.05"}),
            Reply(200, "<rss><channel><item><title>half a document", "application/rss+xml"),
            Reply(200, RSS, "application/rss+xml"),
        )
        server.script("/atom", Reply(200, ATOM, "application/atom+xml"))
        profile = _profile(home, server.url)
        async with OctoBot(profile) as bot:
            feed = bot.feeds["NewsFeed"]
            await wait_until(lambda: feed.status().signals == 3)
            assert bot.running and feed.status().state == "ok"
    lines = [r.getMessage() for r in caplog.records if "NewsFeed (service news)" in r.getMessage()]
    rss_errors = [line for line in lines if "/rss:" in line and "retrying" in line]
    assert len(rss_errors) == 3, lines  # one line per kind of error, naming the source
    assert "TimeoutError" in rss_errors[0] and "429" in rss_errors[1] and "malformed feed" in rss_errors[2]
    assert any("/rss: recovered" in line for line in lines)
    assert not any("/atom:" in line for line in lines)  # the other source was never affected


async def test_every_source_failing_backs_off_and_silence_is_reported(home, caplog):
    caplog.set_level(logging.WARNING)
    async with LoopbackHTTPServer() as server:
        server.script("/rss", Reply(503, "down", "text/plain"))
        server.script("/atom", Reply(503, "down", "text/plain"))
        profile = _profile(home, server.url)
        async with OctoBot(profile) as bot:
            feed = bot.feeds["NewsFeed"]
            await wait_until(lambda: server.hits("/rss") >= 4)
            assert feed.status().state == "failing"
        server.script("/rss", Reply(200, RSS.split("<item>")[0] + "</channel></rss>", "application/rss+xml"))
        server.script("/atom", Reply(200, ATOM.split("<entry>")[0] + "</feed>", "application/atom+xml"))
        async with OctoBot(_profile(home, server.url, silence_seconds=0.05)) as bot:
            feed = bot.feeds["NewsFeed"]
            await wait_until(lambda: feed.status().state == "silent")
    assert sum("all 2 source(s) failed" in r.getMessage() for r in caplog.records) == 1
    assert sum("silent, no item" in r.getMessage() for r in caplog.records) == 1


def test_a_source_that_is_not_a_url_is_refused_at_load(home):
    with pytest.raises(octobot.ConfigError, match=r"NewsFeed.json.*sources"):
        _profile(home, "ftp://nowhere")


def test_news_feed_defaults_satisfy_its_schema():
    feed = NewsFeed("scope")
    assert feed.config["interval_seconds"] == 300.0 and feed.service.name == "news"
