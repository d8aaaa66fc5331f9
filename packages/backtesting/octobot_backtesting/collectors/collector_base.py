"""What every collector does around its collection: it refuses to replace a data file unless told to, uses
the caller's connector or opens its own (and closes only its own), names the staging file an interrupted
run resumes from, and turns an unreachable exchange into one clear error before anything is stored.

Why a base: the candle collector and the live recorder differ in what they ask the exchange for and how
they store it, never in these rules; one place keeps their messages and their cleanup the same.
"""

from __future__ import annotations

import contextlib
import os
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from octobot_backtesting.collectors.errors import CollectorError
from octobot_backtesting.collectors.staging import staging_path
from octobot_backtesting.errors import DataFileExistsError
from octobot_trading.ccxt_connector import ExchangeError, ExchangeNetworkError

if TYPE_CHECKING:  # the connectors import ccxt: only a collection that runs needs it
    from octobot_trading.ccxt_connector import CcxtMarketData

ConnectorT = TypeVar("ConnectorT", bound="CcxtMarketData")


class CollectorRequest(Protocol):
    """What a collector's request tells the base: the exchange, and itself as the staging file's key."""

    @property
    def exchange(self) -> str: ...

    def to_dict(self) -> dict: ...


class CollectorBase(ABC, Generic[ConnectorT]):
    """A collector of ``request`` into the data file ``path``: subclasses say how to open their connector
    (``_new_connector``) and what they do (``_verb``, ``_purpose``, for the errors)."""

    #: what the collector does to the exchange ("cannot collect from 'binance'")
    _verb = "collect"
    #: what it reaches the exchange for ("cannot reach binance to collect candles")
    _purpose = "collect candles"

    def __init__(
        self,
        request: CollectorRequest,
        path: str | os.PathLike,
        connector: ConnectorT | None,
        overwrite: bool,
        restart: bool,
    ) -> None:
        if connector is not None and connector.exchange_id != request.exchange:
            raise CollectorError(
                f"the connector is for {connector.exchange_id!r} but the request is for {request.exchange!r}"
            )
        self.path = Path(path)
        self._exchange = request.exchange
        self._connector = connector
        self._overwrite = overwrite
        self._restart = restart

    @property
    def staging_path(self) -> Path:
        return staging_path(self.path)

    @abstractmethod
    def _new_connector(self) -> ConnectorT:
        """The connector the collector opens (and closes) when the caller gave none."""

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[tuple[ConnectorT, bool]]:
        """The connector to collect with, and whether the collector owns it (then closes it on leaving);
        an existing data file is refused first, unless ``overwrite``."""
        if self.path.exists() and not self._overwrite:
            raise DataFileExistsError(
                f"{self.path} already exists", fix_key="overwrite", fix="delete it or pass overwrite=True"
            )
        owned = self._connector is None
        try:
            connector = self._connector or self._new_connector()
        except ExchangeError as error:
            raise CollectorError(f"cannot {self._verb} from {self._exchange!r}: {error}") from error
        try:
            yield connector, owned
        finally:
            if owned:
                await connector.close()

    async def _first_contact(self, contact: Awaitable[object]) -> None:
        """Awaits the collector's first exchange call (a network failure says what to check), then makes
        the data file's folder: nothing is created for an exchange that cannot be reached."""
        try:
            await contact
        except ExchangeNetworkError as error:
            raise CollectorError(
                f"cannot reach {self._exchange} to {self._purpose} ({error})",
                fix_key="network",
                fix="check the network connection (or the exchange's urls in exchange_config) and retry",
            ) from error
        self.path.parent.mkdir(parents=True, exist_ok=True)
