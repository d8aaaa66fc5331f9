"""Errors of the ccxt connector, and the one place where ccxt's exceptions are translated into them.

Why translate: callers (collectors, the trader, the orchestrator) must not depend on ccxt's exception
tree; they catch ``ExchangeError`` (a ``OctobotTradingError``) and, to decide whether to try again, the
``ExchangeNetworkError`` branch. The ccxt exception stays reachable as ``__cause__`` for debugging.

NOTE for the owner of ``octobot_trading/errors.py``: these classes live here because that module had no
exchange errors yet; move them there (and keep re-exporting them from here) when convenient.
"""

from __future__ import annotations

import ccxt

from octobot_trading.errors import OctobotTradingError


class ExchangeError(OctobotTradingError):
    """An exchange request failed; base of every connector error."""

    def __init__(self, message: str, *, exchange: str = "") -> None:
        super().__init__(message)
        #: ccxt id of the exchange ("binance")
        self.exchange = exchange


class UnsupportedExchangeError(ExchangeError, ValueError):
    """ccxt has no exchange of that name, or the exchange lacks a needed feature (no OHLCV history)."""


class UnknownExchangeSymbolError(ExchangeError, ValueError):
    """The exchange lists no market for that symbol."""


class UnsupportedTimeFrameError(ExchangeError, ValueError):
    """The exchange does not offer candles of that time frame."""


class ExchangeRequestError(ExchangeError):
    """The exchange refused a request (bad parameters, permissions, ...): trying again will not help."""


class ExchangeNetworkError(ExchangeError):
    """A transient failure (network, timeout, 5xx, maintenance): the request may succeed later."""


class ExchangeRateLimitError(ExchangeNetworkError):
    """The exchange answered that too many requests were sent (HTTP 429 / 418)."""


def translate_ccxt_error(error: Exception, *, exchange: str, action: str) -> ExchangeError:
    """The connector error for a ccxt exception raised while doing ``action`` ("load markets")."""
    detail = f"{exchange}: {action} failed: {type(error).__name__}: {_short(error)}"
    if isinstance(error, ccxt.RateLimitExceeded | ccxt.DDoSProtection):
        return ExchangeRateLimitError(
            f"{detail}; slow down (the connector retries with back-off)", exchange=exchange
        )
    if isinstance(error, ccxt.OperationFailed):  # ccxt's "may succeed later": network, 5xx, bad response
        return ExchangeNetworkError(f"{detail}; check the connection or try again later", exchange=exchange)
    if isinstance(error, ccxt.BadSymbol):
        return UnknownExchangeSymbolError(
            f"{detail}; check the symbol against the exchange's markets", exchange=exchange
        )
    if isinstance(error, ccxt.NotSupported):
        return UnsupportedExchangeError(
            f"{detail}; this exchange does not offer it through ccxt", exchange=exchange
        )
    return ExchangeRequestError(f"{detail}; fix the request (the exchange refused it)", exchange=exchange)


def _short(error: Exception, limit: int = 300) -> str:
    # ccxt messages embed the whole response body: keep them readable
    text = str(error).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."
