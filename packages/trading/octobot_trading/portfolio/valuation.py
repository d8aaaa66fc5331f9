"""Valuing assets in a reference market through chains of known prices.

Why a graph: a bot trading ETH/BTC and BTC/USDT with USDT as reference has no ETH/USDT price, yet must
value its ETH. Each known pair is an edge both ways (base->quote at the price, quote->base at its
inverse); an asset is converted along the shortest chain of pairs (fewest hops, so the fewest price
approximations). Paths are cached and recomputed only when a new pair appears.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Iterable, Mapping
from decimal import Decimal

from octobot_trading.errors import InvalidAmountError, ValuationError
from octobot_trading.portfolio.balance import ZERO
from octobot_trading.symbols import Symbol, parse_symbol

logger = logging.getLogger(__name__)

ONE = Decimal(1)


class PriceGraph:
    """Last known prices by pair; converts any asset to another through intermediate pairs."""

    def __init__(self, prices: Mapping[str, Decimal] | Mapping[Symbol, Decimal] | None = None) -> None:
        # (base, quote) -> price of one base in quote
        self._prices: dict[tuple[str, str], Decimal] = {}
        self._neighbours: dict[str, set[str]] = {}
        self._paths: dict[tuple[str, str], tuple[str, ...] | None] = {}
        for symbol, price in (prices or {}).items():
            self.set_price(symbol, price)

    def set_price(self, symbol: str | Symbol, price: Decimal) -> None:
        """Last price of ``symbol`` (one base in quote). A contract symbol counts as its spot pair."""
        parsed = parse_symbol(symbol)
        if not isinstance(price, Decimal) or not price.is_finite() or price <= 0:
            raise InvalidAmountError(f"price of {parsed} must be a positive Decimal, got {price!r}")
        key = (parsed.base, parsed.quote)
        if key not in self._prices:
            self._neighbours.setdefault(parsed.base, set()).add(parsed.quote)
            self._neighbours.setdefault(parsed.quote, set()).add(parsed.base)
            self._paths.clear()  # the topology changed
        self._prices[key] = price

    def update(self, prices: Mapping[str | Symbol, Decimal]) -> None:
        for symbol, price in prices.items():
            self.set_price(symbol, price)

    def price(self, symbol: str | Symbol) -> Decimal | None:
        parsed = parse_symbol(symbol)
        return self._prices.get((parsed.base, parsed.quote))

    def prices(self) -> dict[str, Decimal]:
        return {f"{base}/{quote}": price for (base, quote), price in self._prices.items()}

    def copy(self) -> PriceGraph:
        return PriceGraph(self.prices())

    def __contains__(self, symbol: object) -> bool:
        return isinstance(symbol, str | Symbol) and self.price(symbol) is not None

    def __len__(self) -> int:
        return len(self._prices)

    # --- conversion ------------------------------------------------------------------------------

    def path(self, from_asset: str, to_asset: str) -> tuple[str, ...] | None:
        """The assets crossed from ``from_asset`` to ``to_asset`` (both included), None when unreachable."""
        key = (from_asset, to_asset)
        if key not in self._paths:
            self._paths[key] = self._search(from_asset, to_asset)
        return self._paths[key]

    def rate(self, from_asset: str, to_asset: str) -> Decimal:
        """How much ``to_asset`` one ``from_asset`` is worth; ``ValuationError`` when no chain of prices."""
        if from_asset == to_asset:
            return ONE
        path = self.path(from_asset, to_asset)
        if path is None:
            known = ", ".join(sorted(self.prices())) or "none"
            raise ValuationError(
                f"cannot value {from_asset} in {to_asset}: no chain of known prices links them "
                f"(known pairs: {known}); feed a price for a pair linking {from_asset} to {to_asset}"
            )
        rate = ONE
        for step_from, step_to in itertools.pairwise(path):
            direct = self._prices.get((step_from, step_to))
            rate = rate * direct if direct is not None else rate / self._prices[(step_to, step_from)]
        return rate

    def convert(self, amount: Decimal, from_asset: str, to_asset: str) -> Decimal:
        if amount == ZERO:
            return ZERO
        return amount * self.rate(from_asset, to_asset)

    def values(
        self, totals: Mapping[str, Decimal], reference: str, *, strict: bool = True
    ) -> dict[str, Decimal]:
        """Each asset's value in ``reference``. With ``strict=False`` an asset that cannot be valued is
        left out with a warning instead of raising ``ValuationError``."""
        result: dict[str, Decimal] = {}
        for asset, amount in totals.items():
            if amount == ZERO:
                continue
            try:
                result[asset] = self.convert(amount, asset, reference)
            except ValuationError:
                if strict:
                    raise
                logger.warning(
                    "no price chain from %s to %s: %s %s left out of the valuation",
                    asset,
                    reference,
                    amount,
                    asset,
                )
        return result

    def value(self, totals: Mapping[str, Decimal], reference: str, *, strict: bool = True) -> Decimal:
        """Total value of ``totals`` in ``reference``."""
        return sum(self.values(totals, reference, strict=strict).values(), ZERO)

    def _search(self, start: str, goal: str) -> tuple[str, ...] | None:
        if start not in self._neighbours or goal not in self._neighbours:
            return None
        previous: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                break
            for neighbour in sorted(self._neighbours[node]):  # sorted: the same path on every run
                if neighbour not in previous:
                    previous[neighbour] = node
                    queue.append(neighbour)
        if goal not in previous:
            return None
        path: list[str] = []
        step: str | None = goal
        while step is not None:
            path.append(step)
            step = previous[step]
        return tuple(reversed(path))


def pairs_assets(symbols: Iterable[str | Symbol]) -> set[str]:
    """Every base and quote of ``symbols``."""
    assets: set[str] = set()
    for symbol in symbols:
        parsed = parse_symbol(symbol)
        assets.update((parsed.base, parsed.quote))
    return assets
