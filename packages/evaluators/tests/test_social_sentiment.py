"""The sentiment evaluators: coins found in real-looking headlines, scored with VADER over a window."""

from __future__ import annotations

import pytest

import octobot_channel as oc
import octobot_evaluators as oe
from octobot_evaluators.tentacles.social.coin_mentions import mention_patterns, mentioned
from octobot_evaluators.tentacles.social.text_sentiment import (
    HOUR_MS,
    NewsSentimentEvaluator,
    RedditSentimentEvaluator,
)

pytest.importorskip("vaderSentiment")

PAIRS = ["BTC/USDT", "ETH/USDT", "LINK/USDT"]
GOOD = "Bitcoin surges to a record high as ETF inflows boost investor confidence"
BAD = "Bitcoin crashes as panic selling wipes out billions; traders fear a deeper collapse"
ETH_BAD = "Ethereum developers delay upgrade again after a critical bug, frustrating users"


def test_coins_are_found_by_code_cashtag_or_name_never_in_ordinary_words():
    patterns = mention_patterns(PAIRS, {"ETH": ["vitalik's chain"]})
    assert mentioned(GOOD, patterns) == ["BTC/USDT"]
    assert mentioned("$eth and LINK rally", patterns) == ["ETH/USDT", "LINK/USDT"]
    assert mentioned("click the link to read about bitcoins", patterns) == []
    assert mentioned("Vitalik's chain upgrade ships", patterns) == ["ETH/USDT"]


async def _run(evaluator_class, signals, **config):
    sync = oc.Synchronizer()
    matrix = oe.EvaluationMatrix(f"sentiment-{evaluator_class.__name__}")
    await matrix.start(sync)
    evaluator = evaluator_class(oe.EvaluatorContext(matrix, "binance"), PAIRS, config=config)
    feed = oe.SocialFeed(matrix.matrix_id, name=evaluator.feed)
    await evaluator.start()
    await feed.start()
    try:
        values = []
        for signal in signals:
            await feed.publish(signal)
            await sync.drain()
            values.append({symbol: matrix.get_value(evaluator.matrix_key(symbol)) for symbol in PAIRS})
        return values
    finally:
        await feed.stop()
        await evaluator.stop()
        await matrix.stop()


def _item(text: str, hour: int, **payload) -> oe.Signal:
    return oe.Signal("https://news.example/rss", {"text": text, **payload}, time=hour * HOUR_MS)


async def test_news_sentiment_averages_the_recent_items_about_each_coin():
    values = await _run(
        NewsSentimentEvaluator,
        [
            _item(GOOD, 0),
            _item("Weather is nice today", 1),  # about no coin: nothing changes
            _item(BAD, 2),
            _item(ETH_BAD, 3),
            _item(BAD, 40),  # the good news of hour 0 left the 24h window
        ],
    )
    assert values[0]["BTC/USDT"] > 0.5 and values[0]["ETH/USDT"] is None
    assert values[1] == values[0]
    assert -0.5 < values[2]["BTC/USDT"] < values[0]["BTC/USDT"]  # one good, one bad item
    assert values[3]["ETH/USDT"] < 0 and values[3]["BTC/USDT"] == values[2]["BTC/USDT"]
    assert values[4]["BTC/USDT"] < -0.5 and values[4]["LINK/USDT"] is None


async def test_no_opinion_until_min_items_and_a_weight_counts_an_item_more():
    values = await _run(
        RedditSentimentEvaluator,
        [
            oe.Signal("r/CryptoCurrency", {"text": GOOD, "weight": 1}, time=0, symbol=None),
            oe.Signal("r/CryptoCurrency", {"text": BAD, "weight": 9}, time=1, symbol=None),
        ],
        min_items=2,
    )
    assert values[0]["BTC/USDT"] is None  # one item is not enough yet
    assert values[1]["BTC/USDT"] < -0.3  # the heavily upvoted bad post dominates


def test_a_bad_setting_is_refused_by_name():
    with pytest.raises(oe.EvaluatorConfigError, match="window_hours"):
        NewsSentimentEvaluator.validate_config({**NewsSentimentEvaluator.DEFAULT_CONFIG, "window_hours": 0})
