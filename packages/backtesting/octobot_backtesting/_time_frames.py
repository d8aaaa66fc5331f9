"""Time-frame arithmetic the data layer needs, on top of octobot_trading's time frames.

Why a module: gap detection and resampling need the step from one candle to the next, which is a fixed
duration except for the calendar month (``1M``), where octobot_trading's candle grid is the reference.
"""

from __future__ import annotations

from octobot_backtesting.errors import TimeFrameError
from octobot_trading import TimeFrame, UnknownTimeFrameError, candle_close_time, parse_time_frame


def checked_time_frame(time_frame: str) -> TimeFrame:
    """The TimeFrame, or this package's TimeFrameError (so that BacktestingError catches it)."""
    try:
        return parse_time_frame(time_frame)
    except UnknownTimeFrameError as error:
        raise TimeFrameError(str(error)) from None


def time_frame_ms(time_frame: str) -> int:
    """Nominal duration of one candle in ms (30 days for ``1M``, as ccxt)."""
    return checked_time_frame(time_frame).ms


def is_calendar(time_frame: str) -> bool:
    """True when candles of this time frame do not all last the same number of ms."""
    return checked_time_frame(time_frame) is TimeFrame.ONE_MONTH


def next_open_ms(time_frame: str, open_ms: int) -> int:
    """Open time of the candle that follows the one opened at ``open_ms``."""
    return candle_close_time(open_ms, checked_time_frame(time_frame))
