"""The connector interface: what the trader needs from an exchange, real or simulated.

Why synchronous order calls: the simulator answers at once, and a fill inside a price walk must be able
to cancel the other legs of its group and create its chained orders before the walk goes on. A live
connector queues the request to the exchange and reports the outcome later through ``on_fill`` and the
account, the same way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from decimal import Decimal

from octobot_trading.orders.order import Order

#: (order, amount, price, fee_asset, fee, taker)
FillHandler = Callable[[Order, Decimal, Decimal, str, Decimal, bool], None]


class ExchangeConnector(ABC):
    """Sends orders to an exchange and reports their fills to ``on_fill`` (set by the exchange manager)."""

    #: True for the simulator: the exchange manager then feeds it every price it receives
    is_simulated: bool = False
    on_fill: FillHandler | None = None
    #: called when the exchange expires an order (its ``expires_at`` passed)
    on_expire: Callable[[Order], None] | None = None
    #: a simulated connector may pause a candle's walk after a fill its owner reacts to (see
    #: `resume_candle`); the exchange manager sets it when it can let the bot react first (a backtest)
    pauses_on_watched_fills: bool = False
    #: called with a stop order the exchange refused because the market already passed its trigger (the
    #: order and its group are closed): the trader exits at market instead, what the stop was for
    on_stop_passed: Callable[[Order], None] | None = None

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Open connections (nothing to do for the simulator)."""

    async def stop(self) -> None:  # noqa: B027 - optional hook
        """Close connections."""

    @abstractmethod
    def last_price(self, symbol: str) -> Decimal | None:
        """The latest price the connector knows for ``symbol`` (None before any)."""

    @abstractmethod
    def submit(self, order: Order, time: int) -> None:
        """Send ``order`` (funds already locked); sets it OPEN or reports fills at once."""

    @abstractmethod
    def cancel(self, order: Order) -> None:
        """Take ``order`` off the exchange."""

    @abstractmethod
    def reindex(self, order: Order) -> None:
        """Apply an edit of ``order``'s amount or levels."""

    # market data: the exchange manager hands it to a simulated connector (``is_simulated``) only, which
    # matches its orders against it; a real exchange matches on its side, so these do nothing by default

    def process_candle(
        self,
        symbol: str,
        open_time: int,
        open_: Decimal | float,
        high: Decimal | float,
        low: Decimal | float,
        close: Decimal | float,
        volume: Decimal | float | None = None,
    ) -> bool:
        """A closed candle of ``symbol`` opened at ``open_time`` (floats: a replay's raw candle). True
        when the walk of its path paused after a watched fill: the bot reacts, then `resume_candle`."""
        return False

    def resume_candle(self, symbol: str) -> bool:
        """Walk the rest of the paused candle of ``symbol``; True when it paused again."""
        return False

    def process_price(self, symbol: str, price: Decimal, time: int) -> None:  # noqa: B027 - optional hook
        """A traded price of ``symbol`` at ``time``."""
