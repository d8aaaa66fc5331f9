"""Tickers, order books and trades derived from candles, for trying a mode that needs them on history
that was never recorded live.

Why derived data is labelled as such: a book built around each close is not the market's book (its
depth, its spread, the queue in front of an order are made up), so a backtest on it shows how a mode
behaves, not what it would have earned. Record the real thing with ``collect_live`` for that. Each candle
gives, at its open time (when its price is its open, before its path is walked: no look-ahead):

- a ticker: last = open, bid/ask = open -/+ half the spread, base volume = the candle's volume;
- a book of ``levels`` levels per side, ``spread`` apart around the open, each holding
  ``volume / levels`` (the candle's volume spread over the book);
- one trade of the candle's volume at its open (a buy when the candle closed up or flat, else a sell).

A replay pushes them after the candles closing at that instant (the previous candle), so an order laid
on a derived book is then filled along the candle's own path.
"""

from __future__ import annotations

import json

import numpy as np

from octobot_backtesting import _schema
from octobot_backtesting.datafile_writer import DataFileWriter
from octobot_backtesting.errors import DataFileError


def write_derived_market_data(
    writer: DataFileWriter,
    symbol: str,
    candles: np.ndarray,
    *,
    spread: float = 0.001,
    levels: int = 5,
) -> dict[str, int]:
    """Writes the tickers, books and trades derived from ``candles`` ((n, 6) rows of open time ms, open,
    high, low, close, volume) into an open ``writer``; ``spread`` is the relative distance between two
    neighbouring levels (and between the best bid and ask). Returns the rows written per table."""
    if not 0 < spread < 0.5:
        raise DataFileError(f"spread must be a ratio in (0, 0.5), like 0.001 (0.1 %); got {spread}")
    if levels < 1:
        raise DataFileError(f"levels must be at least 1, got {levels}")
    tickers, books, trades = [], [], []
    for open_time, price, _, _, close, volume in np.asarray(candles, dtype=np.float64).tolist():
        time = int(open_time)
        half = price * spread / 2
        tickers.append((symbol, time, price - half, price + half, price, volume, volume * price))
        amount = volume / levels
        bids = [[price - half - price * spread * level, amount] for level in range(levels)]
        asks = [[price + half + price * spread * level, amount] for level in range(levels)]
        books.append((symbol, time, json.dumps(bids), json.dumps(asks)))
        side = "buy" if close >= price else "sell"
        trades.append((symbol, time, f"{symbol}-{time}", side, price, volume))
    return {
        _schema.TICKERS: writer.write_market_data(_schema.TICKERS, tickers),
        _schema.ORDER_BOOKS: writer.write_market_data(_schema.ORDER_BOOKS, books),
        _schema.TRADES: writer.write_market_data(_schema.TRADES, trades),
    }
