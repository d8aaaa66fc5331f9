"""Recorded tickers, order books and trades of one feed, pushed into its ExchangeManager at their time.

Why the ExchangeManager's own ``push_ticker`` / ``push_order_book`` / ``push_recent_trades``: they are
what a live connector's streams call, so real-time evaluators and trading modes receive a replayed book
exactly as a live one (same channels, same messages: Decimal prices, ``[[price, amount], ...]`` levels),
and a ticker's last price moves the simulator's market as a live one does. The replay merges these
events with candle closes in time order (see ``replay.py``); at one instant, candles go first.

Recorded market data is hours or days, not years: a feed's events of the run window are read at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from octobot_backtesting import _schema
from octobot_backtesting.datafile_reader import DataFileReader
from octobot_backtesting.errors import BacktestingError
from octobot_trading import ExchangeManager

#: push order of the tables' events within one instant
_TABLE_ORDER = {table: index for index, table in enumerate(_schema.MARKET_TABLES)}


class MissingMarketDataError(BacktestingError):
    """A replay was asked for tickers, order books or trades a data file does not hold."""


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value))


@dataclass(slots=True)
class MarketEvents:
    """The recorded market events of one feed in a run window, in time order; ``push_next`` pushes those
    of the next instant."""

    manager: ExchangeManager
    #: (timestamp, table, symbol, rows of that table for the symbol at that timestamp)
    events: list[tuple[int, str, str, list[tuple]]]
    position: int = 0
    #: events pushed per table
    pushed: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(
        cls,
        manager: ExchangeManager,
        reader: DataFileReader,
        tables: tuple[str, ...],
        symbols: list[str],
        start_ms: int,
        end_ms: int,
    ) -> MarketEvents:
        """Reads the ``tables`` rows of ``symbols`` stamped in (start_ms, end_ms]; a table without any row
        for one of the symbols is a MissingMarketDataError naming the file, the table and the symbol."""
        events: list[tuple[int, str, str, list[tuple]]] = []
        for table in tables:
            recorded = set(reader.market_symbols(table))
            for symbol in symbols:
                if symbol not in recorded:
                    raise MissingMarketDataError(
                        f"{Path(reader.path).name} has no {table} of {symbol} (it holds "
                        f"{', '.join(sorted(recorded)) or 'none'}); record them with `octobot data collect "
                        f"--live --exchange {reader.description.exchange} --symbol {symbol} --record {table}`"
                    )
            for row in reader.read_market_data(table, symbols, start_ms + 1, end_ms):
                last = events[-1] if events else None
                if last is not None and last[:3] == (row[1], table, row[0]):
                    last[3].append(row)  # trades of one instant go in one message
                else:
                    events.append((row[1], table, row[0], [row]))
        events.sort(key=lambda event: (event[0], _TABLE_ORDER[event[1]], event[2]))
        return cls(manager, events)

    @property
    def next_time(self) -> int | None:
        return self.events[self.position][0] if self.position < len(self.events) else None

    async def push_next(self) -> None:
        """Pushes every event of the next instant (the replay's clock is already there)."""
        events, manager = self.events, self.manager
        instant = events[self.position][0]
        while self.position < len(events) and events[self.position][0] == instant:
            _, table, symbol, rows = events[self.position]
            self.position += 1
            self.pushed[table] = self.pushed.get(table, 0) + 1
            if table == _schema.TICKERS:
                _, time, bid, ask, last, base_volume, quote_volume = rows[-1]
                ticker = {
                    "symbol": symbol,
                    "timestamp": time,
                    "bid": _decimal(bid),
                    "ask": _decimal(ask),
                    "last": _decimal(last),
                    "baseVolume": _decimal(base_volume),
                    "quoteVolume": _decimal(quote_volume),
                }
                await manager.push_ticker(symbol, ticker)
            elif table == _schema.ORDER_BOOKS:
                _, time, bids, asks = rows[-1]
                await manager.push_order_book(symbol, _levels(bids), _levels(asks), time)
            else:
                trades = [
                    {
                        "id": trade_id,
                        "time": time,
                        "side": side,
                        "price": Decimal(repr(price)),
                        "amount": Decimal(repr(amount)),
                    }
                    for _, time, trade_id, side, price, amount in rows
                ]
                await manager.push_recent_trades(symbol, trades)


def _levels(text: str) -> list[list[Decimal]]:
    return [[Decimal(repr(price)), Decimal(repr(amount))] for price, amount in json.loads(text)]
