"""API credentials of one exchange account, and the logging filter that keeps them out of logs.

Why a class of its own: a key or secret must never reach a log line, an exception message or a repr
(DESIGN.md §5). Holding them in an object whose ``repr`` and ``str`` are masked, and registering them
with a filter on the loggers that could print them (ccxt logs request headers at DEBUG), makes the
safe behaviour the default instead of something every call site has to remember.
"""

from __future__ import annotations

import logging
import threading
import weakref

from octobot_trading.ccxt_connector.errors import MASK, mask, mask_exception

logger = logging.getLogger(__name__)

#: loggers that may print request details: ccxt's (headers at DEBUG) and the connector's modules (a
#: logger's filters only see the records created on that very logger, not its children's)
_GUARDED_LOGGERS = (
    "ccxt",
    "ccxt.base.exchange",
    "ccxt.async_support.base.exchange",
    "ccxt.async_support.base.ws.client",
    "ccxt.async_support.base.ws.fast_client",
    *(
        f"octobot_trading.ccxt_connector.{name}"
        for name in ("adapter", "feeds", "live", "market_data", "poller", "retry", "budget")
    ),
)


class Credentials:
    """An API key, its secret and (some exchanges) a password; masked in ``repr`` and ``str``."""

    __slots__ = ("__weakref__", "_api_key", "_password", "_secret")

    def __init__(self, api_key: str, secret: str, password: str | None = None) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise ValueError("api_key must be a non-empty string (the exchange's API key)")
        if not isinstance(secret, str) or not secret.strip():
            raise ValueError("secret must be a non-empty string (the API key's secret)")
        self._api_key = api_key.strip()
        self._secret = secret.strip()
        self._password = password or None
        SecretFilter.install().register(self)

    @property
    def api_key(self) -> str:
        return self._api_key

    @property
    def secret(self) -> str:
        return self._secret

    @property
    def password(self) -> str | None:
        return self._password

    def values(self) -> tuple[str, ...]:
        """Every secret string, for masking."""
        return tuple(v for v in (self._api_key, self._secret, self._password) if v)

    def ccxt_config(self) -> dict[str, str]:
        """ccxt constructor arguments (``apiKey``, ``secret``, ``password``)."""
        config = {"apiKey": self._api_key, "secret": self._secret}
        if self._password:
            config["password"] = self._password
        return config

    def __repr__(self) -> str:
        return f"Credentials(api_key={MASK}, secret={MASK}{', password=' + MASK if self._password else ''})"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:  # never pickled into a process pool or a cache by accident
        raise TypeError("Credentials cannot be pickled; load them from the secrets file in each process")


class SecretFilter(logging.Filter):
    """Masks every registered secret in log records (message, arguments and exception text).

    Installed once on ccxt's loggers and ``octobot_trading``'s; a filter on a logger applies to the
    records created on it, so it is attached to each logger that may print a request.
    """

    _instance: SecretFilter | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        super().__init__()
        self._owners: weakref.WeakSet[Credentials] = weakref.WeakSet()

    @classmethod
    def install(cls) -> SecretFilter:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
                for name in _GUARDED_LOGGERS:
                    logging.getLogger(name).addFilter(cls._instance)
            return cls._instance

    def register(self, credentials: Credentials) -> None:
        self._owners.add(credentials)

    def secrets(self) -> list[str]:
        return [value for owner in list(self._owners) for value in owner.values()]

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets()
        if not secrets:
            return True
        try:
            text = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        masked = mask(text, secrets)
        if masked != text:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            mask_exception(record.exc_info[1], secrets)
            record.exc_text = None
        return True
