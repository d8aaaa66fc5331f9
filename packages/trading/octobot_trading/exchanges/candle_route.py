# cython: annotation_typing=False
"""Where the closed candles of one (symbol, time frame) go in an exchange manager, resolved once.

Why: ``push_candle`` is called for every candle of a backtest. Parsing the time frame, finding the
symbol's data and buffer, telling whether this time frame gives the symbol's price and computing the
candle's close time are the same for every candle of a series: a route holds them, so a candle costs
its buffer write, its price (kept as the float it came as: it becomes a Decimal only when an order or a
valuation reads it) and the simulator's look at its open orders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from octobot_trading.timestamps import candle_close_time, grid_length_ms

if TYPE_CHECKING:  # types only: the compiled build keeps them as objects (see the .pxd)
    from octobot_trading.candles import CandleBuffer
    from octobot_trading.exchanges.connector import ExchangeConnector
    from octobot_trading.exchanges.market_data import SymbolData
    from octobot_trading.time_frames import TimeFrame


class CandleRoute:
    """One (symbol, time frame) of an exchange manager: its buffer, and whether its candles move prices.

    ``prices`` is set by the manager on the symbol's smallest time frame pushed so far (the one whose
    candles the simulator walks); ``simulator`` is the manager's connector when it matches orders itself
    (paper trading, backtesting), else None. ``first_price`` is called with the symbol's data when it gets
    its first price (before the simulator walks that candle).
    """

    def __init__(
        self,
        data: SymbolData,
        buffer: CandleBuffer,
        tf: TimeFrame,
        simulator: ExchangeConnector | None,
        first_price: Callable[[SymbolData], None],
    ) -> None:
        self.symbol: str = data.symbol
        self.data = data
        self.buffer = buffer
        self.tf = tf
        #: the time frame's text, as the OHLCV message gives it
        self.value: str = tf.value
        #: the time frame's length on the epoch grid; 0 for weeks and months (calendar arithmetic)
        self.grid_ms: int = grid_length_ms(tf) or 0
        self.prices = False
        self.simulator = simulator
        self.first_price = first_price

    def store(self, candle: Sequence) -> bool:
        """Stores the closed candle ``[open_time_ms, open, high, low, close, volume]``; on the price time
        frame its close becomes the symbol's price and the simulator walks it. True when that walk
        paused after a watched fill (the manager lets the bot react, then resumes it)."""
        open_time = int(candle[0])
        self.buffer.append(open_time, candle[1], candle[2], candle[3], candle[4], candle[5])
        if not self.prices:
            return False
        close = candle[4]
        grid = self.grid_ms
        if grid:
            start = open_time  # an int64 in the compiled build: the close time in C arithmetic
            close_time = start - start % grid + grid
        else:
            close_time = candle_close_time(open_time, self.tf)
        data = self.data
        data.set_price(close, close_time)
        if not data.priced:
            self.first_price(data)
        simulator = self.simulator
        if simulator is not None:
            return simulator.process_candle(
                self.symbol, open_time, candle[1], candle[2], candle[3], close, candle[5]
            )
        return False
