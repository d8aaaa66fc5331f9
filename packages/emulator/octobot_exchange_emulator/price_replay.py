"""The emulator's market: recorded candles replayed one step at a time on an explicit clock.

Why explicit: tests call ``advance()`` and know exactly which candle the exchange is on; the CLI runs
the same steps from a background task at a speed factor. Each step closes the next candle of every
symbol that has one at that time and walks its intra-bar path with the simulator's path model
(open -> nearer extreme -> farther extreme -> close).
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from octobot_exchange_emulator.errors import EmulatorDataError
from octobot_trading.simulator.fill_model import FillModel
from octobot_trading.time_frames import TimeFrame

logger = logging.getLogger(__name__)

#: synthetic public trades kept per symbol (/api/v3/trades and aggTrades serve the last ones)
MAX_RECENT_TRADES = 1000


@dataclass(frozen=True)
class PublicTrade:
    trade_id: int
    price: Decimal
    quantity: Decimal
    time: int
    buyer_maker: bool


def to_decimal(value: float) -> Decimal:
    """A recorded float price as the Decimal it was printed as (repr is the shortest exact form)."""
    return Decimal(repr(float(value)))


class SymbolReplay:
    """The replay state of one symbol."""

    def __init__(self, symbol: str, candles: np.ndarray, history: int) -> None:
        self.symbol = symbol
        self.candles = candles
        #: number of candles closed so far (candles[:closed] are history)
        self.closed = history
        self.trades: deque[PublicTrade] = deque(maxlen=MAX_RECENT_TRADES)
        #: order book update id: +1 each time the symbol's price moves (chains REST /depth and depth diffs)
        self.update_id = 1
        self._next_trade_id = 1
        self.last_price = to_decimal(candles[history - 1, 4]) if history else to_decimal(candles[0, 1])
        self._time_frame_ms = int(candles[1, 0] - candles[0, 0])
        for row in candles[max(0, history - 50) : history]:  # recent public trades of the history
            self._trade_path(row, self._time_frame_ms, FillModel())

    def closed_candles(self) -> np.ndarray:
        return self.candles[: self.closed]

    def forming_candle(self, now_ms: int) -> np.ndarray | None:
        """The candle opened at ``now_ms`` as Binance shows it at that instant: its open price for open,
        high, low and close, no volume yet (None when the data has no candle at that time)."""
        if self.closed >= len(self.candles) or int(self.candles[self.closed, 0]) != now_ms:
            return None
        row = self.candles[self.closed]
        return np.array([row[0], row[1], row[1], row[1], row[1], 0.0])

    def candles_with_forming(self, now_ms: int) -> np.ndarray:
        forming = self.forming_candle(now_ms)
        closed = self.closed_candles()
        return closed if forming is None else np.vstack([closed, forming])

    def next_open_time(self) -> int | None:
        return int(self.candles[self.closed, 0]) if self.closed < len(self.candles) else None

    def step(self, fill_model: FillModel, time_frame_ms: int) -> tuple[list[Decimal], list[int]]:
        """Close the next candle: the prices visited (from the last price) and their times."""
        row = self.candles[self.closed]
        self.closed += 1
        self.update_id += 1
        start_price = self.last_price
        path, times = self._trade_path(row, time_frame_ms, fill_model)
        return [start_price, *path], [times[0], *times]

    def _trade_path(
        self, row: np.ndarray, time_frame_ms: int, fill_model: FillModel
    ) -> tuple[list[Decimal], list[int]]:
        """Walk one candle: record its path points as public trades, move the last price to its close."""
        open_, high, low, close = (to_decimal(value) for value in row[1:5])
        path = fill_model.candle_path(open_, high, low, close)
        start = int(row[0])
        times = [start + time_frame_ms * i // 4 for i in range(4)]
        times[-1] = start + time_frame_ms - 1
        quantity = to_decimal(row[5] / 4).quantize(Decimal("0.00000001")) if row[5] > 0 else Decimal(0)
        previous = self.last_price
        for price, time in zip(path, times, strict=True):
            self.trades.append(PublicTrade(self._next_trade_id, price, quantity, time, price < previous))
            self._next_trade_id += 1
            previous = price
        self.last_price = close
        return path, times


class PriceReplay:
    """Candles of one or more symbols on one time frame, stepped together along their open times."""

    def __init__(self, candles: dict[str, np.ndarray], time_frame: TimeFrame, history: int | None) -> None:
        self.time_frame = time_frame
        self.fill_model = FillModel()
        self.symbols: dict[str, SymbolReplay] = {}
        for symbol, array in candles.items():
            if len(array) < 2:
                raise EmulatorDataError(f"{symbol}: need at least 2 candles to replay")
            count = min(len(array) // 2, 500) if history is None else history
            if not 0 <= count < len(array):
                raise EmulatorDataError(
                    f"{symbol}: history={count} must leave candles to replay (the data has {len(array)})"
                )
            self.symbols[symbol] = SymbolReplay(symbol, array, count)
        opened = [r.next_open_time() for r in self.symbols.values()]
        #: the emulator's clock: close time of the last closed candle (= open time of the forming one)
        self.now_ms = min(t for t in opened if t is not None)

    @property
    def finished(self) -> bool:
        return all(r.next_open_time() is None for r in self.symbols.values())

    def step(self) -> dict[str, tuple[list[Decimal], list[int]]]:
        """Close the next candle of every symbol opened at the earliest pending time."""
        pending = [t for t in (r.next_open_time() for r in self.symbols.values()) if t is not None]
        if not pending:
            return {}
        start = min(pending)
        moves = {}
        for replay in self.symbols.values():
            if replay.next_open_time() == start:
                moves[replay.symbol] = replay.step(self.fill_model, self.time_frame.ms)
        self.now_ms = start + self.time_frame.ms
        return moves
