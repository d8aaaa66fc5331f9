"""Public API of the exchange emulator."""

from octobot_trading.emulator.data import infer_time_frame, load_candles
from octobot_trading.emulator.errors import ApiError, EmulatorDataError, EmulatorError
from octobot_trading.emulator.faults import Fault, FaultKind, FaultPlan
from octobot_trading.emulator.market import MarketSpec
from octobot_trading.emulator.server import ExchangeEmulator, RecordedRequest, ccxt_config

__all__ = [
    "ApiError",
    "EmulatorDataError",
    "EmulatorError",
    "ExchangeEmulator",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "MarketSpec",
    "RecordedRequest",
    "ccxt_config",
    "infer_time_frame",
    "load_candles",
]
