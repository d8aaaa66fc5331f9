"""Helpers shared by the octobot evaluators tests (imported relatively: the tests folder is a package)."""

from __future__ import annotations

import os
from pathlib import Path

import ccxt
import numpy as np
import pytest

import octobot_trading as ot
from octobot_trading import CandleBuffer

REPO_ROOT = Path(__file__).resolve().parents[3]


SHARED_DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def load_csv(name: str) -> np.ndarray:
    """An (n, 6) array [timestamp ms, open, high, low, close, volume] of a freqtrade CSV, or skip."""
    path = SHARED_DATA / "freqtrade" / name
    if not path.exists():
        pytest.skip(f"real market data {path} is absent (set OCTOBOT_SHARED_DATA to the shared data folder)")
    return np.loadtxt(path, delimiter=",", skiprows=1)


def resample(candles: np.ndarray, period_ms: int) -> np.ndarray:
    """Aggregate candles into ``period_ms`` candles on the epoch grid (5m -> 1h), complete groups only."""
    step = int(candles[1, 0] - candles[0, 0])
    groups = (candles[:, 0] // period_ms).astype(np.int64)
    keys, starts, counts = np.unique(groups, return_index=True, return_counts=True)
    complete = counts == period_ms // step
    rows = []
    for key, first, count in zip(keys[complete], starts[complete], counts[complete], strict=True):
        group = candles[first : first + count]
        high, low, volume = group[:, 2].max(), group[:, 3].min(), group[:, 5].sum()
        rows.append([key * period_ms, group[0, 1], high, low, group[-1, 4], volume])
    return np.array(rows, dtype=np.float64)


class Buffers:
    """Candle buffers by (symbol, time frame): the candle source evaluators read in tests."""

    def __init__(self) -> None:
        self.buffers: dict[tuple[str, str], CandleBuffer] = {}

    def __call__(self, symbol: str, time_frame: str) -> CandleBuffer:
        key = (symbol, time_frame)
        if key not in self.buffers:
            self.buffers[key] = CandleBuffer(symbol, time_frame, max_size=2000)
        return self.buffers[key]


def binance_markets() -> dict[str, dict]:
    """ccxt market structures for ETH/BTC and BTC/USDT, made by ccxt's own Binance parser."""
    exchange = ccxt.binance()
    exchange.options["crossMarginPairsData"] = []
    exchange.options["isolatedMarginPairsData"] = []
    filters = [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": "0.00000100",
            "maxPrice": "100000.0",
            "tickSize": "0.00000100",
        },
        {"filterType": "LOT_SIZE", "minQty": "0.0001", "maxQty": "100000.0", "stepSize": "0.0001"},
    ]

    def raw(symbol_id: str, base: str, quote: str) -> dict:
        return {
            "symbol": symbol_id,
            "status": "TRADING",
            "baseAsset": base,
            "baseAssetPrecision": 8,
            "quoteAsset": quote,
            "quotePrecision": 8,
            "quoteAssetPrecision": 8,
            "orderTypes": ["LIMIT", "MARKET"],
            "isSpotTradingAllowed": True,
            "isMarginTradingAllowed": False,
            "filters": filters,
            "permissions": [],
            "permissionSets": [["SPOT"]],
        }

    parsed = [
        exchange.parse_market(raw("ETHBTC", "ETH", "BTC")),
        exchange.parse_market(raw("BTCUSDT", "BTC", "USDT")),
    ]
    return {market["symbol"]: market for market in parsed}


async def start_exchange_manager(synchronizer=None) -> ot.ExchangeManager:
    """A simulated octobot_trading ExchangeManager (paper/backtest connector): the real data channels."""
    markets = ot.Markets.from_ccxt_markets(binance_markets(), ccxt.binance().precisionMode, "binance")
    manager = ot.ExchangeManager("binance", markets, portfolio={"BTC": "1"}, synchronizer=synchronizer)
    return await manager.start()
