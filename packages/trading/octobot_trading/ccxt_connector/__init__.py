"""The public-market-data part of the ccxt connector (markets, time frames, paginated candles).

The full live connector (private calls, orders, websockets) extends ``CcxtMarketData`` in a later issue.
"""

from octobot_trading.ccxt_connector.errors import (
    ExchangeError,
    ExchangeNetworkError,
    ExchangeRateLimitError,
    ExchangeRequestError,
    UnknownExchangeSymbolError,
    UnsupportedExchangeError,
    UnsupportedTimeFrameError,
    translate_ccxt_error,
)
from octobot_trading.ccxt_connector.market_data import DEFAULT_OHLCV_LIMIT, CcxtMarketData
from octobot_trading.ccxt_connector.retry import RetryPolicy, call_with_retries

__all__ = [
    "DEFAULT_OHLCV_LIMIT",
    "CcxtMarketData",
    "ExchangeError",
    "ExchangeNetworkError",
    "ExchangeRateLimitError",
    "ExchangeRequestError",
    "RetryPolicy",
    "UnknownExchangeSymbolError",
    "UnsupportedExchangeError",
    "UnsupportedTimeFrameError",
    "call_with_retries",
    "translate_ccxt_error",
]
