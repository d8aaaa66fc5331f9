"""Balances of one account: per asset total and available, changed only through checked updates.

Why every update is all-or-nothing: the trader, the simulator and trading modes all move funds; an
update that would drive any balance below zero (or lock more than is held) must fail loudly and leave
every balance as it was, so the portfolio can never drift into an impossible state.

Updates are synchronous (no ``await`` inside), hence atomic on the event loop. ``async_lock`` is for
callers that check balances and then act across an ``await`` (a trading mode sizing then placing
orders): they hold it around the whole sequence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from octobot_trading.errors import InvalidAmountError, NegativeBalanceError
from octobot_trading.exact import EXACT
from octobot_trading.portfolio.balance import ZERO, Balance, BalanceDelta

logger = logging.getLogger(__name__)

DeltaValue = Decimal | BalanceDelta
Deltas = Mapping[str, DeltaValue] | Iterable[tuple[str, DeltaValue]]


def _amount(value: object, what: str) -> Decimal:
    """Amounts are Decimals (ints accepted); floats are refused: they would bring binary noise into money."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidAmountError(f"{what} must be finite, got {value}")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise InvalidAmountError(
        f"{what} must be a Decimal, got {type(value).__name__} {value!r}; use Decimal('0.1'), not floats"
    )


def _positive(value: object, what: str) -> Decimal:
    amount = _amount(value, what)
    if amount < 0:
        raise InvalidAmountError(f"{what} must be positive or zero, got {amount}")
    return amount


@dataclass(frozen=True, slots=True)
class PortfolioSnapshot:
    """Balances at one instant (a copy: later updates do not change it)."""

    timestamp: int | None
    balances: Mapping[str, Balance] = field(default_factory=dict)

    def total(self, asset: str) -> Decimal:
        balance = self.balances.get(asset)
        return balance.total if balance is not None else ZERO

    def totals(self) -> dict[str, Decimal]:
        return {asset: balance.total for asset, balance in self.balances.items()}

    def to_dict(self) -> dict:
        """JSON-ready: amounts as strings so that no precision is lost (reports, saved runs)."""
        return {
            "timestamp": self.timestamp,
            "balances": {
                asset: {"total": str(balance.total), "available": str(balance.available)}
                for asset, balance in sorted(self.balances.items())
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> PortfolioSnapshot:
        """The inverse of ``to_dict``; refuses anything that is not a valid balance."""
        try:
            balances = {
                str(asset): Balance(Decimal(str(values["total"])), Decimal(str(values["available"])))
                for asset, values in data["balances"].items()
            }
        except (KeyError, TypeError, AttributeError, ArithmeticError) as error:
            raise InvalidAmountError(
                f"cannot read a portfolio snapshot from {data!r:.200}: {error!r}; expected "
                '{"timestamp": int | None, "balances": {asset: {"total": "1.5", "available": "1.0"}}}'
            ) from None
        for asset, balance in balances.items():
            if not (balance.total.is_finite() and balance.available.is_finite()) or not (
                0 <= balance.available <= balance.total
            ):
                raise InvalidAmountError(
                    f"invalid balance for {asset} in snapshot: total {balance.total}, available "
                    f"{balance.available}; need 0 <= available <= total"
                )
        timestamp = data.get("timestamp")
        return cls(None if timestamp is None else int(timestamp), balances)


class Portfolio:
    """Per asset total and available amounts (Decimal). An unknown asset has a zero balance."""

    def __init__(self, totals: Mapping[str, Decimal | int] | None = None) -> None:
        self._total: dict[str, Decimal] = {}
        self._available: dict[str, Decimal] = {}
        self._async_lock: asyncio.Lock | None = None
        for asset, amount in (totals or {}).items():
            value = _positive(amount, f"starting balance of {asset}")
            self._total[asset] = value
            self._available[asset] = value

    # --- reading ---------------------------------------------------------------------------------

    def total(self, asset: str) -> Decimal:
        return self._total.get(asset, ZERO)

    def available(self, asset: str) -> Decimal:
        return self._available.get(asset, ZERO)

    def locked(self, asset: str) -> Decimal:
        return EXACT.subtract(self._total.get(asset, ZERO), self._available.get(asset, ZERO))

    def balance(self, asset: str) -> Balance:
        return Balance(self.total(asset), self.available(asset))

    def assets(self) -> list[str]:
        """Assets with a non-zero total, sorted."""
        return sorted(asset for asset, total in self._total.items() if total != ZERO)

    def totals(self) -> dict[str, Decimal]:
        """Non-zero totals by asset (a copy)."""
        return {asset: total for asset, total in self._total.items() if total != ZERO}

    def balances(self) -> dict[str, Balance]:
        """Every non-empty balance (a copy)."""
        return {
            asset: Balance(total, self._available.get(asset, ZERO))
            for asset, total in self._total.items()
            if total != ZERO or self._available.get(asset, ZERO) != ZERO
        }

    def __contains__(self, asset: object) -> bool:
        return isinstance(asset, str) and self._total.get(asset, ZERO) != ZERO

    def __iter__(self) -> Iterator[str]:
        return iter(self.assets())

    def __repr__(self) -> str:
        inner = ", ".join(
            f"{a}: {b.total} ({b.available} available)" for a, b in sorted(self.balances().items())
        )
        return f"Portfolio({inner})"

    # --- locking ---------------------------------------------------------------------------------

    @property
    def async_lock(self) -> asyncio.Lock:
        """Hold it around check-then-act sequences that ``await`` (created on first use)."""
        if self._async_lock is None:
            self._async_lock = asyncio.Lock()
        return self._async_lock

    def lock(self, asset: str, amount: Decimal) -> None:
        """Reserve ``amount`` of ``asset`` (an open order's funds): available decreases, total does not."""
        value = _positive(amount, f"amount of {asset} to lock")
        available = self._available.get(asset, ZERO)
        if value > available:
            raise NegativeBalanceError(
                f"cannot lock {value} {asset}: only {available} {asset} available "
                f"({self.total(asset)} total, {self.locked(asset)} already locked); "
                "lock less or free funds first",
                asset=asset,
                field="available",
                current=available,
                requested=-value,
            )
        self._available[asset] = EXACT.subtract(available, value)
        self._total.setdefault(asset, ZERO)

    def unlock(self, asset: str, amount: Decimal) -> None:
        """Release ``amount`` of ``asset`` locked before; refuses to release more than is locked."""
        value = _positive(amount, f"amount of {asset} to unlock")
        locked = self.locked(asset)
        if value > locked:
            raise NegativeBalanceError(
                f"cannot unlock {value} {asset}: only {locked} {asset} is locked; "
                "unlock exactly what was locked (an order's remaining reservation)",
                asset=asset,
                field="locked",
                current=locked,
                requested=-value,
            )
        self._available[asset] = EXACT.add(self._available.get(asset, ZERO), value)

    # --- changing balances -----------------------------------------------------------------------

    def apply(self, deltas: Deltas) -> None:
        """Apply changes to several assets at once, all or nothing.

        ``deltas`` maps an asset to a ``Decimal`` (total and available both change by it) or to a
        ``BalanceDelta`` (separate total and available changes); an iterable of (asset, change) pairs
        is accepted too, and repeated assets add up. Raises ``NegativeBalanceError`` (nothing changed)
        when a total or an available amount would fall below zero, or available would exceed total.
        """
        items = deltas.items() if isinstance(deltas, Mapping) else deltas
        summed: dict[str, tuple[Decimal, Decimal]] = {}
        for asset, change in items:
            if isinstance(change, BalanceDelta):
                d_total = _amount(change.total, f"total change of {asset}")
                d_available = _amount(change.available, f"available change of {asset}")
            else:
                d_total = d_available = _amount(change, f"change of {asset}")
            previous = summed.get(asset)
            if previous is not None:
                d_total = EXACT.add(d_total, previous[0])
                d_available = EXACT.add(d_available, previous[1])
            summed[asset] = (d_total, d_available)
        # validate everything first: nothing is written unless every asset is fine
        updated: list[tuple[str, Decimal, Decimal]] = []
        for asset, (d_total, d_available) in summed.items():
            total = self._total.get(asset, ZERO)
            available = self._available.get(asset, ZERO)
            new_total = EXACT.add(total, d_total)
            new_available = EXACT.add(available, d_available)
            if new_total < 0:
                raise NegativeBalanceError(
                    f"cannot change {asset} total by {d_total}: it holds {total} {asset}, it would become "
                    f"{new_total}; nothing was changed",
                    asset=asset,
                    field="total",
                    current=total,
                    requested=d_total,
                )
            if new_available < 0:
                raise NegativeBalanceError(
                    f"cannot change {asset} available by {d_available}: {available} {asset} available, "
                    "it would "
                    f"become {new_available}; nothing was changed (unlock funds before spending them)",
                    asset=asset,
                    field="available",
                    current=available,
                    requested=d_available,
                )
            if new_available > new_total:
                raise NegativeBalanceError(
                    f"cannot change {asset} to {new_available} available out of {new_total} total: "
                    "the locked "
                    f"part would be negative ({new_total - new_available}); nothing was changed",
                    asset=asset,
                    field="locked",
                    current=total - available,
                    requested=d_total - d_available,
                )
            updated.append((asset, new_total, new_available))
        for asset, new_total, new_available in updated:
            self._total[asset] = new_total
            self._available[asset] = new_available

    def deposit(self, asset: str, amount: Decimal) -> None:
        self.apply({asset: _positive(amount, f"deposit of {asset}")})

    def withdraw(self, asset: str, amount: Decimal) -> None:
        """Take ``amount`` out of the available funds."""
        self.apply({asset: -_positive(amount, f"withdrawal of {asset}")})

    # --- snapshots -------------------------------------------------------------------------------

    def snapshot(self, timestamp: int | None = None) -> PortfolioSnapshot:
        return PortfolioSnapshot(timestamp, self.balances())

    def restore(self, snapshot: PortfolioSnapshot) -> None:
        """Set every balance back to ``snapshot`` (to replay or reset a simulation)."""
        self._total = {asset: balance.total for asset, balance in snapshot.balances.items()}
        self._available = {asset: balance.available for asset, balance in snapshot.balances.items()}
