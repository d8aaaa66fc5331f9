"""Reddit: RedditFeed (asyncpraw) against a Reddit-like API on 127.0.0.1, its sentiment evaluator in a bot."""

from __future__ import annotations

import base64
import json
import logging

import pytest

import octobot
import octobot_evaluators as oe
from octobot.bot import OctoBot

from .helpers import write_profile
from .loopback_http import LoopbackHTTPServer, Reply, wait_until

pytest.importorskip("asyncpraw")
pytest.importorskip("vaderSentiment")

CLIENT_ID = "p-jcoLKBynTLew"
CLIENT_SECRET = "gko_LXELoV07ZBNUXrvWZfzE3aI7Q"
ACCESS_TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6IlNIQTI1NjpzS3dsMnlsV0VtMjVmcXhwTU40cWY4MXE2OWFFdWFy"
LISTING_PATH = "/r/Bitcoin+CryptoCurrency/new"


def _post(post_id: str, title: str, body: str, score: int, created: float, sub: str = "Bitcoin") -> dict:
    return {
        "kind": "t3",
        "data": {
            "id": post_id,
            "name": f"t3_{post_id}",
            "title": title,
            "selftext": body,
            "score": score,
            "ups": score,
            "num_comments": 12,
            "created_utc": created,
            "subreddit": sub,
            "subreddit_name_prefixed": f"r/{sub}",
            "author": "hodl_4ever",
            "permalink": f"/r/{sub}/comments/{post_id}/post/",
            "url": f"https://www.reddit.com/r/{sub}/comments/{post_id}/post/",
            "is_self": True,
            "over_18": False,
        },
    }


def _listing(*posts: dict) -> Reply:
    return Reply.json(
        {
            "kind": "Listing",
            "data": {"after": None, "before": None, "dist": len(posts), "children": list(posts)},
        }
    )


TOKEN_REPLY = Reply.json(
    {"access_token": ACCESS_TOKEN, "token_type": "bearer", "expires_in": 86400, "scope": "*"}
)
GOOD = _post("1bf0a1", "Bitcoin breaks its all-time high, amazing week for holders", "", 950, 1710404100.0)
BAD = _post(
    "1bf0a2",
    "Ethereum gas fees are terrible again, awful experience",
    "I lost money.",
    3,
    1710407700.0,
    "CryptoCurrency",
)
MEH = _post("1bf0a3", "Bitcoin is a scam and a disaster", "", 1, 1710411300.0)


def _profile(home, monkeypatch, url: str, **feed_config) -> tuple[octobot.Profile, octobot.UserConfig]:
    monkeypatch.setenv("OCTOBOT_SERVICE_REDDIT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("OCTOBOT_SERVICE_REDDIT_CLIENT_SECRET", CLIENT_SECRET)
    content = {
        "name": "reddit",
        "exchanges": ["binance"],
        "pairs": ["BTC/USDT", "ETH/USDT"],
        "time_frames": ["1h"],
        "trading_mode": "DailyTradingMode",
        "strategies": ["SimpleStrategyEvaluator"],
        "evaluators": ["RedditSentimentEvaluator"],
        "services": {"reddit": {"oauth_url": url, "reddit_url": url}},
        "simulator": {"enabled": True, "starting_portfolio": {"USDT": 1000}},
    }
    config = {
        "subreddits": ["Bitcoin", "CryptoCurrency"],
        "interval_seconds": 0.02,
        "max_retry_seconds": 0.1,
        "timeout_seconds": 1.0,
        **feed_config,
    }
    write_profile(home, content, name="reddit", RedditFeed=config)
    profile = octobot.load_profile("reddit", octobot.TentacleRegistry.discover(home.tentacles), home)
    return profile, octobot.load_user_config(home)


def _value(bot: OctoBot, symbol: str) -> float | None:
    assert bot.matrix is not None
    key = oe.MatrixKey(
        "binance", oe.EvaluatorType.SOCIAL, "RedditSentimentEvaluator", symbol[:3], symbol, None
    )
    return bot.matrix.get_value(key)


async def test_new_posts_of_the_subreddits_are_scored_per_coin_weighted_by_votes(home, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    async with LoopbackHTTPServer() as server:
        server.script("/api/v1/access_token", TOKEN_REPLY)
        server.script(LISTING_PATH, _listing(BAD, GOOD), _listing(MEH, BAD, GOOD))
        profile, user_config = _profile(home, monkeypatch, server.url)
        assert profile.feeds == ["RedditFeed"]
        async with OctoBot(profile, user_config=user_config) as bot:
            feed = bot.feeds["RedditFeed"]
            await wait_until(lambda: feed.status().signals == 3)
            await wait_until(lambda: server.hits(LISTING_PATH) > 3)
            btc, eth = _value(bot, "BTC/USDT"), _value(bot, "ETH/USDT")
            assert feed.status().signals == 3  # posts seen before are not published again
    assert eth is not None and eth < 0
    assert btc is not None and btc > 0  # the upvoted good post outweighs the unvoted bad one
    token_call = next(r for r in server.requests if r["path"] == "/api/v1/access_token")
    assert (
        token_call["headers"]["Authorization"]
        == "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    )
    assert b"grant_type=client_credentials" in token_call["body"]
    listing_call = next(r for r in server.requests if r["path"] == LISTING_PATH)
    assert listing_call["headers"]["Authorization"] == f"bearer {ACCESS_TOKEN}"
    assert listing_call["query"]["limit"] == "25"
    for secret in (CLIENT_SECRET, ACCESS_TOKEN):
        assert secret not in caplog.text


async def test_429_timeouts_bad_json_and_refused_credentials_never_stop_the_feed(home, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    async with LoopbackHTTPServer() as server:
        server.script(
            "/api/v1/access_token",
            Reply.json({"error": "invalid_grant"}, status=401),
            TOKEN_REPLY,
        )
        server.script(
            LISTING_PATH,
            Reply(429, "Too Many Requests", "text/plain", headers={"Retry-After": "0.05"}),
            Reply(200, '{"kind": "Listing", "data": {', "application/json"),
            Reply(200, json.dumps({"kind": "Listing"}), delay=3.0),  # longer than timeout_seconds
            _listing(GOOD),
        )
        profile, user_config = _profile(home, monkeypatch, server.url)
        async with OctoBot(profile, user_config=user_config) as bot:
            feed = bot.feeds["RedditFeed"]
            await wait_until(lambda: feed.status().signals == 1, timeout=60)
            assert bot.running and feed.status().state == "ok"
    lines = [r.getMessage() for r in caplog.records if "RedditFeed (service reddit)" in r.getMessage()]
    failures = [line for line in lines if "retrying" in line]
    assert len(failures) == 4, lines  # refused credentials, 429, bad JSON, timeout: one line each
    assert "401" in failures[0] and "429" in failures[1]
    assert any("recovered" in line for line in lines)
    assert CLIENT_SECRET not in caplog.text


def test_missing_credentials_name_the_variables(home, monkeypatch):
    profile, _ = _profile(home, monkeypatch, "http://127.0.0.1:1")
    monkeypatch.delenv("OCTOBOT_SERVICE_REDDIT_CLIENT_SECRET")
    info = profile.tentacles["RedditFeed"]
    services = octobot.Services(profile.services, octobot.load_user_config(home))
    with pytest.raises(octobot.ServiceConfigError, match="OCTOBOT_SERVICE_REDDIT_CLIENT_SECRET"):
        info.cls("scope", profile.tentacle_config("RedditFeed"), services.get("reddit"))
