"""Public API of octobot-trading: everything other packages may use, re-exported by ``__init__``.

Grouped by area; each group extends ``__all__`` with its names.
"""

from __future__ import annotations

__all__: list[str] = []

# --- vocabulary, markets, portfolio ---
from octobot_trading.candles import DEFAULT_MAX_SIZE as DEFAULT_CANDLE_BUFFER_SIZE
from octobot_trading.candles import Candle, CandleBuffer
from octobot_trading.ccxt_files import ccxt_exchange_ids
from octobot_trading.errors import (
    CandleOrderError,
    InvalidAmountError,
    InvalidCandleError,
    InvalidMarketError,
    InvalidSymbolError,
    InvalidTimestampError,
    MarketError,
    NegativeBalanceError,
    OctobotTradingError,
    OrderAboveMaximumError,
    OrderBelowMinimumError,
    OrderLimitError,
    PortfolioError,
    PriceOutOfRangeError,
    UnknownTimeFrameError,
    ValuationError,
)
from octobot_trading.markets import (
    DECIMAL_PLACES,
    DEFAULT_FEE,
    ROUND,
    SIGNIFICANT_DIGITS,
    TICK_SIZE,
    TRUNCATE,
    MarketRules,
    Markets,
    to_decimal,
)
from octobot_trading.portfolio import (
    Balance,
    BalanceDelta,
    Portfolio,
    PortfolioHistory,
    PortfolioManager,
    PortfolioSnapshot,
    PriceGraph,
    PriceSeries,
    Profitability,
    compute_profitability,
    equity_curve,
    market_average_change,
    percent_change,
)
from octobot_trading.symbols import Symbol, format_symbol, normalize_symbol, parse_symbol
from octobot_trading.time_frames import (
    ALL_TIME_FRAMES,
    TimeFrame,
    largest_time_frame,
    parse_time_frame,
    smallest_time_frame,
    sort_time_frames,
)
from octobot_trading.timestamps import (
    Clock,
    WallClock,
    candle_close_time,
    candle_open_time,
    check_ms,
    is_candle_closed,
    iso_to_ms,
    ms_to_datetime,
    ms_to_iso,
    ms_to_seconds,
    seconds_to_ms,
)

__all__ += [
    "ALL_TIME_FRAMES",
    "DECIMAL_PLACES",
    "DEFAULT_CANDLE_BUFFER_SIZE",
    "DEFAULT_FEE",
    "ROUND",
    "SIGNIFICANT_DIGITS",
    "TICK_SIZE",
    "TRUNCATE",
    "Balance",
    "BalanceDelta",
    "Candle",
    "CandleBuffer",
    "CandleOrderError",
    "Clock",
    "InvalidAmountError",
    "InvalidCandleError",
    "InvalidMarketError",
    "InvalidSymbolError",
    "InvalidTimestampError",
    "MarketError",
    "MarketRules",
    "Markets",
    "NegativeBalanceError",
    "OctobotTradingError",
    "OrderAboveMaximumError",
    "OrderBelowMinimumError",
    "OrderLimitError",
    "Portfolio",
    "PortfolioError",
    "PortfolioHistory",
    "PortfolioManager",
    "PortfolioSnapshot",
    "PriceGraph",
    "PriceOutOfRangeError",
    "PriceSeries",
    "Profitability",
    "Symbol",
    "TimeFrame",
    "UnknownTimeFrameError",
    "ValuationError",
    "WallClock",
    "candle_close_time",
    "candle_open_time",
    "ccxt_exchange_ids",
    "check_ms",
    "compute_profitability",
    "equity_curve",
    "format_symbol",
    "is_candle_closed",
    "iso_to_ms",
    "largest_time_frame",
    "market_average_change",
    "ms_to_datetime",
    "ms_to_iso",
    "ms_to_seconds",
    "normalize_symbol",
    "parse_symbol",
    "parse_time_frame",
    "percent_change",
    "seconds_to_ms",
    "smallest_time_frame",
    "sort_time_frames",
    "to_decimal",
]

# --- orders, simulator, trader, exchanges, channels, modes ---
from octobot_trading.channels.exchange_channels import (  # noqa: E402
    EXCHANGE_CHANNELS,
    BalanceChannel,
    BalanceProfitabilityChannel,
    KlineChannel,
    MarkPriceChannel,
    ModeChannel,
    OHLCVChannel,
    OrderBookChannel,
    OrdersChannel,
    RecentTradesChannel,
    TickerChannel,
    TradesChannel,
    create_exchange_channels,
)
from octobot_trading.exchanges.account import Account  # noqa: E402
from octobot_trading.exchanges.connector import ExchangeConnector  # noqa: E402
from octobot_trading.exchanges.errors import ExchangeManagerError  # noqa: E402
from octobot_trading.exchanges.exchange_manager import ExchangeManager  # noqa: E402
from octobot_trading.exchanges.market_data import MarketDataSink, MarketDataSource, SymbolData  # noqa: E402
from octobot_trading.ids import IdCounter  # noqa: E402
from octobot_trading.modes.amounts import AmountSpec, AmountUnit, InvalidAmountSyntaxError, parse_amount  # noqa: E402
from octobot_trading.modes.arbitrage_trading_mode import ArbitrageTradingMode  # noqa: E402
from octobot_trading.modes.blank_trading_mode import BlankTradingMode  # noqa: E402
from octobot_trading.modes.config_problem import ConfigProblem  # noqa: E402
from octobot_trading.modes.daily_trading_mode import DailyTradingMode  # noqa: E402
from octobot_trading.modes.dca_trading_mode import DCATradingMode  # noqa: E402
from octobot_trading.modes.dip_analyser_trading_mode import DipAnalyserTradingMode  # noqa: E402
from octobot_trading.modes.dip_weights import dip_code, dip_weights  # noqa: E402
from octobot_trading.modes.errors import TradingModeError  # noqa: E402
from octobot_trading.modes.grid_trading_mode import GridSettings, GridTradingMode  # noqa: E402
from octobot_trading.modes.index_trading_mode import IndexTradingMode  # noqa: E402
from octobot_trading.modes.market_making_trading_mode import MarketMakingTradingMode  # noqa: E402
from octobot_trading.modes.order_plan import OrderPlan, OrderRequest  # noqa: E402
from octobot_trading.modes.order_signal import OrderSignal, OrderSignalError, read_signal  # noqa: E402
from octobot_trading.modes.order_signal_emitter import OrderSignalEmitter  # noqa: E402
from octobot_trading.modes.protections import protections  # noqa: E402
from octobot_trading.modes.remote_signals_trading_mode import RemoteSignalsTradingMode  # noqa: E402
from octobot_trading.modes.signal_trading_mode import SignalTradingMode  # noqa: E402
from octobot_trading.modes.staggered_orders_trading_mode import (  # noqa: E402
    Ladder,
    StaggeredOrdersTradingMode,
    VolumeProfile,
)
from octobot_trading.modes.trading_mode import AbstractTradingMode, TradingModeState  # noqa: E402
from octobot_trading.modes.trading_view_signal import SignalError, TradingViewSignal, parse_signal  # noqa: E402
from octobot_trading.modes.trading_view_trading_mode import TradingViewSignalsTradingMode  # noqa: E402
from octobot_trading.orders.enums import OrderKind, OrderSide, OrderStatus  # noqa: E402
from octobot_trading.orders.errors import (  # noqa: E402
    InsufficientFundsError,
    InvalidOrderError,
    InvalidOrderTransitionError,
    NoPriceError,
    OrderError,
    OrderNotFoundError,
    UnknownSymbolError,
)
from octobot_trading.orders.groups import OneCancelsTheOther  # noqa: E402
from octobot_trading.orders.order import Order  # noqa: E402
from octobot_trading.orders.state_machine import TRANSITIONS as ORDER_TRANSITIONS  # noqa: E402
from octobot_trading.orders.state_machine import can_transition  # noqa: E402
from octobot_trading.orders.trade import Trade  # noqa: E402
from octobot_trading.simulator.exchange_simulator import ExchangeSimulator  # noqa: E402
from octobot_trading.simulator.fee_model import FeeAsset, FeeModel  # noqa: E402
from octobot_trading.simulator.fill_model import FillModel  # noqa: E402
from octobot_trading.simulator.latency_model import LatencyModel  # noqa: E402
from octobot_trading.simulator.slippage_model import SlippageModel  # noqa: E402
from octobot_trading.trader import Trader  # noqa: E402

__all__ += [
    "EXCHANGE_CHANNELS",
    "ORDER_TRANSITIONS",
    "AbstractTradingMode",
    "Account",
    "AmountSpec",
    "AmountUnit",
    "ArbitrageTradingMode",
    "BalanceChannel",
    "BalanceProfitabilityChannel",
    "BlankTradingMode",
    "ConfigProblem",
    "DCATradingMode",
    "DailyTradingMode",
    "DipAnalyserTradingMode",
    "ExchangeConnector",
    "ExchangeManager",
    "ExchangeManagerError",
    "ExchangeSimulator",
    "FeeAsset",
    "FeeModel",
    "FillModel",
    "GridSettings",
    "GridTradingMode",
    "IdCounter",
    "IndexTradingMode",
    "InsufficientFundsError",
    "InvalidAmountSyntaxError",
    "InvalidOrderError",
    "InvalidOrderTransitionError",
    "KlineChannel",
    "Ladder",
    "LatencyModel",
    "MarkPriceChannel",
    "MarketDataSink",
    "MarketDataSource",
    "MarketMakingTradingMode",
    "ModeChannel",
    "NoPriceError",
    "OHLCVChannel",
    "OneCancelsTheOther",
    "Order",
    "OrderBookChannel",
    "OrderError",
    "OrderKind",
    "OrderNotFoundError",
    "OrderPlan",
    "OrderRequest",
    "OrderSide",
    "OrderSignal",
    "OrderSignalEmitter",
    "OrderSignalError",
    "OrderStatus",
    "OrdersChannel",
    "RecentTradesChannel",
    "RemoteSignalsTradingMode",
    "SignalError",
    "SignalTradingMode",
    "SlippageModel",
    "StaggeredOrdersTradingMode",
    "SymbolData",
    "TickerChannel",
    "Trade",
    "Trader",
    "TradesChannel",
    "TradingModeError",
    "TradingModeState",
    "TradingViewSignal",
    "TradingViewSignalsTradingMode",
    "UnknownSymbolError",
    "VolumeProfile",
    "can_transition",
    "create_exchange_channels",
    "dip_code",
    "dip_weights",
    "parse_amount",
    "parse_signal",
    "protections",
    "read_signal",
]

# --- persistence, live ---
from octobot_trading.live.connector import LiveOrderConnector  # noqa: E402
from octobot_trading.live.links import OrderLinks  # noqa: E402
from octobot_trading.live.manager import LiveExchangeManager  # noqa: E402
from octobot_trading.live.sync import LiveAccountSync, ReconcileReport  # noqa: E402
from octobot_trading.persistence.errors import PersistenceError, StateClosedError, StateFileError  # noqa: E402
from octobot_trading.persistence.manager import PersistentExchangeManager  # noqa: E402
from octobot_trading.persistence.recorder import AccountRecorder  # noqa: E402
from octobot_trading.persistence.restore import restore_account  # noqa: E402
from octobot_trading.persistence.store import StateChange, StateStore, StoredState  # noqa: E402

__all__ += [
    "AccountRecorder",
    "LiveAccountSync",
    "LiveExchangeManager",
    "LiveOrderConnector",
    "OrderLinks",
    "PersistenceError",
    "PersistentExchangeManager",
    "ReconcileReport",
    "StateChange",
    "StateClosedError",
    "StateFileError",
    "StateStore",
    "StoredState",
    "restore_account",
]
