"""Errors of the ccxt connector, and the one place where ccxt's exceptions are translated into them.

Why translate: callers (collectors, the trader, the orchestrator) must not depend on ccxt's exception
tree; they catch ``ExchangeError`` (a ``OctobotTradingError``) and, to decide whether to try again, the
``ExchangeNetworkError`` branch. The ccxt exception stays reachable as ``__cause__`` for debugging.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from octobot_trading.errors import OctobotTradingError
from octobot_trading.orders.errors import InsufficientFundsError, InvalidOrderError, OrderNotFoundError

#: what replaces a secret found in a message
MASK = "***"


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

    def __init__(self, message: str, *, exchange: str = "", retry_after_s: float | None = None) -> None:
        super().__init__(message, exchange=exchange)
        #: seconds the exchange asked us to wait (its Retry-After header), None when it did not say
        self.retry_after_s = retry_after_s


class ExchangeTimestampError(ExchangeNetworkError):
    """The exchange refused the request's timestamp (Binance -1021): the clock offset is re-measured and
    the request tried again."""


class ExchangeAuthenticationError(ExchangeRequestError):
    """The API key, secret or permissions were refused. The message never contains the key or secret."""


class ExchangeInsufficientFundsError(ExchangeRequestError, InsufficientFundsError):
    """The exchange refused an order for lack of funds (also an ``ot.InsufficientFundsError``).

    ``available`` is None when the exchange does not tell it; ``asset`` and ``required`` are the order's.
    """

    def __init__(
        self,
        message: str,
        *,
        exchange: str = "",
        asset: str = "",
        required: Decimal | None = None,
        available: Decimal | None = None,
    ) -> None:
        InsufficientFundsError.__init__(
            self,
            message,
            asset=asset,
            required=required,
            available=available,
        )
        self.exchange = exchange


class ExchangeOrderNotFoundError(ExchangeRequestError, OrderNotFoundError):
    """The exchange knows no such order (also an ``ot.OrderNotFoundError``)."""

    __str__ = ExchangeRequestError.__str__  # not KeyError's quoting


class ExchangeInvalidOrderError(ExchangeRequestError, InvalidOrderError):
    """The exchange refused an order's parameters (also an ``ot.InvalidOrderError``)."""


class ExchangeOrderImmediatelyFillableError(ExchangeInvalidOrderError):
    """The exchange refused an order because it would execute at once: a stop whose trigger the market
    already passed, a post-only limit that would take."""


class ExchangeDuplicateOrderError(ExchangeInvalidOrderError):
    """The client order id is already taken on the exchange: an order with it exists (look it up)."""


class ExchangeAmbiguousOrderError(ExchangeError):
    """The answer to an order request was lost and the order could not be looked up: it may or may
    not exist. Reconcile later with ``find_order_by_client_id(symbol, client_order_id)``; never send it
    again with another client order id."""

    def __init__(
        self, message: str, *, exchange: str = "", symbol: str = "", client_order_id: str = ""
    ) -> None:
        super().__init__(message, exchange=exchange)
        self.symbol = symbol
        self.client_order_id = client_order_id


def translate_ccxt_error(
    error: Exception,
    *,
    exchange: str,
    action: str,
    secrets: Iterable[str] = (),
    retry_after_s: float | None = None,
) -> ExchangeError:
    """The connector error for a ccxt exception raised while doing ``action`` ("load markets").

    Every string of ``secrets`` (API key, secret, password) is masked in the message and in the ccxt
    exception's own arguments (it stays reachable as ``__cause__``). ``retry_after_s`` is the wait a
    rate-limit answer asked for.
    """
    import ccxt  # loaded already: ``error`` is one of its exceptions (kept out of this module's import)

    secrets = [s for s in secrets if s]
    if secrets:
        mask_exception(error, secrets)
    detail = f"{exchange}: {action} failed: {type(error).__name__}: {_short(error)}"
    if isinstance(error, ccxt.AuthenticationError):
        return ExchangeAuthenticationError(
            f"{detail}; check the API key, secret and their permissions (trading enabled, IP whitelist)",
            exchange=exchange,
        )
    if isinstance(error, ccxt.InvalidNonce):
        return ExchangeTimestampError(
            f"{detail}; the clock offset with the exchange is re-measured", exchange=exchange
        )
    if isinstance(error, ccxt.RateLimitExceeded | ccxt.DDoSProtection):
        return ExchangeRateLimitError(
            f"{detail}; slow down (the connector retries with back-off)",
            exchange=exchange,
            retry_after_s=retry_after_s,
        )
    if isinstance(error, ccxt.OperationFailed):  # ccxt's "may succeed later": network, 5xx, bad response
        return ExchangeNetworkError(f"{detail}; check the connection or try again later", exchange=exchange)
    if isinstance(error, ccxt.InsufficientFunds):
        return ExchangeInsufficientFundsError(
            f"{detail}; lower the amount or free funds (cancel open orders)", exchange=exchange
        )
    if isinstance(error, ccxt.OrderNotFound):
        return ExchangeOrderNotFoundError(
            f"{detail}; the order may be closed already or belong to another symbol", exchange=exchange
        )
    if isinstance(error, ccxt.OrderImmediatelyFillable):
        return ExchangeOrderImmediatelyFillableError(
            f"{detail}; the market already passed the order's price or trigger", exchange=exchange
        )
    if isinstance(error, ccxt.InvalidOrder):
        return ExchangeInvalidOrderError(
            f"{detail}; fix the order (amount, price, precision, minimum cost)", exchange=exchange
        )
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


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every non-empty string of ``secrets`` replaced by ``MASK``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def mask_exception(error: BaseException, secrets: Iterable[str]) -> None:
    """Masks ``secrets`` in ``error``'s string arguments, in place (its cause chain too)."""
    secrets = [s for s in secrets if s]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(mask(a, secrets) if isinstance(a, str) else a for a in current.args)
        current = current.__cause__ or current.__context__
