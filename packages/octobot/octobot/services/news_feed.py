"""NewsFeed: the new items of RSS and Atom sources, one signal per item (parsed with feedparser).

Each read fetches every source at once (aiohttp, ``timeout_seconds`` each); an item already published
(same id, else link, else title) is not published again. A source that fails (a timeout, a 429, an HTTP
error, XML feedparser cannot make an item of) is reported on its own, once per kind of error, and
retried at the next read while the other sources go on; the feed backs off only when every source fails.
The payload of a signal: ``title``, ``summary``, ``link``, ``source`` and ``text`` (title and summary, what
sentiment evaluators read); its time is the item's publication time (the read's time when it has none).
"""

from __future__ import annotations

import asyncio
import calendar
import re
import time
import xml.sax
from collections.abc import Sequence
from typing import Any, ClassVar

import aiohttp

import octobot_evaluators as oe
from octobot.errors import FeedError, ServiceConfigError
from octobot.services.polling_feed import (
    POLLING_DEFAULTS,
    POLLING_PROPERTIES,
    PollingFeed,
    retry_after_seconds,
)
from octobot.services.seen_items import SeenItems

_TAGS = re.compile(r"<[^>]+>")


def _feedparser() -> Any:
    try:
        import feedparser
    except ImportError:
        raise ServiceConfigError(
            "NewsFeed needs feedparser: pip install 'octobot[services]' (or pip install feedparser)"
        ) from None
    return feedparser


def parse_items(body: bytes, source: str, now_ms: int) -> list[oe.Signal]:
    """The items of an RSS/Atom document, oldest first. FeedError for XML that is not well formed (a
    truncated document: its last item may be cut) and for a document that is no feed (an HTML page);
    feedparser's other remarks (an encoding it had to guess) are harmless."""
    parsed = _feedparser().parse(body)
    error = parsed.get("bozo_exception")
    if parsed.bozo and isinstance(error, xml.sax.SAXException):
        raise FeedError(f"malformed feed: {type(error).__name__}: {error}")
    if not parsed.get("version"):
        raise FeedError("not an RSS or Atom feed (is the URL a web page?)")
    signals = []
    for entry in parsed.entries:
        title = str(entry.get("title", "")).strip()
        summary = _TAGS.sub(" ", str(entry.get("summary", ""))).strip()
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = calendar.timegm(stamp) * 1000 if stamp else now_ms
        payload = {
            "id": str(entry.get("id") or entry.get("link") or title),
            "title": title,
            "summary": summary,
            "link": str(entry.get("link", "")),
            "source": source,
            "text": f"{title}. {summary}".strip(". ") if summary else title,
        }
        signals.append(oe.Signal(source=source, payload=payload, time=int(published)))
    return sorted(signals, key=lambda signal: signal.time)


class NewsFeed(PollingFeed):
    """New items of RSS/Atom news sources."""

    NAME: ClassVar[str | None] = "NewsFeed"
    SERVICE: ClassVar[str | None] = "news"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        **POLLING_DEFAULTS,
        "interval_seconds": 300.0,
        "sources": ["https://cointelegraph.com/rss", "https://www.coindesk.com/arc/outboundfeeds/rss/"],
        "user_agent": "OctoBot news feed",
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **POLLING_PROPERTIES,
            "sources": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"type": "string", "pattern": "^https?://"},
                "description": "URLs of RSS or Atom feeds",
            },
            "user_agent": {"type": "string", "minLength": 1, "description": "User-Agent sent to the sources"},
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _feedparser()  # fails now, naming the missing package, rather than at every read
        self._session: aiohttp.ClientSession | None = None
        self._seen = SeenItems()

    @property
    def read_timeout(self) -> float:
        return float(self.config["timeout_seconds"]) * 1.5 + 1  # sources are read at once, each with its own

    async def open(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=float(self.config["timeout_seconds"])),
            headers={"User-Agent": self.config["user_agent"]},
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _read(self, url: str) -> list[oe.Signal]:
        assert self._session is not None
        async with self._session.get(url) as response:
            if response.status == 429:
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                raise FeedError("HTTP 429 too many requests", wait)
            if response.status >= 400:
                raise FeedError(f"HTTP {response.status} {response.reason}")
            body = await response.read()
        return parse_items(body, url, int(time.time() * 1000))

    async def fetch(self) -> Sequence[oe.Signal]:
        sources: list[str] = self.config["sources"]
        results = await asyncio.gather(*(self._read(url) for url in sources), return_exceptions=True)
        fresh: list[oe.Signal] = []
        failures: list[BaseException] = []
        for url, result in zip(sources, results, strict=True):
            if isinstance(result, BaseException):
                if isinstance(result, asyncio.CancelledError):
                    raise result
                failures.append(result)
                self.health.failed(self.describe(result), float(self.config["interval_seconds"]), source=url)
                continue
            self.health.succeeded(source=url)
            fresh.extend(signal for signal in result if self._seen.first_time(signal.payload["id"]))
        if len(failures) == len(sources):
            retry_after = [e.retry_after for e in failures if isinstance(e, FeedError) and e.retry_after]
            raise FeedError(f"all {len(sources)} source(s) failed", max(retry_after) if retry_after else None)
        return sorted(fresh, key=lambda signal: signal.time)
