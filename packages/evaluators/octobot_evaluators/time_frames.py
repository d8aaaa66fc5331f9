"""Time-frame names and durations, read from octobot_trading's vocabulary (the one place this package does).

Why a module of its own: every duration this package needs (freshness windows, cycles) goes through here,
so time frames mean exactly what the exchange connectors mean by them.
"""

from __future__ import annotations

from functools import lru_cache

import octobot_trading
from octobot_evaluators.errors import UnknownTimeFrameError
from octobot_trading import candle_close_time


def time_frame_name(time_frame: object) -> str:
    """The ccxt string of a time frame ("1h"), whether given as a string or as a TimeFrame enum."""
    value = getattr(time_frame, "value", time_frame)
    if not isinstance(value, str):
        raise UnknownTimeFrameError(f"time frame {time_frame!r} is not a ccxt time frame such as '1h'")
    return value


@lru_cache(maxsize=64)
def time_frame_ms(time_frame: str) -> int:
    """Duration of a time frame in milliseconds; raises UnknownTimeFrameError naming it."""
    try:
        return octobot_trading.parse_time_frame(time_frame).ms
    except octobot_trading.UnknownTimeFrameError as error:  # its message has the suggestion
        raise UnknownTimeFrameError(str(error)) from None


#: The time frames whose candles sit on a fixed grid from the epoch (minutes to days, not weeks nor months)
#: and their length in ms: the hot paths compute a close time from it inline, without parsing.
EPOCH_GRID_MS: dict[str, int] = {
    time_frame.value: time_frame.ms
    for time_frame in octobot_trading.TimeFrame
    if time_frame not in (octobot_trading.TimeFrame.ONE_WEEK, octobot_trading.TimeFrame.ONE_MONTH)
}


def valid_until(evaluation_time: int, time_frame: str) -> int:
    """End (exclusive) of an evaluation's freshness: the close of the candle that contains its time.

    An evaluation made at a candle's close time (the next candle's open) stays valid until that next
    candle closes; one made on a forming candle (a refresh) only until the forming candle closes, so
    it never hides the next full cycle. Follows the exchanges' grid (weeks on Monday, calendar months).
    """
    grid = EPOCH_GRID_MS.get(time_frame)
    if grid and type(evaluation_time) is int:  # the hot path: candle_close_time without its parsing
        return evaluation_time - evaluation_time % grid + grid
    return candle_close_time(evaluation_time, time_frame)


__all__ = ["EPOCH_GRID_MS", "candle_close_time", "time_frame_ms", "time_frame_name", "valid_until"]
