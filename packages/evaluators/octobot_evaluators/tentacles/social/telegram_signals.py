"""TelegramSignalsEvaluator: buy and sell calls of a signals channel, read from its messages.

A message is a call when it names a watched pair (``pair_pattern``: by default "BTC/USDT", "BTCUSDT",
"#BTCUSDT", "$ETH-BTC"...) and holds buy words or sell words (whole words, any case), not both: then
every named pair is evaluated +``strength`` (buy) or -``strength`` (sell). Anything else (chatter, a
pair this bot does not trade, a message saying both) changes nothing. Why plain patterns: signal
channels write calls in a few fixed shapes; the patterns are the user's to adapt to theirs.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from octobot_evaluators.errors import EvaluatorConfigError
from octobot_evaluators.evaluation import UNCHANGED, _Unchanged
from octobot_evaluators.social import Signal, SocialEvaluator

#: a pair written "BTC/USDT", "BTCUSDT", "#BTCUSDT", "$ETH-BTC": the base, then a known quote
DEFAULT_PAIR_PATTERN = (
    r"(?<![A-Za-z0-9])[#$]?(?P<base>[A-Z0-9]{2,10})\s*[/_-]?\s*"
    r"(?P<quote>USDT|USDC|FDUSD|BUSD|BTC|ETH|USD|EUR)\b"
)


def compile_pair_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled ``pair_pattern``; EvaluatorConfigError unless a regex with groups base and quote."""
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise EvaluatorConfigError(
            f"TelegramSignalsEvaluator: pair_pattern is not a regular expression: {error}"
        ) from None
    if not {"base", "quote"} <= set(compiled.groupindex):
        raise EvaluatorConfigError(
            "TelegramSignalsEvaluator: pair_pattern needs the named groups (?P<base>...) and (?P<quote>...)"
        )
    return compiled


def words_pattern(words: list[str]) -> re.Pattern[str] | None:
    """Any of ``words`` as a whole word, any case (None for no word)."""
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class TelegramSignalsEvaluator(SocialEvaluator):
    """Buy/sell calls of a Telegram signals channel (TelegramChannelFeed)."""

    FEED: ClassVar[str | None] = "TelegramChannelFeed"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "feed": "TelegramChannelFeed",
        "pair_pattern": DEFAULT_PAIR_PATTERN,
        "buy_words": ["buy", "long", "bullish", "entry"],
        "sell_words": ["sell", "short", "bearish", "exit", "close"],
        "strength": 1.0,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "feed": {"type": "string", "minLength": 1, "description": "the service feed it evaluates"},
            "pair_pattern": {
                "type": "string",
                "minLength": 1,
                "description": "regular expression finding a pair, with named groups base and quote",
            },
            "buy_words": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "description": "words of a buy call",
            },
            "sell_words": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "description": "words of a sell call",
            },
            "strength": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 1,
                "description": "evaluation of a call: +strength for a buy, -strength for a sell",
            },
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pairs = compile_pair_pattern(self.config["pair_pattern"])
        self._buy = words_pattern(self.config["buy_words"])
        self._sell = words_pattern(self.config["sell_words"])
        # "BTCUSDT" -> "BTC/USDT" for the watched symbols (a futures symbol by its spot part)
        self._by_joined = {symbol.split(":")[0].replace("/", "").upper(): symbol for symbol in self.symbols}

    def named_symbols(self, text: str) -> list[str]:
        """The watched symbols ``text`` names, in order of appearance."""
        found = []
        for match in self._pairs.finditer(text):
            symbol = self._by_joined.get(f"{match['base']}{match['quote']}".upper())
            if symbol is not None and symbol not in found:
                found.append(symbol)
        return found

    def on_signal(self, signal: Signal) -> dict[str, float] | _Unchanged:
        text = str(signal.payload.get("text", ""))
        buying = bool(self._buy and self._buy.search(text))
        selling = bool(self._sell and self._sell.search(text))
        if buying == selling:
            return UNCHANGED  # no call, or an ambiguous one
        symbols = self.named_symbols(text)
        if not symbols:
            return UNCHANGED
        value = float(self.config["strength"]) * (1 if buying else -1)
        return {symbol: value for symbol in symbols}
