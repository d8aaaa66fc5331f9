"""Public API of the exchange emulator."""

from octobot_exchange_emulator.candle_sources import (
    PriceSeries,
    infer_time_frame,
    load_candles,
    read_price_series,
)
from octobot_exchange_emulator.client_settings import ccxt_config
from octobot_exchange_emulator.errors import ApiError, EmulatorDataError, EmulatorError
from octobot_exchange_emulator.exchange_emulator import ExchangeEmulator
from octobot_exchange_emulator.faults import Fault, FaultKind, FaultPlan
from octobot_exchange_emulator.history_server import BinanceLikeServer
from octobot_exchange_emulator.http_frontend import RecordedRequest
from octobot_exchange_emulator.market_spec import MarketSpec
from octobot_exchange_emulator.random_faults import RandomFaults

__all__ = [
    "ApiError",
    "BinanceLikeServer",
    "EmulatorDataError",
    "EmulatorError",
    "ExchangeEmulator",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "MarketSpec",
    "PriceSeries",
    "RandomFaults",
    "RecordedRequest",
    "ccxt_config",
    "infer_time_frame",
    "load_candles",
    "read_price_series",
]
