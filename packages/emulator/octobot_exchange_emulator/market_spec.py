"""One emulated spot market: its Binance filters (tick size, lot step, minimum notional) and fees.

Why filters derived from the data: the recorded pairs range from BTC/USDT near 10,000 to altcoins near
0.00001 BTC; one fixed tick size would make some of them untradeable, so the defaults follow the price
level the way Binance's own filters do (about 6 significant digits of price, a lot worth ~0.1 USD).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

import numpy as np

from octobot_exchange_emulator import binance_format
from octobot_exchange_emulator.errors import ApiError, filter_failure
from octobot_trading.symbols import parse_symbol

EIGHT_PLACES = Decimal("0.00000001")
DEFAULT_FEE = Decimal("0.001")
#: rough USD value of one unit of a quote currency, to size lots and minimum notionals
_QUOTE_USD = {"BTC": 10_000.0, "ETH": 1_000.0, "BNB": 300.0}


def _power_of_ten(exponent: int) -> Decimal:
    return Decimal(1).scaleb(max(-8, min(exponent, 0)))


def fmt(value: Decimal) -> str:
    """Binance's number format: 8 decimal places."""
    return format(value.quantize(EIGHT_PLACES), "f")


@dataclass(frozen=True)
class MarketSpec:
    """Filters and fees of one market; amounts and prices are Decimal."""

    symbol: str
    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal
    max_qty: Decimal
    min_price: Decimal
    max_price: Decimal
    min_notional: Decimal
    maker_fee: Decimal = DEFAULT_FEE
    taker_fee: Decimal = DEFAULT_FEE

    @property
    def market_id(self) -> str:
        return self.symbol.replace("/", "")

    @property
    def base(self) -> str:
        return parse_symbol(self.symbol).base

    @property
    def quote(self) -> str:
        return parse_symbol(self.symbol).quote

    @classmethod
    def for_prices(
        cls,
        symbol: str,
        candles: np.ndarray,
        maker_fee: Decimal = DEFAULT_FEE,
        taker_fee: Decimal = DEFAULT_FEE,
    ) -> MarketSpec:
        """Filters following the median close of ``candles``."""
        parsed = parse_symbol(symbol)
        if not parsed.is_spot:
            raise ValueError(f"{symbol}: the emulator serves spot markets only (BASE/QUOTE)")
        price = float(np.median(candles[:, 4]))
        usd = _QUOTE_USD.get(parsed.quote, 1.0)
        tick = _power_of_ten(math.floor(math.log10(price)) - 6)
        step = _power_of_ten(-(math.floor(math.log10(price * usd)) + 1))
        return cls(
            symbol=str(parsed),
            tick_size=tick,
            step_size=step,
            min_qty=step,
            max_qty=Decimal(9_000_000),
            min_price=tick,
            max_price=Decimal(10_000_000),
            min_notional=(Decimal(5) / Decimal(str(usd))).quantize(EIGHT_PLACES),
            maker_fee=maker_fee,
            taker_fee=taker_fee,
        )

    def exchange_info(self) -> dict:
        """The market's entry in /api/v3/exchangeInfo."""
        market = binance_format.spot_market(self.market_id, self.symbol)
        # what the emulator serves (real Binance spot lists the same seven; ccxt refuses a type not listed)
        market["orderTypes"] = [
            "LIMIT",
            "LIMIT_MAKER",
            "MARKET",
            "STOP_LOSS",
            "STOP_LOSS_LIMIT",
            "TAKE_PROFIT",
            "TAKE_PROFIT_LIMIT",
        ]
        market["ocoAllowed"] = True  # POST /api/v3/orderList/oco and the legacy /api/v3/order/oco
        market["otoAllowed"] = False  # one-triggers-the-other lists are not served
        market["filters"] = [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": fmt(self.min_price),
                "maxPrice": fmt(self.max_price),
                "tickSize": fmt(self.tick_size),
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": fmt(self.min_qty),
                "maxQty": fmt(self.max_qty),
                "stepSize": fmt(self.step_size),
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": "0.00000000",
                "maxQty": fmt(self.max_qty),
                "stepSize": "0.00000000",
            },
            {
                "filterType": "NOTIONAL",
                "minNotional": fmt(self.min_notional),
                "applyMinToMarket": True,
                "maxNotional": "9000000.00000000",
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
        ]
        return market

    def check_price(self, price: Decimal, name: str = "price") -> None:
        if not self.min_price <= price <= self.max_price or price % self.tick_size != 0:
            raise filter_failure("PRICE_FILTER")

    def check_quantity(self, quantity: Decimal) -> None:
        if not self.min_qty <= quantity <= self.max_qty or quantity % self.step_size != 0:
            raise filter_failure("LOT_SIZE")

    def check_notional(self, quantity: Decimal, price: Decimal) -> None:
        if quantity * price < self.min_notional:
            raise filter_failure("NOTIONAL")

    def floor_quantity(self, quantity: Decimal) -> Decimal:
        return (quantity / self.step_size).to_integral_value(rounding=ROUND_DOWN) * self.step_size


def parse_decimal(value: str | None, name: str) -> Decimal:
    """A positive decimal request parameter, or Binance's -1100 / -1102 errors."""
    if value is None or value == "":
        raise ApiError(-1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")
    try:
        number = Decimal(value)
    except ArithmeticError as error:
        raise ApiError(-1100, f"Illegal characters found in parameter '{name}'.") from error
    if not number.is_finite() or number <= 0:
        raise ApiError(-1100, f"Illegal characters found in parameter '{name}'.")
    return number
