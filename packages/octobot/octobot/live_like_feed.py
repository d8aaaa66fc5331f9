"""Recorded candles pushed into a normal-mode bot the way a live feed pushes them.

Why: a tentacle must behave in a backtest as it does live. A live feed (`LiveFeed`) gives the bot, for
each candle, ticker prices and the candle in construction while it forms, then the closed candle; the
channels run their consumers as tasks. This feed does the same with recorded candles on a clock it sets
itself, and waits after each push until every consumer of the bot has processed everything (nothing is
timed: it polls `Consumer.is_idle` between event-loop turns).

For each instant (a close time where the backtest pushed candles), in order:
1. for each symbol, the price path of its candle of the smallest time frame (open, nearer extreme,
   farther extreme, close: the simulator's own intra-candle path) as tickers, each followed by the
   candle in construction of every time frame, at instants strictly inside the candle;
2. the closed candles of that instant, as the backtest pushed them, with the clock at the close time;
3. the recorded tickers, order books and trades of that instant (`market_events`), as the replay pushes
   them after its candles; those of instants where no candle closes, at their own instant.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

import octobot_backtesting as ob
import octobot_channel as oc
import octobot_trading as ot
from octobot.errors import BotError

#: event-loop turns a push may take to settle before the feed gives up (a consumer waiting on the outside
#: world, or two consumers feeding each other forever)
MAX_SETTLE_TURNS = 100_000
#: candle pushes of one instant: (exchange, symbol, time frame, candle)
InstantPushes = Sequence[tuple[str, str, str, tuple[float, ...]]]


class ManualClock:
    """A clock the feed sets (the exchange's clock of a live run)."""

    def __init__(self, now_ms: int) -> None:
        self._now = int(now_ms)

    def now_ms(self) -> int:
        return self._now

    def set(self, now_ms: int) -> None:
        self._now = int(now_ms)


async def wait_until_settled(scopes: Sequence[object]) -> None:
    """Return once every consumer of every channel of ``scopes`` is idle."""
    for _ in range(MAX_SETTLE_TURNS):
        if all(
            consumer.is_idle
            for scope in scopes
            for channel in oc.list_channels(scope)
            for consumer in channel.consumers
        ):
            return
        await asyncio.sleep(0)
    raise BotError(
        f"the bot did not settle after {MAX_SETTLE_TURNS} event-loop turns: a consumer keeps working "
        "(waiting on the network, or two tentacles feeding each other)"
    )


class LiveLikeFeed:
    """Feeds ``managers`` (by exchange name) instant by instant; ``instant`` is the one being fed."""

    def __init__(
        self,
        managers: dict[str, ot.ExchangeManager],
        clock: ManualClock,
        time_frames: Sequence[str],
        scopes: Sequence[object],
    ) -> None:
        self.managers = managers
        self.clock = clock
        self.time_frames = ot.sort_time_frames(time_frames)
        self.scopes = list(scopes)
        self.instant = clock.now_ms()
        self._path = ot.FillModel().candle_path
        #: (exchange, symbol, time frame) -> candles of that series, to build the candles in construction
        self._series: dict[tuple[str, str, str], np.ndarray] = {}
        #: (exchange, symbol, time frame) -> the candle in construction (see _in_construction)
        self._running: dict[tuple[str, str, str], list[float]] = {}

    def know(self, pushes: Sequence[tuple[int, str, str, str, tuple[float, ...]]]) -> None:
        """Every closed candle the run will push (to know the candle in construction of larger time
        frames: its open time and open price; its high, low and volume are built from the prices fed)."""
        grouped: dict[tuple[str, str, str], list[tuple[float, ...]]] = {}
        for _, exchange, symbol, time_frame, candle in pushes:
            grouped.setdefault((exchange, symbol, time_frame), []).append(candle)
        self._series = {key: np.asarray(rows, dtype=np.float64) for key, rows in grouped.items()}

    async def feed(self, instant: int, pushes: InstantPushes) -> None:
        """Everything that happens up to ``instant``, then its closed candles (see the module doc)."""
        self.instant = instant
        smallest = self.time_frames[0]
        for exchange, symbol, time_frame, candle in pushes:
            if time_frame == smallest.value:
                await self._forming(exchange, symbol, candle, smallest.ms)
        self.clock.set(instant)
        for exchange, symbol, time_frame, candle in pushes:
            await self.managers[exchange].push_candle(symbol, time_frame, list(candle))
        await wait_until_settled(self.scopes)

    async def market_events(self, events: Sequence[ob.MarketEvents], *, before: int) -> None:
        """Push the recorded market events dated before ``before``, instant by instant (every feed's
        events of one instant together, as the replay does), each followed by a settle."""
        while True:
            pending = [each.next_time for each in events if each.next_time is not None]
            instant = min(pending, default=None)
            if instant is None or instant >= before:
                return
            self.instant = instant
            self.clock.set(instant)
            for each in events:
                if each.next_time == instant:
                    await each.push_next()
            await wait_until_settled(self.scopes)

    async def _forming(self, exchange: str, symbol: str, candle: tuple[float, ...], length: int) -> None:
        manager = self.managers[exchange]
        open_time = int(candle[0])
        path = self._path(*(Decimal(str(value)) for value in candle[1:5]))
        step = length // (len(path) + 1)
        for index, price in enumerate(path):
            now = open_time + (index + 1) * step  # strictly inside the candle
            self.clock.set(now)
            await manager.push_ticker(symbol, {"symbol": symbol, "last": price, "timestamp": now})
            volume = candle[5] * (index + 1) / len(path)
            for time_frame in self.time_frames:
                forming = self._in_construction(exchange, symbol, time_frame, now, float(price))
                if forming is not None:
                    await manager.push_kline(symbol, time_frame.value, [*forming[:5], forming[5] + volume])
            await wait_until_settled(self.scopes)
        for time_frame in self.time_frames:  # the small candle is done: its volume counts in full
            running = self._running.get((exchange, symbol, time_frame.value))
            if running is not None:
                running[5] += candle[5]

    def _in_construction(
        self, exchange: str, symbol: str, time_frame: ot.TimeFrame, now: int, price: float
    ) -> list[float] | None:
        """[open time, open, high, low, price, volume of the candles before] of the candle of
        ``time_frame`` forming at ``now``, when that series is recorded."""
        key = (exchange, symbol, time_frame.value)
        series = self._series.get(key)
        if series is None or not len(series):
            return None
        opens = series[:, 0]
        index = int(np.searchsorted(opens, now, side="right")) - 1
        if index < 0 or ot.candle_close_time(int(opens[index]), time_frame) <= now:
            return None
        running = self._running.get(key)
        if running is None or running[0] != opens[index]:
            opened = float(series[index, 1])
            running = self._running[key] = [float(opens[index]), opened, opened, opened, price, 0.0]
        running[2], running[3], running[4] = max(running[2], price), min(running[3], price), price
        return list(running)
