"""Portfolio: balances with exact locking, valuation through price chains, profitability, history."""

from octobot_trading.portfolio.balance import Balance, BalanceDelta
from octobot_trading.portfolio.equity import PriceSeries, equity_curve
from octobot_trading.portfolio.history import PortfolioHistory
from octobot_trading.portfolio.manager import PortfolioManager
from octobot_trading.portfolio.portfolio import Portfolio, PortfolioSnapshot
from octobot_trading.portfolio.profitability import (
    Profitability,
    compute_profitability,
    market_average_change,
    percent_change,
)
from octobot_trading.portfolio.valuation import PriceGraph

__all__ = [
    "Balance",
    "BalanceDelta",
    "Portfolio",
    "PortfolioHistory",
    "PortfolioManager",
    "PortfolioSnapshot",
    "PriceGraph",
    "PriceSeries",
    "Profitability",
    "compute_profitability",
    "equity_curve",
    "market_average_change",
    "percent_change",
]
