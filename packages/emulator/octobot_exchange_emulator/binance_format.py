"""Binance's JSON shapes shared by the emulator and the history server: klines (with Binance's
startTime / endTime / limit selection), spot market entries of exchangeInfo, 8-decimal numbers."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from octobot_exchange_emulator.errors import ApiError
from octobot_trading.symbols import parse_symbol

DEFAULT_KLINES = 500
MAX_KLINES = 1000


def klines(candles: np.ndarray, query: Mapping[str, str], step_ms: int) -> list[list]:
    """The klines Binance answers from ``candles`` (sorted (n, 6)): from ``startTime`` the first
    ``limit`` (default 500, at most 1000) up to ``endTime``; without ``startTime`` the most recent ones."""
    try:
        limit = int(query.get("limit", DEFAULT_KLINES))
        start = int(query["startTime"]) if "startTime" in query else None
        end = int(query["endTime"]) if "endTime" in query else None
    except ValueError as error:
        raise ApiError(-1100, "Illegal characters found in a parameter.") from error
    if not 1 <= limit <= MAX_KLINES:
        raise ApiError(-1130, "Invalid data sent for a parameter.")
    times = candles[:, 0]
    last = len(candles) if end is None else int(np.searchsorted(times, end, side="right"))
    if start is not None:
        first = int(np.searchsorted(times, start, side="left"))
        selected = candles[first : min(last, first + limit)]
    else:  # Binance: the most recent candles (before endTime)
        selected = candles[max(0, last - limit) : last]
    return [kline(row, step_ms) for row in selected]


def number(value: float) -> str:
    return format(value, ".8f")


def kline(row: np.ndarray, step_ms: int) -> list:
    open_time = int(row[0])
    volume = float(row[5])
    return [
        open_time,
        number(row[1]),
        number(row[2]),
        number(row[3]),
        number(row[4]),
        number(volume),
        open_time + step_ms - 1,
        number(volume * float(row[4])),
        100,
        number(volume / 2),
        number(volume * float(row[4]) / 2),
        "0",
    ]


def spot_market(market_id: str, symbol: str) -> dict:
    parsed = parse_symbol(symbol)
    return {
        "symbol": market_id,
        "status": "TRADING",
        "baseAsset": parsed.base,
        "baseAssetPrecision": 8,
        "quoteAsset": parsed.quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
        "icebergAllowed": True,
        "ocoAllowed": True,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": True,
        "cancelReplaceAllowed": True,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": "0.01000000",
                "maxPrice": "1000000.00000000",
                "tickSize": "0.01000000",
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": "0.00001000",
                "maxQty": "9000.00000000",
                "stepSize": "0.00001000",
            },
            {
                "filterType": "NOTIONAL",
                "minNotional": "5.00000000",
                "applyMinToMarket": True,
                "maxNotional": "9000000.00000000",
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
        ],
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
    }
