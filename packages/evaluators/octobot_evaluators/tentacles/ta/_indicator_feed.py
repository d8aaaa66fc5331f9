# cython: annotation_typing=False
"""Keeps incremental indicators in step with a candle buffer: O(1) per closed candle.

Why: a TA evaluator is called once per closed candle; recomputing an indicator over the whole history each
time would cost O(history). The feed remembers the last candle it consumed and only feeds the new ones,
warming up from the whole buffer the first time (or after a gap larger than the buffer).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from octobot_evaluators.indicators import Indicator
from octobot_trading import CandleBuffer


class CloseFeed:
    """Indicators fed with closes; one feed per (symbol, time frame)."""

    def __init__(self, factory: Callable[[], tuple[Indicator, ...]]) -> None:
        self._factory = factory
        self.indicators: tuple[Indicator, ...] = factory()
        self._last_time: int | None = None
        self._seen = -1  # candles.appended when last synced
        # the values after the last single step, as floats (None after anything else): values() returns
        # it instead of asking each indicator again
        self._latest: tuple[float, ...] | None = None

    def reset(self) -> None:
        self.indicators = self._factory()
        self._last_time = None
        self._seen = -1
        self._latest = None

    def sync(self, candles: CandleBuffer) -> None:
        """Feed every closed candle of ``candles`` newer than the last one consumed."""
        self.values(candles, forming=False)

    def _catch_up(self, candles: CandleBuffer) -> None:
        """Feed what is new after anything but a single new candle (first call, gap, refill)."""
        last = candles.last_timestamp
        if last is None or last == self._last_time:
            return  # empty, or nothing new
        times = candles.timestamps()
        if len(times) == 0:
            return
        start = 0
        if self._last_time is not None:
            start = int(np.searchsorted(times, self._last_time, side="right"))
            if start == 0 and times[0] != self._last_time:
                self.reset()  # gap larger than the buffer (or buffer reloaded): warm up again
        if start >= len(times):
            return
        self._feed(candles, start, warm=self._last_time is None)
        self._last_time = int(times[-1])

    def _feed(self, candles: CandleBuffer, start: int, warm: bool) -> None:
        """Feed the candles from index ``start`` on: a warm-up from scratch, or updates one by one."""
        closes = candles.closes()[start:]
        if warm:
            for indicator in self.indicators:
                indicator.warm_up(closes)
        else:
            for close in closes.tolist():
                for indicator in self.indicators:
                    indicator.update(close)

    def values(self, candles: CandleBuffer, *, forming: bool) -> tuple[float, ...]:
        """Current values; with ``forming``, what they would be with the candle still forming (not kept).

        Syncs first. Called once per closed candle by its evaluator, so the usual step is written here
        rather than in a call of its own, and the tuple it builds is the one returned, not a copy.
        """
        appended = candles.appended
        if appended != self._seen:
            if appended == self._seen + 1 and self._last_time is not None and len(candles) > 1:
                # the usual step: exactly one candle closed since, right after the one consumed
                close = candles.last_close
                indicators = self.indicators
                count = len(indicators)
                if count == 1:  # most evaluators: no list, one tuple
                    self._latest = (float(indicators[0].update(close)),)
                elif count == 2:  # a fast and a slow one: no list either
                    self._latest = (float(indicators[0].update(close)), float(indicators[1].update(close)))
                else:
                    self._latest = tuple([float(indicator.update(close)) for indicator in indicators])
                self._last_time = candles.last_timestamp
            else:
                self._latest = None
                self._catch_up(candles)
            self._seen = appended
        current = candles.current_candle if forming else None
        if current is None:
            latest = self._latest
            if latest is None:
                latest = self._latest = tuple([float(indicator.value) for indicator in self.indicators])
            return latest
        return tuple([float(indicator.peek(current.close)) for indicator in self.indicators])


#: Index of each candle field in a `Candle` (what an indicator's INPUTS may name).
CANDLE_FIELDS: dict[str, int] = {"open": 1, "high": 2, "low": 3, "close": 4, "volume": 5}


class CandleFeed(CloseFeed):
    """Indicators fed with the candle fields their ``INPUTS`` name (high, low, close, volume...).

    Why a subclass rather than a flag on `CloseFeed`: the closes-only step stays the shortest path for
    the evaluators that only read closes; this one builds a `Candle` per step to read several fields.
    """

    def __init__(self, factory: Callable[[], tuple[Indicator, ...]]) -> None:
        super().__init__(factory)
        self._fields = tuple(
            tuple(CANDLE_FIELDS[name] for name in indicator.INPUTS) for indicator in self.indicators
        )

    def sync(self, candles: CandleBuffer) -> None:
        appended = candles.appended
        if appended == self._seen:
            return
        candle = candles.last_candle  # None only when empty
        single = appended == self._seen + 1 and self._last_time is not None and len(candles) > 1
        self._latest = None  # values() of a candle feed reads its indicators (outputs may be tuples)
        if single and candle is not None:
            for indicator, fields in zip(self.indicators, self._fields, strict=True):
                indicator.update(*[candle[index] for index in fields])
            self._seen = appended
            self._last_time = candles.last_timestamp
            return
        self._catch_up(candles)
        self._seen = appended

    def _feed(self, candles: CandleBuffer, start: int, warm: bool) -> None:
        columns = {
            "open": candles.opens,
            "high": candles.highs,
            "low": candles.lows,
            "close": candles.closes,
            "volume": candles.volumes,
        }
        for indicator in self.indicators:
            series = [columns[name]()[start:] for name in indicator.INPUTS]
            if warm:
                indicator.warm_up(*series)
            else:
                for row in zip(*(array.tolist() for array in series), strict=True):
                    indicator.update(*row)

    def values(self, candles: CandleBuffer, *, forming: bool) -> tuple:
        """Current outputs (floats or named tuples); with ``forming``, including the forming candle."""
        self.sync(candles)
        current = candles.current_candle if forming else None
        if current is None:
            return tuple(indicator.value for indicator in self.indicators)
        return tuple(
            indicator.peek(*[current[index] for index in fields])
            for indicator, fields in zip(self.indicators, self._fields, strict=True)
        )


class CloseFeeds:
    """One `CloseFeed` per (symbol, time frame), made on first use: what a TA evaluator keeps."""

    FEED: type[CloseFeed] = CloseFeed

    def __init__(self, factory: Callable[[], tuple[Indicator, ...]]) -> None:
        self._factory = factory
        self._feeds: dict[tuple[str | None, str | None], CloseFeed] = {}
        # the last feed asked for: an evaluator asks for the same (symbol, time frame) candle after
        # candle, so the usual call compares two references instead of hashing a new key tuple
        self._last_symbol: str | None = None
        self._last_time_frame: str | None = None
        self._last_feed: CloseFeed | None = None

    def get(self, symbol: str | None, time_frame: str | None) -> CloseFeed:
        """The feed of (symbol, time frame), as an evaluator's context names them, made on first use."""
        feed = self._last_feed
        if feed is not None and symbol is self._last_symbol and time_frame is self._last_time_frame:
            return feed
        feed = self._feeds.get((symbol, time_frame))
        if feed is None:
            feed = self._feeds[(symbol, time_frame)] = self.FEED(self._factory)
        self._last_symbol = symbol
        self._last_time_frame = time_frame
        self._last_feed = feed
        return feed

    def clear(self) -> None:
        self._feeds.clear()
        self._last_feed = None


class CandleFeeds(CloseFeeds):
    """One `CandleFeed` per (symbol, time frame), made on first use."""

    FEED: type[CloseFeed] = CandleFeed
