"""The ccxt connector: public market data (``CcxtMarketData``) and the live exchange connector
(``CcxtLiveConnector``: account, orders, streams with REST fallback, shared request budget). The trader's
connector over it is ``octobot_trading.live.LiveOrderConnector`` (``ot.LiveOrderConnector``).

The names below are imported on first use: several of their modules import ccxt, which costs seconds of
CPU per process (ccxt imports every exchange class) that a backtest, an optimizer worker or a data file
reader never needs. Modules of this package that do not need ccxt (errors, structures, client ids,
retry) import none of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: each public name -> the module that defines it
_MODULES: dict[str, str] = {
    "BinanceProfile": "profiles",
    "CandleMark": "poller",
    "CandlePoller": "poller",
    "CandleSink": "poller",
    "CcxtLiveConnector": "live_connector",
    "CcxtMarketData": "public_market_data",
    "ClientOrderIds": "client_ids",
    "Credentials": "credentials",
    "DEFAULT_OHLCV_LIMIT": "public_market_data",
    "ErrorKind": "profiles",
    "ExchangeAmbiguousOrderError": "errors",
    "ExchangeAuthenticationError": "errors",
    "ExchangeDuplicateOrderError": "errors",
    "ExchangeError": "errors",
    "ExchangeInsufficientFundsError": "errors",
    "ExchangeInvalidOrderError": "errors",
    "ExchangeNetworkError": "errors",
    "ExchangeOrder": "structures",
    "ExchangeOrderImmediatelyFillableError": "errors",
    "ExchangeOrderList": "structures",
    "ExchangeOrderNotFoundError": "errors",
    "ExchangeProfile": "profiles",
    "ExchangeRateLimitError": "errors",
    "ExchangeRequestError": "errors",
    "ExchangeTimestampError": "errors",
    "ExchangeTrade": "structures",
    "LIVE_RETRY_POLICY": "live_connector",
    "LiveFeed": "feeds",
    "OcoAnswer": "profiles",
    "OcoLegRequest": "profiles",
    "OrderBook": "structures",
    "RequestBudget": "budget",
    "RetryPolicy": "retry",
    "SecretFilter": "credentials",
    "UnknownExchangeSymbolError": "errors",
    "UnsupportedExchangeError": "errors",
    "UnsupportedTimeFrameError": "errors",
    "call_with_retries": "retry",
    "profile_for": "profiles",
    "register_profile": "profiles",
    "shared_budget": "budget",
    "translate_ccxt_error": "errors",
}

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

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later reads skip this function
    return value
