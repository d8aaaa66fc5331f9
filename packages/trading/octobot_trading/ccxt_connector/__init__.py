"""The ccxt connector: public market data (``CcxtMarketData``) and the live exchange connector
(``CcxtLiveConnector``: account, orders, streams with REST fallback, shared request budget). The trader's
connector over it is ``octobot_trading.live.LiveOrderConnector`` (``ot.LiveOrderConnector``).
"""

# --- live connector ---
from octobot_trading.ccxt_connector.budget import RequestBudget, shared_budget
from octobot_trading.ccxt_connector.client_ids import ClientOrderIds
from octobot_trading.ccxt_connector.credentials import Credentials, SecretFilter
from octobot_trading.ccxt_connector.errors import (
    ExchangeAmbiguousOrderError,
    ExchangeAuthenticationError,
    ExchangeDuplicateOrderError,
    ExchangeError,
    ExchangeInsufficientFundsError,
    ExchangeInvalidOrderError,
    ExchangeNetworkError,
    ExchangeOrderImmediatelyFillableError,
    ExchangeOrderNotFoundError,
    ExchangeRateLimitError,
    ExchangeRequestError,
    ExchangeTimestampError,
    UnknownExchangeSymbolError,
    UnsupportedExchangeError,
    UnsupportedTimeFrameError,
    translate_ccxt_error,
)
from octobot_trading.ccxt_connector.feeds import LiveFeed
from octobot_trading.ccxt_connector.live_connector import LIVE_RETRY_POLICY, CcxtLiveConnector
from octobot_trading.ccxt_connector.poller import CandleMark, CandlePoller, CandleSink
from octobot_trading.ccxt_connector.profiles import (
    BinanceProfile,
    ErrorKind,
    ExchangeProfile,
    OcoAnswer,
    OcoLegRequest,
    profile_for,
    register_profile,
)
from octobot_trading.ccxt_connector.public_market_data import DEFAULT_OHLCV_LIMIT, CcxtMarketData
from octobot_trading.ccxt_connector.retry import RetryPolicy, call_with_retries
from octobot_trading.ccxt_connector.structures import (
    ExchangeOrder,
    ExchangeOrderList,
    ExchangeTrade,
    OrderBook,
)

__all__ = [
    "DEFAULT_OHLCV_LIMIT",
    "LIVE_RETRY_POLICY",
    "BinanceProfile",
    "CandleMark",
    "CandlePoller",
    "CandleSink",
    "CcxtLiveConnector",
    "CcxtMarketData",
    "ClientOrderIds",
    "Credentials",
    "ErrorKind",
    "ExchangeAmbiguousOrderError",
    "ExchangeAuthenticationError",
    "ExchangeDuplicateOrderError",
    "ExchangeError",
    "ExchangeInsufficientFundsError",
    "ExchangeInvalidOrderError",
    "ExchangeNetworkError",
    "ExchangeOrder",
    "ExchangeOrderImmediatelyFillableError",
    "ExchangeOrderList",
    "ExchangeOrderNotFoundError",
    "ExchangeProfile",
    "ExchangeRateLimitError",
    "ExchangeRequestError",
    "ExchangeTimestampError",
    "ExchangeTrade",
    "LiveFeed",
    "OcoAnswer",
    "OcoLegRequest",
    "OrderBook",
    "RequestBudget",
    "RetryPolicy",
    "SecretFilter",
    "UnknownExchangeSymbolError",
    "UnsupportedExchangeError",
    "UnsupportedTimeFrameError",
    "call_with_retries",
    "profile_for",
    "register_profile",
    "shared_budget",
    "translate_ccxt_error",
]
