"""What a finished run hands to the report: plain values the replay or the orchestrator fills in.

Why plain dataclasses: the report must not depend on the trader's live objects (orders, portfolio), so a
run recorded yesterday, a run from another process or a hand-written scenario are reported the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from octobot_backtesting.reports.errors import ReportError


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """One fill. ``realised_pnl`` is in the symbol's quote currency (0 for fills that open or grow a
    position); ``kind`` is the order kind ("market", "limit", "stop_loss", ...); ``exchange`` names the
    exchange of a run over several (None: the run's only exchange)."""

    time_ms: int
    symbol: str
    side: str  # "buy" or "sell"
    price: Decimal
    amount: Decimal
    fee: Decimal
    fee_currency: str
    realised_pnl: Decimal = Decimal(0)
    kind: str = "market"
    exchange: str | None = None

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
    def from_trade(cls, trade: Any, exchange: str | None = None) -> TradeRecord:
        """From an ``octobot_trading`` trade (``time``, ``symbol``, ``side``, ``kind``, ``price``,
        ``amount``, ``fee``, ``fee_asset``, ``realised_pnl``) made on ``exchange``."""
        return cls(
            time_ms=int(trade.time),
            symbol=str(trade.symbol),
            side=_value(trade.side),
            price=trade.price,
            amount=trade.amount,
            fee=trade.fee,
            fee_currency=str(trade.fee_asset),
            realised_pnl=trade.realised_pnl,
            kind=_value(trade.kind),
            exchange=exchange,
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
    the report with anything that looks like a secret masked. ``interrupted_at_ms``: a partial run's
    report says so, with the instant it stopped at.
    """

    start_ms: int
    end_ms: int
    reference_market: str
    start_portfolio: Mapping[str, Decimal]
    end_portfolio: Mapping[str, Decimal]
    # bulk fields stay out of repr: a year of 1m candles would print for seconds
    candles: Mapping[str, np.ndarray] = field(repr=False)
    equity_times_ms: Sequence[int] | np.ndarray = field(repr=False)
    equity_values: Sequence[Decimal | float] | np.ndarray = field(repr=False)
    trades: Sequence[TradeRecord] = field(default=(), repr=False)
    orders_by_kind: Mapping[str, int] = field(default_factory=dict)
    open_orders: Sequence[OpenOrderRecord] = field(default=(), repr=False)
    run_duration_s: float = 0.0
    candles_processed: int = 0
    start_prices: Mapping[str, Decimal] = field(default_factory=dict)
    end_prices: Mapping[str, Decimal] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    #: the instant (ms) a run stopped at when the user interrupted it (Ctrl+C); None: it ran to its end
    interrupted_at_ms: int | None = None
    #: what the reader of the figures should know about the data (gaps in the run window)
    data_warnings: Sequence[str] = ()

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

    @classmethod
    def from_exchange_manager(
        cls,
        exchange_manager: Any,
        *,
        start_ms: int,
        end_ms: int,
        candles: Mapping[str, np.ndarray],
        run_duration_s: float = 0.0,
        candles_processed: int = 0,
        orders_by_kind: Mapping[str, int] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> RunResult:
        """The result of a run driven through an ``octobot_trading.ExchangeManager``: portfolios, prices
        and equity from its portfolio manager (record values during the run for the curve), trades and open
        orders from its trader.

        ``orders_by_kind`` defaults to the orders seen in trades and open orders (an order cancelled before
        any fill is not seen: pass the trading mode's own count when it keeps one).
        """
        manager = exchange_manager.portfolio_manager
        trader = exchange_manager.trader
        reference = manager.reference_market
        start_portfolio = dict(manager.start.totals())
        end_portfolio = dict(exchange_manager.portfolio.totals())
        trades = [TradeRecord.from_trade(trade) for trade in trader.trades()]
        open_orders = [
            OpenOrderRecord(
                symbol=order.symbol,
                side=_value(order.side),
                kind=_value(order.kind),
                price=order.price if order.price is not None else order.trigger_price,
                amount=order.remaining,
                created_ms=int(order.created_at),
            )
            for order in trader.open_orders()
        ]
        if orders_by_kind is None:
            kinds = {trade.order_id: _value(trade.kind) for trade in trader.trades()}
            kinds.update({order.order_id: _value(order.kind) for order in trader.open_orders()})
            orders_by_kind = dict(Counter(kinds.values()))
        points = manager.history.points()
        return cls(
            start_ms=start_ms,
            end_ms=end_ms,
            reference_market=reference,
            start_portfolio=start_portfolio,
            end_portfolio=end_portfolio,
            candles=candles,
            equity_times_ms=[time for time, _ in points],
            equity_values=[value for _, value in points],
            trades=trades,
            orders_by_kind=orders_by_kind,
            open_orders=open_orders,
            run_duration_s=run_duration_s,
            candles_processed=candles_processed,
            start_prices=_rates(manager.start_prices, start_portfolio, reference),
            end_prices=_rates(manager.prices, {**start_portfolio, **end_portfolio}, reference),
            metadata=dict(metadata or {}),
        )


def _value(enum_or_text: Any) -> str:
    """The string of an octobot_trading enum (``OrderSide.BUY`` -> "buy"), or the text itself."""
    return str(getattr(enum_or_text, "value", enum_or_text))


def _rates(prices: Any, assets: Mapping[str, Decimal], reference: str) -> dict[str, Decimal]:
    """The price of each asset in ``reference`` from a trading ``PriceGraph``; an asset without a price
    chain is left to the candles (and to a clear ReportError if they cannot price it either)."""
    rates = {}
    for asset in assets:
        if asset == reference:
            continue
        try:
            rates[asset] = prices.rate(asset, reference)
        except Exception:
            continue
    return rates
