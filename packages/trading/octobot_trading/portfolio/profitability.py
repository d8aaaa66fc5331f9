"""Profitability figures of a portfolio against three baselines.

- versus the starting portfolio: value now / value at the start, both in the reference market;
- versus holding: what the starting balances would be worth now, untouched ("did trading beat doing
  nothing?");
- versus the market average: the mean % change of the traded pairs over the run (an equal split across
  the pairs, held), the figure OctoBot users compare against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from octobot_trading.errors import ValuationError
from octobot_trading.portfolio.balance import ZERO
from octobot_trading.portfolio.valuation import PriceGraph
from octobot_trading.symbols import Symbol, parse_symbol

HUNDRED = Decimal(100)


def percent_change(start: Decimal, end: Decimal) -> Decimal:
    """(end - start) / start in percent."""
    if start == ZERO:
        raise ValuationError(f"cannot compute a % change from a zero starting value (to {end})")
    return (end - start) / start * HUNDRED


def market_average_change(
    start_prices: PriceGraph, current_prices: PriceGraph, symbols: Iterable[str | Symbol]
) -> Decimal:
    """Mean % change of each traded pair's price (pairs without both prices raise ``ValuationError``)."""
    changes: list[Decimal] = []
    for symbol in symbols:
        parsed = parse_symbol(symbol)
        start = start_prices.price(parsed)
        end = current_prices.price(parsed)
        if start is None or end is None:
            raise ValuationError(
                f"no {'starting' if start is None else 'current'} price for {parsed}: "
                "feed at least one price of every traded pair before computing the market average"
            )
        changes.append(percent_change(start, end))
    if not changes:
        return ZERO
    return sum(changes, ZERO) / len(changes)


@dataclass(frozen=True, slots=True)
class Profitability:
    """Every figure in the reference market; percents are percents (5 means +5 %)."""

    reference: str
    start_value: Decimal
    current_value: Decimal
    #: current_value - start_value
    profit: Decimal
    #: % change of the portfolio value since the start
    profit_percent: Decimal
    #: the starting balances valued at current prices
    holding_value: Decimal
    #: % change a holder of the starting balances got
    holding_percent: Decimal
    #: profit_percent - holding_percent: what trading added over holding
    vs_holding_percent: Decimal
    #: mean % change of the traded pairs
    market_average_percent: Decimal
    #: profit_percent - market_average_percent
    vs_market_percent: Decimal

    def to_dict(self) -> dict[str, Decimal | str]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def compute_profitability(
    *,
    reference: str,
    start_totals: Mapping[str, Decimal],
    current_totals: Mapping[str, Decimal],
    start_prices: PriceGraph,
    current_prices: PriceGraph,
    traded_symbols: Iterable[str | Symbol] = (),
) -> Profitability:
    start_value = start_prices.value(start_totals, reference)
    current_value = current_prices.value(current_totals, reference)
    holding_value = current_prices.value(start_totals, reference)
    profit_percent = percent_change(start_value, current_value)
    holding_percent = percent_change(start_value, holding_value)
    market_average = market_average_change(start_prices, current_prices, traded_symbols)
    return Profitability(
        reference=reference,
        start_value=start_value,
        current_value=current_value,
        profit=current_value - start_value,
        profit_percent=profit_percent,
        holding_value=holding_value,
        holding_percent=holding_percent,
        vs_holding_percent=profit_percent - holding_percent,
        market_average_percent=market_average,
        vs_market_percent=profit_percent - market_average,
    )
