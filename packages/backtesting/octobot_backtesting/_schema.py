"""The SQLite layout of a data file (DESIGN.md §5), in one place so writer and reader cannot disagree.

Why WITHOUT ROWID with a (symbol, time_frame, timestamp) primary key: candles of one series are stored
clustered and in time order, so a forward read is one B-tree range scan, and a file can never hold two
candles for the same instant (duplicates and disorder are dealt with, and reported, before writing).
"""

from __future__ import annotations

#: Written in the description table and checked on open.
FORMAT_NAME = "octobot-backtesting"
#: Bumped when the layout changes in a way older readers cannot read.
FORMAT_VERSION = 1
#: SQLite's application_id header field ('OCTB'): tells our files apart from any other SQLite file.
APPLICATION_ID = 0x4F435442
#: Suffix of a file being written; renamed away once complete.
PART_SUFFIX = ".part"
#: Default suffix of a data file.
DATA_FILE_SUFFIX = ".data"

OHLCV_COLUMNS = "timestamp, open, high, low, close, volume"

#: Tables of live market data besides candles (recorded by the live collector, replayed on request).
TICKERS, ORDER_BOOKS, TRADES = "tickers", "order_books", "trades"
MARKET_TABLES = (TICKERS, ORDER_BOOKS, TRADES)
#: Columns of each market table after ``symbol``, in the order rows are written and read.
MARKET_COLUMNS = {
    TICKERS: "timestamp, bid, ask, last, base_volume, quote_volume",
    ORDER_BOOKS: "timestamp, bids, asks",
    TRADES: "timestamp, trade_id, side, price, amount",
}

CREATE_STATEMENTS = (
    f"PRAGMA application_id = {APPLICATION_ID}",
    f"PRAGMA user_version = {FORMAT_VERSION}",
    """CREATE TABLE description (
        format TEXT NOT NULL,
        format_version INTEGER NOT NULL,
        exchange TEXT NOT NULL,
        symbols TEXT NOT NULL,          -- JSON list, ccxt unified symbols
        time_frames TEXT NOT NULL,      -- JSON list, shortest first
        first_timestamp INTEGER,        -- ms UTC, earliest candle open time of the file
        last_timestamp INTEGER,         -- ms UTC, latest candle open time of the file
        created_at INTEGER NOT NULL,    -- ms UTC
        origin TEXT NOT NULL            -- where the data comes from (collector, import source, merge)
    )""",
    # prices may be NULL: SQLite stores a NaN as NULL, it reads back as NaN and validation reports it
    """CREATE TABLE ohlcv (
        symbol TEXT NOT NULL,
        time_frame TEXT NOT NULL,
        timestamp INTEGER NOT NULL,     -- ms UTC, candle open time
        open REAL, high REAL, low REAL, close REAL, volume REAL,
        PRIMARY KEY (symbol, time_frame, timestamp)
    ) WITHOUT ROWID""",
    # room for the other recorded market data; written by collectors that record them
    """CREATE TABLE tickers (
        symbol TEXT NOT NULL, timestamp INTEGER NOT NULL,
        bid REAL, ask REAL, last REAL, base_volume REAL, quote_volume REAL,
        PRIMARY KEY (symbol, timestamp)
    ) WITHOUT ROWID""",
    """CREATE TABLE order_books (
        symbol TEXT NOT NULL, timestamp INTEGER NOT NULL,
        bids TEXT NOT NULL, asks TEXT NOT NULL,   -- JSON [[price, amount], ...], best first
        PRIMARY KEY (symbol, timestamp)
    ) WITHOUT ROWID""",
    """CREATE TABLE trades (
        symbol TEXT NOT NULL, timestamp INTEGER NOT NULL, trade_id TEXT,
        side TEXT, price REAL NOT NULL, amount REAL NOT NULL
    )""",
    "CREATE INDEX trades_symbol_time ON trades (symbol, timestamp)",
)
