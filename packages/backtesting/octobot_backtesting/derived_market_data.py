"""Tickers, order books and trades derived from candles, for trying a mode that needs them on history
that was never recorded live.

Why derived data is labelled as such: a book built around each close is not the market's book (its
depth, its spread, the queue in front of an order are made up), so a backtest on it shows how a mode
behaves, not what it would have earned. Record the real thing with ``collect_live`` for that. Each candle
gives, 1 ms before its close (what a live recorder would have seen last in that candle):

- a ticker: last = close, bid/ask = close -/+ half the spread, base volume = the candle's volume;
- a book of ``levels`` levels per side, ``spread`` apart around the close, each holding
  ``volume / levels`` (the candle's volume spread over the book);
- one trade of the candle's volume at its close (a buy when it closed up or flat, else a sell).
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
    time_frame_ms: int,
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
    for open_time, open_, _, _, close, volume in np.asarray(candles, dtype=np.float64).tolist():
        time = int(open_time) + time_frame_ms - 1
        half = close * spread / 2
        tickers.append((symbol, time, close - half, close + half, close, volume, volume * close))
        amount = volume / levels
        bids = [[close - half - close * spread * level, amount] for level in range(levels)]
        asks = [[close + half + close * spread * level, amount] for level in range(levels)]
        books.append((symbol, time, json.dumps(bids), json.dumps(asks)))
        side = "buy" if close >= open_ else "sell"
        trades.append((symbol, time, f"{symbol}-{time}", side, close, volume))
    return {
        _schema.TICKERS: writer.write_market_data(_schema.TICKERS, tickers),
        _schema.ORDER_BOOKS: writer.write_market_data(_schema.ORDER_BOOKS, books),
        _schema.TRADES: writer.write_market_data(_schema.TRADES, trades),
    }
