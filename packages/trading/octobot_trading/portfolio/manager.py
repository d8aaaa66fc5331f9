"""One account's portfolio with its prices, starting point, value history and profitability.

Why the starting prices are each pair's first price: in a backtest, pairs get their first candle at
different instants; the first price seen of each pair is the only fair "start" for that pair, and the
starting portfolio is valued with those prices.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal

from octobot_trading.portfolio.history import PortfolioHistory
from octobot_trading.portfolio.portfolio import Portfolio, PortfolioSnapshot
from octobot_trading.portfolio.profitability import Profitability, compute_profitability
from octobot_trading.portfolio.valuation import PriceGraph
from octobot_trading.symbols import Symbol, normalize_symbol
from octobot_trading.timestamps import Clock

logger = logging.getLogger(__name__)


class PortfolioManager:
    """Feeds prices, values the portfolio in ``reference_market`` and tracks its profitability."""

    def __init__(
        self,
        portfolio: Portfolio,
        reference_market: str,
        traded_symbols: Iterable[str | Symbol] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.portfolio = portfolio
        self.reference_market = reference_market
        #: explicit traded pairs; None: every pair a price was fed for
        self._traded_symbols: tuple[str, ...] | None = (
            None if traded_symbols is None else tuple(normalize_symbol(symbol) for symbol in traded_symbols)
        )
        self.clock = clock
        self.prices = PriceGraph()
        self.start_prices = PriceGraph()
        self.history = PortfolioHistory(reference_market)
        self.start: PortfolioSnapshot = portfolio.snapshot(clock.now_ms() if clock is not None else None)

    @property
    def traded_symbols(self) -> tuple[str, ...]:
        """The pairs of the market average: those given at construction, else every pair priced so far."""
        if self._traded_symbols is not None:
            return self._traded_symbols
        return tuple(self.start_prices.prices())

    def update_price(self, symbol: str | Symbol, price: Decimal) -> None:
        """The last price of ``symbol``; the first one seen becomes its starting price."""
        self.prices.set_price(symbol, price)
        if symbol not in self.start_prices:
            self.start_prices.set_price(symbol, price)

    def reset_start(self) -> None:
        """Make the current balances and prices the new starting point (and clear the history)."""
        self.start = self.portfolio.snapshot(self.clock.now_ms() if self.clock is not None else None)
        self.start_prices = self.prices.copy()
        self.history = PortfolioHistory(self.reference_market)

    def value(self, *, strict: bool = True) -> Decimal:
        """Current portfolio value in the reference market (``ValuationError`` if an asset has no price
        chain, unless ``strict=False``: then it is left out with a warning)."""
        return self.prices.value(self.portfolio.totals(), self.reference_market, strict=strict)

    def values(self, *, strict: bool = True) -> dict[str, Decimal]:
        """Each asset's value in the reference market."""
        return self.prices.values(self.portfolio.totals(), self.reference_market, strict=strict)

    def record_value(self, timestamp: int | None = None) -> Decimal:
        """Append the current value to the history, at ``timestamp`` or the clock's time."""
        if timestamp is None:
            if self.clock is None:
                raise ValueError("record_value() needs a timestamp when the manager has no clock")
            timestamp = self.clock.now_ms()
        value = self.value()
        self.history.record(timestamp, value)
        return value

    def profitability(self) -> Profitability:
        return compute_profitability(
            reference=self.reference_market,
            start_totals=self.start.totals(),
            current_totals=self.portfolio.totals(),
            start_prices=self.start_prices,
            current_prices=self.prices,
            traded_symbols=self.traded_symbols,
        )
