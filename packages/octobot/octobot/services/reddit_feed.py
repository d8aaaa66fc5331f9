"""RedditFeed: the new posts of chosen subreddits, one signal per post, through asyncpraw.

Reading public posts needs a Reddit "script" app (https://www.reddit.com/prefs/apps): its client id and
secret go in the user config (``services.reddit.client_id`` / ``client_secret``) or
``$OCTOBOT_SERVICE_REDDIT_CLIENT_ID`` / ``..._CLIENT_SECRET``; asyncpraw then signs in application-only
(OAuth client credentials) and reads ``/r/<a>+<b>/new``. ``oauth_url`` and ``reddit_url`` (profile
``services.reddit``) point it elsewhere (a proxy, a test server); asyncpraw's update check is off (no
call leaves the configured URLs). A post already published is not published again.
The payload of a signal: ``id``, ``title``, ``selftext``, ``text`` (title and body, what sentiment
evaluators read), ``subreddit``, ``author``, ``score``, ``num_comments``, ``permalink`` and ``weight``
(1 + log10 of the votes: an upvoted post counts more); its time is the post's creation time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import octobot_evaluators as oe
from octobot.errors import FeedError, ServiceConfigError
from octobot.services.polling_feed import (
    POLLING_DEFAULTS,
    POLLING_PROPERTIES,
    PollingFeed,
    retry_after_seconds,
)
from octobot.services.seen_items import SeenItems


def _asyncpraw() -> Any:
    try:
        import asyncpraw
    except ImportError:
        raise ServiceConfigError(
            "RedditFeed needs asyncpraw: pip install 'octobot[services]' (or pip install asyncpraw)"
        ) from None
    return asyncpraw


def post_signal(post: Any) -> oe.Signal:
    """One asyncpraw Submission -> Signal."""
    title = str(post.title or "").strip()
    body = str(getattr(post, "selftext", "") or "").strip()
    score = int(getattr(post, "score", 0) or 0)
    payload = {
        "id": str(post.id),
        "title": title,
        "selftext": body,
        "text": f"{title}. {body}" if body else title,
        "subreddit": str(post.subreddit),
        "author": str(post.author) if post.author is not None else None,
        "score": score,
        "num_comments": int(getattr(post, "num_comments", 0) or 0),
        "permalink": str(getattr(post, "permalink", "")),
        "weight": 1.0 + math.log10(max(score, 1)),
    }
    return oe.Signal(source=f"r/{post.subreddit}", payload=payload, time=int(float(post.created_utc) * 1000))


class RedditFeed(PollingFeed):
    """New posts of chosen subreddits (asyncpraw, application-only OAuth)."""

    NAME: ClassVar[str | None] = "RedditFeed"
    SERVICE: ClassVar[str | None] = "reddit"
    REQUIRED_SECRETS: ClassVar[tuple[str, ...]] = ("client_id", "client_secret")
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        **POLLING_DEFAULTS,
        "interval_seconds": 120.0,
        "subreddits": ["CryptoCurrency", "Bitcoin"],
        "posts_per_read": 25,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **POLLING_PROPERTIES,
            "subreddits": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"type": "string", "pattern": "^[A-Za-z0-9_]{2,21}$"},
                "description": "subreddit names, without r/",
            },
            "posts_per_read": {
                "type": "integer",
                "minimum": 1,
                "maximum": 100,
                "description": "newest posts read each time",
            },
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _asyncpraw()
        self._reddit: Any = None
        self._seen = SeenItems()

    async def open(self) -> None:
        urls = {key: self.service.get(key) for key in ("oauth_url", "reddit_url") if self.service.get(key)}
        self._reddit = _asyncpraw().Reddit(
            client_id=self.service.secret("client_id"),
            client_secret=self.service.secret("client_secret"),
            user_agent=self.service.get("user_agent", "python:octobot.reddit-feed:0.1 (read-only)"),
            check_for_updates=False,
            timeout=float(self.config["timeout_seconds"]),
            **{key: str(url).rstrip("/") for key, url in urls.items()},
        )

    async def close(self) -> None:
        if self._reddit is not None:
            await self._reddit.close()
            self._reddit = None

    async def fetch(self) -> Sequence[oe.Signal]:
        from asyncprawcore.exceptions import TooManyRequests

        subreddit = await self._reddit.subreddit("+".join(self.config["subreddits"]))
        posts = []
        try:
            async for post in subreddit.new(limit=int(self.config["posts_per_read"])):
                posts.append(post)
        except TooManyRequests as error:
            raise FeedError("HTTP 429 too many requests", retry_after_seconds(error.retry_after)) from None
        fresh = [post_signal(post) for post in posts if self._seen.first_time(str(post.id))]
        return sorted(fresh, key=lambda signal: signal.time)
