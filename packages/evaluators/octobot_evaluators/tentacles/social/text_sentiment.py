"""Sentiment of what a feed says about each watched coin: news items, Reddit posts.

Each signal's ``text`` is scored with VADER (vaderSentiment: a lexicon and rule-based model tuned for
short social texts; its compound score is already in [-1, 1], -1 most negative); the evaluation of a coin
is the weighted mean score of the items about it in the last ``window_hours`` (by the items' own times),
once ``min_items`` of them were seen. An item about no watched coin changes nothing (UNCHANGED). Why a
window and not the last item: one headline is noise; the mood of a day of headlines is the signal.
A payload's ``weight`` (a Reddit post's votes, for instance) counts that item more.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from typing import Any, ClassVar

from octobot_evaluators.errors import EvaluatorsError
from octobot_evaluators.evaluation import UNCHANGED, _Unchanged
from octobot_evaluators.social import Signal, SocialEvaluator
from octobot_evaluators.tentacles.social.coin_mentions import mention_patterns, mentioned

HOUR_MS = 3_600_000


def _analyzer() -> Any:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        raise EvaluatorsError(
            "sentiment evaluators need vaderSentiment: pip install 'octobot-evaluators[social]'"
        ) from None
    return SentimentIntensityAnalyzer()


class TextSentimentEvaluator(SocialEvaluator):
    """Base of the sentiment evaluators: set FEED and, if needed, `text_of`."""

    ABSTRACT: ClassVar[bool] = True
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"window_hours": 24.0, "min_items": 1, "aliases": {}}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "feed": {"type": "string", "minLength": 1, "description": "the service feed it evaluates"},
            "window_hours": {
                "type": "number",
                "exclusiveMinimum": 0,
                "description": "items older than this (before the newest one) no longer count",
            },
            "min_items": {
                "type": "integer",
                "minimum": 1,
                "description": "items about a coin needed before a first evaluation",
            },
            "aliases": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 2}},
                "description": 'more names of a coin, e.g. {"PEPE": ["pepe coin"]}',
            },
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._analyzer = _analyzer()
        self._patterns = mention_patterns(self.symbols, self.config["aliases"])
        self._recent: dict[str, deque[tuple[int, float, float]]] = {
            symbol: deque() for symbol in self.symbols
        }

    def text_of(self, payload: Mapping[str, Any]) -> str:
        """What is scored and searched for coin names."""
        return str(payload.get("text", ""))

    def score(self, text: str) -> float:
        """VADER's compound score of ``text``, in [-1, 1]."""
        return float(self._analyzer.polarity_scores(text)["compound"])

    def on_signal(self, signal: Signal) -> dict[str, float | None] | _Unchanged:
        text = self.text_of(signal.payload)
        symbols = [signal.symbol] if signal.symbol in self.symbols else mentioned(text, self._patterns)
        if not text or not symbols:
            return UNCHANGED
        score = self.score(text)
        weight = signal.payload.get("weight", 1.0)
        weight = (
            float(weight)
            if isinstance(weight, (int, float)) and math.isfinite(weight) and weight > 0
            else 1.0
        )
        horizon = signal.time - int(self.config["window_hours"] * HOUR_MS)
        evaluations: dict[str, float | None] = {}
        for symbol in symbols:
            recent = self._recent[symbol]
            recent.append((signal.time, score, weight))
            while recent and recent[0][0] < horizon:
                recent.popleft()
            kept = [item for item in recent if item[0] >= horizon]  # items may arrive out of order
            if len(kept) < self.config["min_items"]:
                evaluations[symbol] = None
                continue
            total = sum(item[2] for item in kept)
            evaluations[symbol] = max(-1.0, min(1.0, sum(item[1] * item[2] for item in kept) / total))
        return evaluations

    async def reset(self) -> None:
        await super().reset()
        for recent in self._recent.values():
            recent.clear()


class NewsSentimentEvaluator(TextSentimentEvaluator):
    """Mood of the recent news about each coin (NewsFeed's RSS/Atom items)."""

    FEED: ClassVar[str | None] = "NewsFeed"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {**TextSentimentEvaluator.DEFAULT_CONFIG, "feed": "NewsFeed"}


class RedditSentimentEvaluator(TextSentimentEvaluator):
    """Mood of the recent posts about each coin in the chosen subreddits (RedditFeed), weighted by votes."""

    FEED: ClassVar[str | None] = "RedditFeed"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {**TextSentimentEvaluator.DEFAULT_CONFIG, "feed": "RedditFeed"}
