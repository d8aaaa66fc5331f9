"""Shared helpers of the order/simulator/trader/mode tests: real ccxt markets, a settable clock, data."""

from __future__ import annotations

import copy
import csv
import functools
import os
from decimal import Decimal
from pathlib import Path

import ccxt

import octobot_trading as ot

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
H1 = 3_600_000
T0 = 1_700_000_000_000 - 1_700_000_000_000 % H1  # an hour boundary

_FILTERS = [
    {
        "filterType": "PRICE_FILTER",
        "minPrice": "0.01000000",
        "maxPrice": "1000000.00000000",
        "tickSize": "0.01",
    },
    {"filterType": "LOT_SIZE", "minQty": "0.00001000", "maxQty": "9000.00000000", "stepSize": "0.00001000"},
    {
        "filterType": "NOTIONAL",
        "minNotional": "5.00000000",
        "applyMinToMarket": True,
        "maxNotional": "9000000.00000000",
        "applyMaxToMarket": False,
        "avgPriceMins": 5,
    },
]


def _raw(symbol_id: str, base: str, quote: str, filters: list[dict]) -> dict:
    """One symbol of Binance's GET /api/v3/exchangeInfo, as the exchange sends it."""
    return {
        "symbol": symbol_id,
        "status": "TRADING",
        "baseAsset": base,
        "baseAssetPrecision": 8,
        "quoteAsset": quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": True,
        "filters": filters,
        "permissions": [],
        "permissionSets": [["SPOT", "MARGIN"]],
    }


@functools.cache
def _binance() -> ccxt.binance:
    return ccxt.binance()


@functools.cache
def _binance_markets() -> dict[str, dict]:
    exchange = _binance()
    exchange.options["crossMarginPairsData"] = []
    exchange.options["isolatedMarginPairsData"] = []
    eth_btc_filters = [
        {"filterType": "PRICE_FILTER", "minPrice": "0.00001", "maxPrice": "922327.0", "tickSize": "0.00001"},
        {"filterType": "LOT_SIZE", "minQty": "0.0001", "maxQty": "100000.0", "stepSize": "0.0001"},
        {
            "filterType": "NOTIONAL",
            "minNotional": "0.0001",
            "applyMinToMarket": True,
            "maxNotional": "9000000.0",
            "applyMaxToMarket": False,
            "avgPriceMins": 5,
        },
    ]
    raws = [
        _raw("BTCUSDT", "BTC", "USDT", _FILTERS),
        _raw("ETHUSDT", "ETH", "USDT", _FILTERS),
        _raw("SOLUSDT", "SOL", "USDT", _FILTERS),
        _raw("ETHBTC", "ETH", "BTC", eth_btc_filters),
    ]
    return {market["symbol"]: market for market in (exchange.parse_market(raw) for raw in raws)}


def binance_markets() -> dict[str, dict]:
    """Real ccxt market structures, made by ccxt's own Binance parser from exchangeInfo entries."""
    return copy.deepcopy(_binance_markets())


class ManualClock:
    """A clock the test moves by hand (the backtesting clock lives in a higher package)."""

    def __init__(self, now: int = T0) -> None:
        self.now = now

    def now_ms(self) -> int:
        return self.now


def candle(open_time: int, o: str, h: str, l: str, c: str, v: str = "100") -> list:  # noqa: E741
    return [open_time, float(o), float(h), float(l), float(c), float(v)]


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


async def manager(
    balances: dict[str, str] | None = None,
    *,
    clock: ManualClock | None = None,
    synchronizer=None,
    simulator: ot.ExchangeSimulator | None = None,
    name: str = "binance",
) -> ot.ExchangeManager:
    markets = ot.Markets.from_ccxt_markets(binance_markets(), _binance().precisionMode, "binance")
    em = ot.ExchangeManager(
        name,
        markets,
        portfolio={k: Decimal(v) for k, v in (balances or {"USDT": "10000", "BTC": "1"}).items()},
        clock=clock or ManualClock(),
        synchronizer=synchronizer,
        connector=simulator or ot.ExchangeSimulator(markets),
    )
    return await em.start()


async def persistent_manager(
    state_path: Path,
    balances: dict[str, str] | None = None,
    *,
    clock: ManualClock | None = None,
    synchronizer=None,
) -> ot.PersistentExchangeManager:
    """A simulated manager whose account lives in ``state_path`` (restored from it when it exists)."""
    markets = ot.Markets.from_ccxt_markets(binance_markets(), _binance().precisionMode, "binance")
    em = ot.PersistentExchangeManager(
        "binance",
        markets,
        portfolio={k: Decimal(v) for k, v in (balances or {"USDT": "10000", "BTC": "1"}).items()},
        clock=clock or ManualClock(),
        synchronizer=synchronizer,
        connector=ot.ExchangeSimulator(markets),
        state_path=state_path,
    )
    return await em.start()


def shared_csv(name: str) -> Path | None:
    path = SHARED_DATA / "freqtrade" / name
    return path if path.exists() else None


def read_csv_candles(path: Path) -> list[list]:
    with path.open() as handle:
        rows = list(csv.reader(handle))
    return [
        [int(float(r[0])), float(r[1]), float(r[2]), float(r[3]), float(r[4]), float(r[5])] for r in rows[1:]
    ]
