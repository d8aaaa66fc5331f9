# cython: annotation_typing=False
"""Market data of one exchange manager, and the interface of what feeds it.

A market-data source (the live ccxt connector's streams, a backtesting replay) pushes into an exchange
manager through the :class:`MarketDataSink` methods; nothing else writes market data. The simulator and
the trader read prices back from :class:`SymbolData`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Sequence
from decimal import Decimal
from typing import Protocol

from octobot_trading.candles import DEFAULT_MAX_SIZE, CandleBuffer
from octobot_trading.symbols import Symbol, parse_symbol
from octobot_trading.time_frames import TimeFrame, parse_time_frame


class MarketDataSink(Protocol):
    """Where market data enters the bot (implemented by ExchangeManager)."""

    # an awaitable, not necessarily a coroutine (ExchangeManager's is complete when nothing had to wait)
    def push_candle(self, symbol: str, time_frame: str | TimeFrame, candle: Sequence) -> Awaitable[None]: ...

    async def push_kline(self, symbol: str, time_frame: str | TimeFrame, candle: Sequence) -> None: ...

    async def push_ticker(self, symbol: str, ticker: dict) -> None: ...

    async def push_mark_price(self, symbol: str, price: Decimal, time: int | None = None) -> None: ...

    async def push_order_book(self, symbol: str, bids: list, asks: list, time: int | None = None) -> None: ...

    async def push_recent_trades(self, symbol: str, trades: list[dict]) -> None: ...


class MarketDataSource(ABC):
    """Something that feeds an exchange manager: live streams or a recorded replay."""

    @abstractmethod
    async def start(self, sink: MarketDataSink) -> None:
        """Begin pushing data into ``sink``."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop pushing data."""


class SymbolData:
    """Everything known about one symbol's market: candle buffers per time frame, last prices, book.

    A cdef class in the compiled build (see market_data.pxd): the price written on every candle
    (``set_price``) is a C call on typed fields; the rest stays in the instance's ``__dict__``.
    """

    def __init__(self, symbol: str, buffer_size: int = DEFAULT_MAX_SIZE) -> None:
        self.symbol = symbol
        #: the parsed symbol, so hot paths never parse it again
        self.parsed_symbol: Symbol = parse_symbol(symbol)
        self.buffer_size = buffer_size
        self.candles: dict[TimeFrame, CandleBuffer] = {}
        #: the last price as pushed (a candle's float close, a Decimal), and its Decimal once read: a
        #: replay's close becomes a Decimal only when an order or a valuation reads it, not on every candle
        self._raw_price: Decimal | float | None = None
        self._price: Decimal | None = None
        #: True once a price was seen (the portfolio manager took it as the starting price)
        self.priced = False
        self.last_price_time: int | None = None
        self.mark_price: Decimal | None = None
        self.ticker: dict | None = None
        self.bids: list = []
        self.asks: list = []
        self.recent_trades: list[dict] = []

    def candle_buffer(self, time_frame: str | TimeFrame) -> CandleBuffer:
        try:  # a time frame hashes as its text: a known one is found without parsing
            buffer = self.candles.get(time_frame)  # type: ignore[arg-type]  # a str finds its TimeFrame
        except TypeError:  # not a time frame: parse_time_frame names the problem
            buffer = None
        if buffer is not None:
            return buffer
        tf = parse_time_frame(time_frame)
        buffer = self.candles.get(tf)
        if buffer is None:
            buffer = self.candles[tf] = CandleBuffer(self.symbol, tf, self.buffer_size)
        return buffer

    @property
    def last_price(self) -> Decimal | None:
        """The last price as a Decimal (``Decimal(str(close))`` for a float close), None before any."""
        price = self._price
        if price is None:
            raw = self._raw_price
            if raw is None:
                return None
            price = self._price = raw if isinstance(raw, Decimal) else Decimal(str(raw))
        return price

    def set_price(self, price: Decimal | float, time: int) -> None:
        """A new last price (a float is kept as it is until :attr:`last_price` is read)."""
        self._raw_price = price
        self._price = None
        self.last_price_time = time
