"""Public API of octobot-trading: everything other packages may use, re-exported by ``__init__``.

Each engineer owns one block below; edit only yours.
"""

from __future__ import annotations

# --- vocabulary, markets, portfolio ---
from octobot_trading.candles import DEFAULT_MAX_SIZE as DEFAULT_CANDLE_BUFFER_SIZE
from octobot_trading.candles import Candle, CandleBuffer
from octobot_trading.errors import (
    CandleOrderError,
    InvalidAmountError,
    InvalidCandleError,
    InvalidMarketError,
    InvalidSymbolError,
    InvalidTimestampError,
    MarketError,
    NegativeBalanceError,
    OctobotTradingError,
    OrderAboveMaximumError,
    OrderBelowMinimumError,
    OrderLimitError,
    PortfolioError,
    PriceOutOfRangeError,
    UnknownTimeFrameError,
    ValuationError,
)
from octobot_trading.markets import (
    DECIMAL_PLACES,
    DEFAULT_FEE,
    ROUND,
    SIGNIFICANT_DIGITS,
    TICK_SIZE,
    TRUNCATE,
    MarketRules,
    Markets,
    to_decimal,
)
from octobot_trading.symbols import Symbol, format_symbol, normalize_symbol, parse_symbol
from octobot_trading.time_frames import (
    ALL_TIME_FRAMES,
    TimeFrame,
    largest_time_frame,
    parse_time_frame,
    smallest_time_frame,
    sort_time_frames,
)
from octobot_trading.timestamps import (
    Clock,
    WallClock,
    candle_close_time,
    candle_open_time,
    check_ms,
    is_candle_closed,
    iso_to_ms,
    ms_to_datetime,
    ms_to_iso,
    ms_to_seconds,
    seconds_to_ms,
)

__all__ = [
    "ALL_TIME_FRAMES",
    "DECIMAL_PLACES",
    "DEFAULT_CANDLE_BUFFER_SIZE",
    "DEFAULT_FEE",
    "ROUND",
    "SIGNIFICANT_DIGITS",
    "TICK_SIZE",
    "TRUNCATE",
    "Candle",
    "CandleBuffer",
    "CandleOrderError",
    "Clock",
    "InvalidAmountError",
    "InvalidCandleError",
    "InvalidMarketError",
    "InvalidSymbolError",
    "InvalidTimestampError",
    "MarketError",
    "MarketRules",
    "Markets",
    "NegativeBalanceError",
    "OctobotTradingError",
    "OrderAboveMaximumError",
    "OrderBelowMinimumError",
    "OrderLimitError",
    "PortfolioError",
    "PriceOutOfRangeError",
    "Symbol",
    "TimeFrame",
    "UnknownTimeFrameError",
    "ValuationError",
    "WallClock",
    "candle_close_time",
    "candle_open_time",
    "check_ms",
    "format_symbol",
    "is_candle_closed",
    "iso_to_ms",
    "largest_time_frame",
    "ms_to_datetime",
    "ms_to_iso",
    "ms_to_seconds",
    "normalize_symbol",
    "parse_symbol",
    "parse_time_frame",
    "seconds_to_ms",
    "smallest_time_frame",
    "sort_time_frames",
    "to_decimal",
]
# --- end vocabulary, markets, portfolio ---
