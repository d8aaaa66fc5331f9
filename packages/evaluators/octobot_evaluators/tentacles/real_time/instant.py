# cython: annotation_typing=False
"""Real-time evaluators on the smallest time frame: instant fluctuations and the instant moving average.

Why the smallest time frame: they react to what happens inside the current move, so they watch the
candles that move first; `time_frame` picks another one. Their memory is a few closed candles per
symbol, updated in O(1) (a fixed window) per closed candle; a forming candle or a live price is compared
with it without changing it. Why they seed that memory from the candle buffer on their first call: a
live bot loads its history into the buffers without pushing it through the channels, a backtest may
push it; reading the buffer makes both start from the same candles.
"""

from __future__ import annotations

import math
from collections import deque
from decimal import Decimal
from typing import Any, ClassVar

from octobot_evaluators.evaluation import UNCHANGED, _Unchanged
from octobot_evaluators.indicators._window import RollingWindow
from octobot_evaluators.real_time import RealTimeEvaluator
from octobot_evaluators.time_frames import time_frame_ms
from octobot_trading import Candle, InvalidCandleError, TimeFrame

#: OctoBot's windows (closed candles) the last price and volume are compared with.
SEGMENTS = (10, 8, 6, 5, 4, 3, 2, 1)

#: The time frames a profile may name (ccxt names).
TIME_FRAMES: tuple[str, ...] = tuple(time_frame.value for time_frame in TimeFrame)

_TIME_FRAME_SCHEMA: dict[str, Any] = {
    "enum": [None, *TIME_FRAMES],
    "title": "Time frame watched (ccxt name such as '1m'); null: the smallest of the configured ones",
}


class _WatchedTimeFrame(RealTimeEvaluator):
    """Picks the time frame a real-time evaluator watches: the configured one or the smallest."""

    ABSTRACT: ClassVar[bool] = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        configured = self.config.get("time_frame")
        if configured is None and self.time_frames:
            configured = min(self.time_frames, key=time_frame_ms)
        self._watched: str | None = configured

    def watches(self, time_frame: str | None) -> bool:
        """True for the time frame this evaluator watches (the first one seen if none is configured)."""
        if self._watched is None:
            self._watched = time_frame
        return time_frame == self._watched

    def closed_history(self, count: int) -> tuple[list[float], list[float], int]:
        """Closes and volumes of the last ``count`` closed candles of the watched time frame of
        ``self.symbol`` already in the candle buffer, and the open time of the last one (-1 if none)."""
        symbol = self.symbol
        if self.context.candles is None or self._watched is None or symbol is None:
            return [], [], -1
        buffer = self.context.candles(symbol, self._watched)
        last = buffer.last_timestamp
        if last is None:
            return [], [], -1
        return buffer.closes(count).tolist(), buffer.volumes(count).tolist(), last

    def check_candle(self, candle: Candle) -> None:
        """Refuse a candle with a NaN or infinite close or volume: it would poison the windows."""
        if not (math.isfinite(candle.close) and math.isfinite(candle.volume)):
            raise InvalidCandleError(
                f"{self.name}: refused the {self.symbol} {self.time_frame} candle at {candle.timestamp}: "
                f"NaN or infinite close or volume in {tuple(candle)}; fix or skip this candle"
            )


def fluctuation_evaluation(
    price: float, volume: float, mean_prices: list[float], mean_volumes: list[float], config: dict[str, Any]
) -> float | None:
    """OctoBot's instant fluctuation note with our sign (None when nothing happens).

    Each window whose mean price the price beats by more than the threshold counts +1 (-1 below it); each
    whose mean volume the volume beats by more than the volume threshold counts 1. With p the price count
    over the windows and v = min(1, volume count / windows + 0.2), the note is cos(1 - |p| x v), from
    about 0.54 to 1, against the move (a jump up is a sell).
    """
    price_threshold = config["price_difference_threshold_percent"] / 100.0
    volume_threshold = 1.0 + config["volume_difference_threshold_percent"] / 100.0
    price_count = volume_count = 0
    for mean_price, mean_volume in zip(mean_prices, mean_volumes, strict=True):
        if volume > volume_threshold * mean_volume:
            volume_count += 1
        if price > (1.0 + price_threshold) * mean_price:
            price_count += 1
        elif price < (1.0 - price_threshold) * mean_price:
            price_count -= 1
    if price_count == 0:
        return None  # no price move (a volume spike alone says nothing)
    windows = len(mean_prices)
    strength = abs(price_count) / windows * min(1.0, volume_count / windows + 0.2)
    return -math.copysign(math.cos(1.0 - strength), price_count)


class InstantFluctuationsEvaluator(_WatchedTimeFrame):
    """Price or volume moving more than a threshold within the smallest time frame, against the move.

    On each closed candle of the watched time frame (and, with `react_to_forming_candles`, on the candle
    still forming, as OctoBot does live), the close and the volume are compared with their means over the
    last 10, 8, 6, 5, 4, 3, 2 and 1 closed candles: see `fluctuation_evaluation`. It publishes only when
    the note moved by at least `min_triggering_delta` since the last note it published (OctoBot's rule),
    so a quiet market wakes no strategy. Why forming candles are opt-in: a backtest on candles never sees
    them, so a bot reacting to them trades differently live than in its backtests.
    """

    NAME: ClassVar[str | None] = "InstantFluctuationsEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "time_frame": None,
        "price_difference_threshold_percent": 1.0,
        "volume_difference_threshold_percent": 400.0,
        "min_triggering_delta": 0.15,
        "react_to_forming_candles": False,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "time_frame": _TIME_FRAME_SCHEMA,
            "price_difference_threshold_percent": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "title": "Price move, in percent of a window's mean close, that counts as a fluctuation",
            },
            "volume_difference_threshold_percent": {
                "type": "number",
                "minimum": 0,
                "maximum": 100000,
                "title": "Volume excess, in percent above a window's mean volume, that counts as a spike",
            },
            "min_triggering_delta": {
                "type": "number",
                "minimum": 0,
                "maximum": 2,
                "title": "Change of the evaluation since the last one published needed to publish again",
            },
            "react_to_forming_candles": {
                "type": "boolean",
                "title": "Also evaluate the candle still forming (live only: a backtest on candles cannot)",
            },
        },
        "required": [
            "time_frame",
            "price_difference_threshold_percent",
            "volume_difference_threshold_percent",
            "min_triggering_delta",
            "react_to_forming_candles",
        ],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = SEGMENTS[0]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # per symbol: closes and volumes of the last closed candles, the open time of the last one, and
        # the last note published
        self._closes: dict[str | None, RollingWindow] = {}
        self._volumes: dict[str | None, RollingWindow] = {}
        self._last_times: dict[str | None, int] = {}
        self._published: dict[str | None, float] = {}

    def on_candle(self, candle: Candle, *, closed: bool) -> float | _Unchanged | None:
        if not self.watches(self.time_frame) or not (closed or self.config["react_to_forming_candles"]):
            return UNCHANGED
        self.check_candle(candle)
        symbol = self.symbol
        assert symbol is not None  # a real-time trigger always names its symbol
        closes = self._closes.get(symbol)
        if closes is None:
            closes = self._closes[symbol] = RollingWindow(SEGMENTS[0])
            volumes = self._volumes[symbol] = RollingWindow(SEGMENTS[0])
            history_closes, history_volumes, self._last_times[symbol] = self.closed_history(SEGMENTS[0])
            for close, volume in zip(history_closes, history_volumes, strict=True):
                closes.push(close)
                volumes.push(volume)
        volumes = self._volumes[symbol]
        if closed and candle.timestamp > self._last_times[symbol]:
            closes.push(candle.close)
            volumes.push(candle.volume)
            self._last_times[symbol] = candle.timestamp
        if closes.count < SEGMENTS[0]:
            return UNCHANGED  # warming up: not every window is full yet
        mean_prices = [_mean_of_last(closes, size) for size in SEGMENTS]
        mean_volumes = [_mean_of_last(volumes, size) for size in SEGMENTS]
        note = fluctuation_evaluation(candle.close, candle.volume, mean_prices, mean_volumes, self.config)
        if note is None:
            return UNCHANGED
        if abs(note - self._published.get(symbol, 0.0)) < self.config["min_triggering_delta"]:
            return UNCHANGED
        self._published[symbol] = note
        return note

    async def reset(self) -> None:
        await super().reset()
        self._closes.clear()
        self._volumes.clear()
        self._last_times.clear()
        self._published.clear()


def _mean_of_last(window: RollingWindow, size: int) -> float:
    return math.fsum(window.ago(index) for index in range(size)) / size


def moving_average_gap_evaluation(price: float, average: float, threshold_percent: float) -> float:
    """OctoBot's instant MA note with our sign: 0 within +-threshold_percent of the average, else minus
    the relative gap price / average - 1, capped at +-1 (above the average is a sell)."""
    if average == 0.0:
        return 0.0
    gap = price / average - 1.0
    if abs(gap) * 100.0 <= threshold_percent:
        return 0.0
    return -max(-1.0, min(1.0, gap))


class InstantMAEvaluator(_WatchedTimeFrame):
    """Live price against a short moving average of the closes: above it is a sell, below a buy.

    The SMA of the last `period` closed candles of the watched time frame (exactly rounded: the same
    whatever history it started from, so a backtest and a live run agree to the last digit); each
    closed candle, forming candle and live price (ticker, mark price) is compared with it: see
    `moving_average_gap_evaluation`. Nothing is published until the average is warm.
    """

    NAME: ClassVar[str | None] = "InstantMAEvaluator"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"time_frame": None, "period": 6, "threshold_percent": 0.5}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "time_frame": _TIME_FRAME_SCHEMA,
            "period": {
                "type": "integer",
                "minimum": 1,
                "maximum": 500,
                "title": "Closed candles of the watched time frame averaged (SMA)",
            },
            "threshold_percent": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "title": "Distance from the average, in percent, within which the evaluation is 0",
            },
        },
        "required": ["time_frame", "period", "threshold_percent"],
        "additionalProperties": False,
    }
    REQUIRED_HISTORY: ClassVar[int] = 6

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._averages: dict[str | None, deque[float]] = {}
        self._last_times: dict[str | None, int] = {}

    @property
    def required_history(self) -> int:
        return self.config["period"]

    def on_candle(self, candle: Candle, *, closed: bool) -> float | _Unchanged | None:
        if not self.watches(self.time_frame) or not (closed or self.config["react_to_forming_candles"]):
            return UNCHANGED
        self.check_candle(candle)
        symbol = self.symbol
        assert symbol is not None  # a real-time trigger always names its symbol
        closes = self._closes_of(symbol)
        if closed and candle.timestamp > self._last_times[symbol]:
            closes.append(candle.close)
            self._last_times[symbol] = candle.timestamp
        return self._evaluate(candle.close)

    def on_price(self, price: Decimal | float) -> float | _Unchanged | None:
        return self._evaluate(float(price))

    def _closes_of(self, symbol: str | None) -> deque[float]:
        """The last closes of ``symbol``, seeded from the candle buffer on first use."""
        closes = self._averages.get(symbol)
        if closes is None:
            period = self.config["period"]
            history, _, self._last_times[symbol] = self.closed_history(period)
            closes = self._averages[symbol] = deque(history, maxlen=period)
        return closes

    def _evaluate(self, price: float) -> float | _Unchanged:
        symbol = self.symbol
        assert symbol is not None  # a real-time trigger always names its symbol
        closes = self._closes_of(symbol)
        if len(closes) < self.config["period"]:
            return UNCHANGED  # warming up
        average = math.fsum(closes) / len(closes)
        return moving_average_gap_evaluation(price, average, self.config["threshold_percent"])

    async def reset(self) -> None:
        await super().reset()
        self._averages.clear()
        self._last_times.clear()
