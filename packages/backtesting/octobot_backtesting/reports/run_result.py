"""What a finished run hands to the report: plain values the replay or the orchestrator fills in.

Why plain dataclasses: the report must not depend on the trader's live objects (orders, portfolio), so a
run recorded yesterday, a run from another process or a hand-written scenario are reported the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from octobot_backtesting.reports.errors import ReportError


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """One fill. ``realised_pnl`` is in the symbol's quote currency (0 for fills that open or grow a
    position); ``kind`` is the order kind ("market", "limit", "stop_loss", ...)."""

    time_ms: int
    symbol: str
    side: str  # "buy" or "sell"
    price: Decimal
    amount: Decimal
    fee: Decimal
    fee_currency: str
    realised_pnl: Decimal = Decimal(0)
    kind: str = "market"

    def __post_init__(self) -> None:
        if self.side not in ("buy", "sell"):
            raise ReportError(f"trade at {self.time_ms} ms on {self.symbol}: side must be 'buy' or 'sell'")
        for name in ("price", "amount", "fee", "realised_pnl"):
            if not isinstance(getattr(self, name), Decimal):
                raise ReportError(
                    f"trade at {self.time_ms} ms on {self.symbol}: {name} must be a Decimal, "
                    f"got {getattr(self, name)!r}"
                )

    @classmethod
    def from_trade(cls, trade: Any) -> TradeRecord:
        """From an ``octobot_trading`` trade (``time``, ``symbol``, ``side``, ``kind``, ``price``,
        ``amount``, ``fee``, ``fee_asset``, ``realised_pnl``)."""
        return cls(
            time_ms=int(trade.time),
            symbol=str(trade.symbol),
            side=str(getattr(trade.side, "value", trade.side)),
            price=trade.price,
            amount=trade.amount,
            fee=trade.fee,
            fee_currency=str(trade.fee_asset),
            realised_pnl=trade.realised_pnl,
            kind=str(getattr(trade.kind, "value", trade.kind)),
        )


@dataclass(frozen=True, slots=True)
class OpenOrderRecord:
    """An order still open when the run ended (drawn on the chart at its price)."""

    symbol: str
    side: str
    kind: str
    price: Decimal
    amount: Decimal
    created_ms: int


@dataclass(slots=True)
class RunResult:
    """Everything a report is computed from.

    ``candles``: per symbol, the (n, 6) candles of the time frame the run was driven by (open time ms,
    open, high, low, close, volume). ``equity_times_ms`` / ``equity_values``: the portfolio value in
    ``reference_market`` after each step of the run. Start and end prices of an asset default to the first
    open and last close of ``ASSET/<reference_market>`` in ``candles``; ``start_prices`` / ``end_prices``
    give them for assets without such candles. ``metadata`` (profile, strategy, settings) is copied into
    the report with anything that looks like a secret masked.
    """

    start_ms: int
    end_ms: int
    reference_market: str
    start_portfolio: Mapping[str, Decimal]
    end_portfolio: Mapping[str, Decimal]
    candles: Mapping[str, np.ndarray]
    equity_times_ms: Sequence[int] | np.ndarray
    equity_values: Sequence[Decimal | float] | np.ndarray
    trades: Sequence[TradeRecord] = ()
    orders_by_kind: Mapping[str, int] = field(default_factory=dict)
    open_orders: Sequence[OpenOrderRecord] = ()
    run_duration_s: float = 0.0
    candles_processed: int = 0
    start_prices: Mapping[str, Decimal] = field(default_factory=dict)
    end_prices: Mapping[str, Decimal] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.end_ms < self.start_ms:
            raise ReportError(f"end_ms ({self.end_ms}) is before start_ms ({self.start_ms})")
        if len(self.equity_times_ms) != len(self.equity_values):
            raise ReportError(
                f"equity curve: {len(self.equity_times_ms)} times but {len(self.equity_values)} values; "
                "give one value per time"
            )
        for symbol, array in self.candles.items():
            shape = np.shape(array)
            if len(shape) != 2 or shape[1] != 6:
                raise ReportError(f"candles of {symbol} must be an (n, 6) array, got shape {shape}")
        for portfolio_name in ("start_portfolio", "end_portfolio"):
            for asset, amount in getattr(self, portfolio_name).items():
                if not isinstance(amount, Decimal):
                    raise ReportError(f"{portfolio_name}[{asset!r}] must be a Decimal, got {amount!r}")
