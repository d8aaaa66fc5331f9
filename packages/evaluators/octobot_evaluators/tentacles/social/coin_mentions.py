"""Which of the watched coins a text talks about: their code or one of their names, as whole words.

Why names too: news titles say "Bitcoin", not "BTC". The defaults cover the largest coins; a profile adds
others through the evaluator's ``aliases`` setting ({"PEPE": ["pepe coin"]}).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

COIN_NAMES: dict[str, tuple[str, ...]] = {
    "BTC": ("bitcoin",),
    "ETH": ("ethereum", "ether"),
    "SOL": ("solana",),
    "XRP": ("ripple",),
    "BNB": ("binance coin",),
    "ADA": ("cardano",),
    "DOGE": ("dogecoin",),
    "DOT": ("polkadot",),
    "AVAX": ("avalanche",),
    "LTC": ("litecoin",),
    "LINK": ("chainlink",),
    "TRX": ("tron",),
}


def coin_of(symbol: str) -> str:
    """The base currency of a ccxt symbol ("BTC" for "BTC/USDT")."""
    return symbol.split("/", 1)[0].upper()


def mention_patterns(
    symbols: Sequence[str], aliases: Mapping[str, Sequence[str]] | None = None
) -> dict[str, re.Pattern[str]]:
    """One whole-word pattern per symbol: its coin code in capitals or as a cashtag ("BTC", "$btc": "link"
    is a word, "LINK" a coin), or one of its names in any case (defaults + aliases)."""
    patterns = {}
    for symbol in symbols:
        coin = coin_of(symbol)
        names = {*COIN_NAMES.get(coin, ()), *(aliases or {}).get(coin, ())}
        alternatives = [rf"\$(?i:{re.escape(coin)})", re.escape(coin)]
        alternatives += [f"(?i:{re.escape(name)})" for name in sorted(names, key=len, reverse=True)]
        patterns[symbol] = re.compile(rf"(?<![\w$])(?:{'|'.join(alternatives)})(?!\w)")
    return patterns


def mentioned(text: str, patterns: Mapping[str, re.Pattern[str]]) -> list[str]:
    """The symbols whose coin ``text`` mentions, in ``patterns`` order."""
    return [symbol for symbol, pattern in patterns.items() if pattern.search(text)]
