"""REST pollers: candles timed to candle closes on the exchange's clock, other data at an interval.

Why timed to closes: a candle is only worth fetching once it closed; sleeping until the next close
(plus a small delay for the exchange to publish it) fetches each candle once, as early as possible,
with no request in between. The poller is also the watchdog's fallback when a stream goes silent, so
it shares the "last candle pushed" mark with the stream: switching between them never pushes a
candle twice nor skips one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from octobot_trading.ccxt_connector.errors import ExchangeError
from octobot_trading.time_frames import TimeFrame, parse_time_frame
from octobot_trading.timestamps import candle_close_time, candle_open_time

if TYPE_CHECKING:
    from octobot_trading.ccxt_connector.live_connector import CcxtLiveConnector

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]


class CandleMark:
    """Open time of the last closed candle pushed for one (symbol, time frame), shared by its stream
    and its poller."""

    __slots__ = ("last_closed", "last_forming")

    def __init__(self, last_closed: int | None = None) -> None:
        self.last_closed = last_closed
        self.last_forming: list[float] | None = None


class CandleSink(Protocol):
    """Where closed candles and the candle in construction go (an exchange manager, a counting relay)."""

    def push_candle(self, symbol: str, time_frame: str | TimeFrame, candle: list) -> Awaitable[None]: ...

    async def push_kline(self, symbol: str, time_frame: str | TimeFrame, candle: list) -> None: ...


async def push_candle_rows(
    sink: CandleSink,
    symbol: str,
    tf: TimeFrame,
    rows: list,
    mark: CandleMark,
    now_ms: int,
) -> int:
    """Pushes ``rows`` ([open ms, o, h, l, c, v], oldest first): closed candles newer than the mark once
    each (``push_candle``), the one still forming as a kline. The number of closed candles pushed."""
    pushed = 0
    for row in rows:
        open_ms = int(row[0])
        candle = [open_ms, float(row[1]), float(row[2]), float(row[3]), float(row[4]), float(row[5] or 0.0)]
        if candle_close_time(open_ms, tf) <= now_ms:
            if mark.last_closed is None or open_ms > mark.last_closed:
                mark.last_closed = open_ms
                await sink.push_candle(symbol, tf, candle)
                pushed += 1
        else:
            forming = mark.last_forming
            # a newer forming candle means the previous one closed (streams do not always say so)
            if (
                forming is not None
                and open_ms > forming[0]
                and (mark.last_closed is None or forming[0] > mark.last_closed)
            ):
                mark.last_closed = int(forming[0])
                await sink.push_candle(symbol, tf, forming)
                pushed += 1
            mark.last_forming = candle
            await sink.push_kline(symbol, tf, candle)
    return pushed


class CandlePoller:
    """Fetches ``symbol``'s ``time_frame`` candles at each candle close (see module doc) into ``sink``.

    ``now_ms`` is the exchange's clock (default: the connector's corrected local clock); ``sleep`` the
    sleeper (tests pass one that moves their clock instead of waiting).
    """

    def __init__(
        self,
        connector: CcxtLiveConnector,
        sink: CandleSink,
        symbol: str,
        time_frame: str | TimeFrame,
        *,
        now_ms: Callable[[], int] | None = None,
        sleep: Sleep | None = None,
        close_delay_ms: int = 500,
        mark: CandleMark | None = None,
        page_limit: int = 100,
    ) -> None:
        if close_delay_ms < 0:
            raise ValueError(f"close_delay_ms must be >= 0, got {close_delay_ms}")
        self.connector = connector
        self.sink = sink
        self.symbol = symbol
        self.time_frame = parse_time_frame(time_frame)
        self.now_ms = now_ms or connector.server_time_ms
        self.sleep = sleep or asyncio.sleep
        self.close_delay_ms = close_delay_ms
        self.mark = mark or CandleMark()
        self.page_limit = page_limit
        #: polls made and closed candles pushed so far
        self.polls = 0
        self.pushed = 0

    def seconds_to_next_close(self) -> float:
        """Seconds from now until the forming candle's close plus ``close_delay_ms``."""
        now = self.now_ms()
        close = candle_close_time(candle_open_time(now, self.time_frame), self.time_frame)
        return max(0.0, (close + self.close_delay_ms - now) / 1000.0)

    async def poll_once(self) -> int:
        """One catch-up: every closed candle after the mark (several pages after a long gap), then the
        forming one; the number of closed candles pushed."""
        self.polls += 1
        tf = self.time_frame
        pushed = 0
        while True:
            since = None if self.mark.last_closed is None else self.mark.last_closed + tf.ms
            limit = 2 if since is None else self.page_limit  # first poll: the last closed candle only
            rows = (await self.connector.fetch_ohlcv(self.symbol, tf, since, limit)).tolist()
            now = self.now_ms()
            if since is None:  # the most recent closed candle (and the forming one, if served)
                closed = [row for row in rows if candle_close_time(int(row[0]), tf) <= now]
                rows = closed[-1:] + [row for row in rows if candle_close_time(int(row[0]), tf) > now]
            count = await push_candle_rows(self.sink, self.symbol, tf, rows, self.mark, now)
            pushed += count
            if since is None or len(rows) < limit or count == 0:
                break
        self.pushed += pushed
        return pushed

    async def run(self, immediately: bool = True) -> None:
        """Polls (at once when ``immediately``), then at every close, until cancelled. A failed poll is
        logged and tried again at the next close (the connector already retried it)."""
        if immediately:
            await self._safe_poll()
        while True:
            await self.sleep(self.seconds_to_next_close())
            await self._safe_poll()

    async def _safe_poll(self) -> None:
        try:
            await self.poll_once()
        except ExchangeError as error:
            logger.warning(
                "%s %s candles: poll failed (%s); next try at the next close",
                self.symbol,
                self.time_frame.value,
                error,
            )


class IntervalPoller:
    """Calls ``poll`` every ``interval_s`` seconds until cancelled (tickers, books, trades, orders)."""

    def __init__(
        self,
        poll: Callable[[], Awaitable[object]],
        interval_s: float,
        *,
        name: str = "",
        sleep: Sleep | None = None,
    ) -> None:
        if not interval_s > 0:
            raise ValueError(f"interval_s must be > 0, got {interval_s}")
        self.poll = poll
        self.interval_s = interval_s
        self.name = name
        self.sleep = sleep or asyncio.sleep
        self.polls = 0

    async def run(self, immediately: bool = True) -> None:
        if not immediately:
            await self.sleep(self.interval_s)
        while True:
            self.polls += 1
            try:
                await self.poll()
            except ExchangeError as error:
                logger.warning(
                    "%s: poll failed (%s); trying again in %.1f s", self.name, error, self.interval_s
                )
            await self.sleep(self.interval_s)
