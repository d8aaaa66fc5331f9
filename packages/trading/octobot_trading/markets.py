"""Market rules (precision, limits, fees) of one symbol, read from ccxt's market structure.

Why ccxt is the source of truth: it already normalises every exchange's rules into one structure
(``precision``, ``limits``, ``maker``/``taker``) and knows each exchange's precision mode (tick size,
decimal places or significant digits). We keep those values as ``Decimal`` (converted through ``str``) and
round with ccxt's own ``decimal_to_precision`` so that our amounts are exactly what the exchange accepts;
no float rounding anywhere.

Rounding: amounts are truncated (never spend more than asked), prices are rounded to the nearest step,
as ccxt's ``amount_to_precision`` / ``price_to_precision`` do.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from octobot_trading.ccxt_files import decimal_to_precision_module
from octobot_trading.errors import (
    InvalidMarketError,
    OrderAboveMaximumError,
    OrderBelowMinimumError,
    PriceOutOfRangeError,
)
from octobot_trading.symbols import Symbol, parse_symbol

logger = logging.getLogger(__name__)

_precision = decimal_to_precision_module()
DECIMAL_PLACES: int = _precision.DECIMAL_PLACES
NO_PADDING: int = _precision.NO_PADDING
ROUND: int = _precision.ROUND
SIGNIFICANT_DIGITS: int = _precision.SIGNIFICANT_DIGITS
TICK_SIZE: int = _precision.TICK_SIZE
TRUNCATE: int = _precision.TRUNCATE
decimal_to_precision = _precision.decimal_to_precision
number_to_string = _precision.number_to_string

__all__ = [
    "DECIMAL_PLACES",
    "DEFAULT_FEE",
    "ROUND",
    "SIGNIFICANT_DIGITS",
    "TICK_SIZE",
    "TRUNCATE",
    "MarketRules",
    "Markets",
]

#: Fee used by the permissive default rules (0.1 %, the common spot taker fee) when a market has none.
DEFAULT_FEE = Decimal("0.001")

#: ccxt exchanges whose amounts use another precision mode than the exchange's ``precisionMode``
#: (their ``amount_to_precision`` override says so): bitfinex amounts are 8 decimals, prices 5 digits.
_AMOUNT_PRECISION_MODE_OVERRIDES: dict[str, int] = {"bitfinex": DECIMAL_PLACES}

_MODE_NAMES = {
    TICK_SIZE: "tick size",
    DECIMAL_PLACES: "decimal places",
    SIGNIFICANT_DIGITS: "significant digits",
}


def to_decimal(value: object, what: str = "value") -> Decimal:
    """``value`` as a finite Decimal, converting floats through ``str`` (so 0.1 stays 0.1, and 5.0 from a
    ccxt market becomes ``Decimal("5")``, as ccxt's ``number_to_string`` writes it)."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool) or value is None:
        raise InvalidMarketError(f"{what} must be a number, got {value!r}")
    elif isinstance(value, int | float | str):
        try:
            result = Decimal(
                number_to_string(value) if isinstance(value, float) and math.isfinite(value) else str(value)
            )
        except InvalidOperation:
            raise InvalidMarketError(f"{what} must be a number, got {value!r}") from None
    else:
        raise InvalidMarketError(f"{what} must be a number (Decimal, int, float or str), got {value!r}")
    if not result.is_finite():
        raise InvalidMarketError(f"{what} must be finite, got {value!r}")
    return result


def _optional_decimal(value: object, what: str) -> Decimal | None:
    if value is None:
        return None
    return to_decimal(value, what)


def _show(value: Decimal) -> str:
    """A Decimal for messages: no exponent, no trailing zeros (4.3000 -> 4.3, 1E+6 -> 1000000)."""
    return number_to_string(value)


def _plain(value: Decimal) -> str:
    """Decimal as a plain string (no exponent): ccxt's string helpers want '0.00001', not '1E-5'."""
    return format(value, "f")


@dataclass(frozen=True, slots=True)
class MarketRules:
    """The trading rules of one market. ``None`` means "no rule" (no rounding, no bound).

    Precision values follow their mode: a step (``Decimal("0.01")``) in TICK_SIZE mode, a count of
    decimals or of significant digits (``Decimal(8)``) in the two other modes.
    """

    symbol: str
    amount_precision: Decimal | None = None
    price_precision: Decimal | None = None
    amount_precision_mode: int = TICK_SIZE
    price_precision_mode: int = TICK_SIZE
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    min_cost: Decimal | None = None
    max_cost: Decimal | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    maker_fee: Decimal = DEFAULT_FEE
    taker_fee: Decimal = DEFAULT_FEE
    #: quantity of base per contract (1 for spot)
    contract_size: Decimal = Decimal(1)
    #: True for the permissive default built when the exchange gave no market for the symbol
    is_default: bool = False
    _parsed: Symbol = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_parsed", parse_symbol(self.symbol))
        for mode_name in ("amount_precision_mode", "price_precision_mode"):
            if getattr(self, mode_name) not in _MODE_NAMES:
                raise InvalidMarketError(
                    f"{self.symbol}: {mode_name} must be TICK_SIZE, DECIMAL_PLACES or SIGNIFICANT_DIGITS "
                    f"(from ccxt.base.decimal_to_precision), got {getattr(self, mode_name)!r}"
                )
        for precision_name in ("amount_precision", "price_precision"):
            value = getattr(self, precision_name)
            if value is not None and value <= 0:
                raise InvalidMarketError(f"{self.symbol}: {precision_name} must be positive, got {value}")

    # --- construction ----------------------------------------------------------------------------

    @classmethod
    def from_ccxt_market(
        cls,
        market: Mapping,
        precision_mode: int = TICK_SIZE,
        *,
        amount_precision_mode: int | None = None,
    ) -> MarketRules:
        """Rules from a ccxt unified market dict (``exchange.markets[symbol]``) and the exchange's
        ``precisionMode``. Missing fields are "no rule"; a missing fee falls back to ``DEFAULT_FEE``."""
        if not isinstance(market, Mapping) or not market.get("symbol"):
            raise InvalidMarketError(
                "expected a ccxt market dict with a 'symbol' (exchange.markets['BTC/USDT']), "
                f"got {market!r:.200}"
            )
        symbol = str(market["symbol"])
        precision = market.get("precision") or {}
        limits = market.get("limits") or {}

        def limit(kind: str, side: str) -> Decimal | None:
            return _optional_decimal((limits.get(kind) or {}).get(side), f"{symbol} limits.{kind}.{side}")

        def fee(side: str) -> Decimal:
            value = market.get(side)
            if value is None:
                logger.warning(
                    "%s: the market has no %s fee; using the default %s", symbol, side, DEFAULT_FEE
                )
                return DEFAULT_FEE
            return to_decimal(value, f"{symbol} {side} fee")

        contract_size = market.get("contractSize")
        return cls(
            symbol=symbol,
            amount_precision=_optional_decimal(precision.get("amount"), f"{symbol} precision.amount"),
            price_precision=_optional_decimal(precision.get("price"), f"{symbol} precision.price"),
            amount_precision_mode=precision_mode if amount_precision_mode is None else amount_precision_mode,
            price_precision_mode=precision_mode,
            min_amount=limit("amount", "min"),
            max_amount=limit("amount", "max"),
            min_cost=limit("cost", "min"),
            max_cost=limit("cost", "max"),
            min_price=limit("price", "min"),
            max_price=limit("price", "max"),
            maker_fee=fee("maker"),
            taker_fee=fee("taker"),
            contract_size=Decimal(1) if contract_size is None else to_decimal(contract_size, "contractSize"),
        )

    @classmethod
    def default(cls, symbol: str | Symbol) -> MarketRules:
        """The permissive default: no rounding, no limits, ``DEFAULT_FEE`` for maker and taker.

        Used when an exchange has no market structure for a symbol (simulated markets, recorded data):
        orders are then accepted as given, which can be more lenient than the real exchange.
        """
        return cls(symbol=str(parse_symbol(symbol)), is_default=True)

    # --- precision -------------------------------------------------------------------------------

    def adjust_amount(self, amount: Decimal | float | str, rounding: int = TRUNCATE) -> Decimal:
        """``amount`` on the market's amount precision (truncated by default: never more than asked)."""
        return _to_precision(
            to_decimal(amount, "amount"), self.amount_precision, self.amount_precision_mode, rounding
        )

    def adjust_price(self, price: Decimal | float | str, rounding: int = ROUND) -> Decimal:
        """``price`` on the market's price precision (rounded to the nearest step by default)."""
        return _to_precision(
            to_decimal(price, "price"), self.price_precision, self.price_precision_mode, rounding
        )

    def amount_step(self, near: Decimal | None = None) -> Decimal | None:
        """The smallest amount increment (for significant digits: at the magnitude of ``near``)."""
        return _step(self.amount_precision, self.amount_precision_mode, near)

    def price_step(self, near: Decimal | None = None) -> Decimal | None:
        """The smallest price increment, in quote (for significant digits: at the magnitude of ``near``)."""
        return _step(self.price_precision, self.price_precision_mode, near)

    # --- limits ----------------------------------------------------------------------------------

    @property
    def base(self) -> str:
        return self._parsed.base

    @property
    def quote(self) -> str:
        return self._parsed.quote

    @property
    def parsed_symbol(self) -> Symbol:
        return self._parsed

    @property
    def amount_unit(self) -> str:
        """What amounts count: the base currency, or "contracts" when a contract is not one base unit."""
        if self._parsed.is_inverse or self.contract_size != 1:
            return "contracts"
        return self._parsed.base

    @property
    def cost_currency(self) -> str:
        """The currency of ``cost``: the quote, or the base (settle) for inverse contracts."""
        return self._parsed.base if self._parsed.is_inverse else self._parsed.quote

    def cost(self, amount: Decimal, price: Decimal) -> Decimal:
        """Order value in ``cost_currency``: amount x price (x contract size) for spot and linear
        contracts; contracts x contract size / price for inverse contracts (each contract is worth a fixed
        amount of quote, the margin is in base)."""
        if self._parsed.is_inverse:
            return amount * self.contract_size / price
        return amount * price * self.contract_size

    def check_order(self, amount: Decimal | float | str, price: Decimal | float | str) -> None:
        """Raise when ``amount`` at ``price`` breaks a limit.

        ``OrderBelowMinimumError`` (amount or cost below the minimum, with the shortfall),
        ``OrderAboveMaximumError``, ``PriceOutOfRangeError``.
        """
        amount = to_decimal(amount, "amount")
        price = to_decimal(price, "price")
        base, quote, cost_unit = self.amount_unit, self.quote, self.cost_currency
        fix = "increase it, or call adjust_to_minimum(amount, price) to round up to the minimum"
        if self.min_amount is not None and amount < self.min_amount:
            raise OrderBelowMinimumError(
                f"{self.symbol}: order amount {_show(amount)} {base} is below the minimum amount "
                f"{_show(self.min_amount)} {base} "
                f"by {_show(self.min_amount - amount)} {base}; {fix}",
                symbol=self.symbol,
                limit="amount",
                value=amount,
                bound=self.min_amount,
            )
        cost = self.cost(amount, price)
        if self.min_cost is not None and cost < self.min_cost:
            raise OrderBelowMinimumError(
                f"{self.symbol}: order cost {_show(cost)} {cost_unit} "
                f"({_show(amount)} {base} at {_show(price)} {quote}) is below the minimum cost "
                f"{_show(self.min_cost)} {cost_unit} by {_show(self.min_cost - cost)} {cost_unit}; {fix}",
                symbol=self.symbol,
                limit="cost",
                value=cost,
                bound=self.min_cost,
            )
        if self.max_amount is not None and amount > self.max_amount:
            raise OrderAboveMaximumError(
                f"{self.symbol}: order amount {_show(amount)} {base} is above the maximum amount "
                f"{_show(self.max_amount)} {base} "
                f"by {_show(amount - self.max_amount)} {base}; split the order",
                symbol=self.symbol,
                limit="amount",
                value=amount,
                bound=self.max_amount,
            )
        if self.max_cost is not None and cost > self.max_cost:
            raise OrderAboveMaximumError(
                f"{self.symbol}: order cost {_show(cost)} {cost_unit} is above the maximum cost "
                f"{_show(self.max_cost)} {cost_unit} by {_show(cost - self.max_cost)} {cost_unit}; "
                "split the order",
                symbol=self.symbol,
                limit="cost",
                value=cost,
                bound=self.max_cost,
            )
        if self.min_price is not None and price < self.min_price:
            raise PriceOutOfRangeError(
                f"{self.symbol}: price {_show(price)} {quote} is below the minimum price "
                f"{_show(self.min_price)} {quote}",
                symbol=self.symbol,
                limit="price",
                value=price,
                bound=self.min_price,
            )
        if self.max_price is not None and self.max_price > 0 and price > self.max_price:
            raise PriceOutOfRangeError(
                f"{self.symbol}: price {_show(price)} {quote} is above the maximum price "
                f"{_show(self.max_price)} {quote}",
                symbol=self.symbol,
                limit="price",
                value=price,
                bound=self.max_price,
            )

    def is_valid_order(self, amount: Decimal | float | str, price: Decimal | float | str) -> bool:
        try:
            self.check_order(amount, price)
        except (OrderBelowMinimumError, OrderAboveMaximumError, PriceOutOfRangeError):
            return False
        return True

    def adjust_to_minimum(self, amount: Decimal | float | str, price: Decimal | float | str) -> Decimal:
        """Opt-in "round up to the minimum": the smallest amount on the precision grid that is at least
        ``amount`` and meets the minimum amount and minimum cost at ``price``.

        Raises ``OrderAboveMaximumError`` when that amount would break a maximum.
        """
        amount = to_decimal(amount, "amount")
        price = to_decimal(price, "price")
        if price <= 0:
            raise InvalidMarketError(
                f"{self.symbol}: price must be positive to compute a minimum, got {price}"
            )
        required = amount
        if self.min_amount is not None and required < self.min_amount:
            required = self.min_amount
        if self.min_cost is not None:
            if self._parsed.is_inverse:
                for_cost = self.min_cost * price / self.contract_size
            else:
                for_cost = self.min_cost / (price * self.contract_size)
            if required < for_cost:
                required = for_cost
        adjusted = self._round_up_amount(required)
        self.check_order(adjusted, price)
        return adjusted

    def _round_up_amount(self, amount: Decimal) -> Decimal:
        if self.amount_precision is None:
            return amount
        truncated = self.adjust_amount(amount, TRUNCATE)
        if truncated >= amount:
            return truncated
        step = self.amount_step(amount)
        assert step is not None  # precision is set
        return self.adjust_amount(truncated + step, TRUNCATE)

    # --- fees ------------------------------------------------------------------------------------

    def fee_rate(self, taker: bool) -> Decimal:
        return self.taker_fee if taker else self.maker_fee


def _to_precision(value: Decimal, precision: Decimal | None, mode: int, rounding: int) -> Decimal:
    if precision is None:
        return value
    counting = mode != TICK_SIZE
    text = decimal_to_precision(
        _plain(value),
        rounding_mode=rounding,
        precision=int(precision) if counting else _plain(precision),
        counting_mode=mode,
        padding_mode=NO_PADDING,
    )
    return Decimal(text)


def _step(precision: Decimal | None, mode: int, near: Decimal | None) -> Decimal | None:
    if precision is None:
        return None
    if mode == TICK_SIZE:
        return precision
    if mode == DECIMAL_PLACES:
        return Decimal(1).scaleb(-int(precision))
    # significant digits: the step is the weight of the last kept digit of ``near``
    magnitude = near.adjusted() if near is not None and near != 0 else 0
    return Decimal(1).scaleb(magnitude - int(precision) + 1)


class Markets(Mapping[str, MarketRules]):
    """Rules of every market of one exchange, looked up by symbol.

    ``rules(symbol)`` never fails for a well-formed symbol: an unknown market gets the permissive
    ``MarketRules.default`` with a warning logged once, so simulations on recorded data still run.
    ``markets[symbol]`` raises ``KeyError`` instead, for callers that need the real rules.
    """

    def __init__(self, rules: Mapping[str, MarketRules] | None = None, exchange_id: str = "") -> None:
        self.exchange_id = exchange_id
        self._rules: dict[str, MarketRules] = dict(rules or {})
        self._warned: set[str] = set()

    @classmethod
    def from_ccxt_markets(
        cls, markets: Mapping[str, Mapping], precision_mode: int = TICK_SIZE, exchange_id: str = ""
    ) -> Markets:
        """From ``exchange.markets`` and ``exchange.precisionMode`` (and ``exchange.id`` for its quirks)."""
        amount_mode = _AMOUNT_PRECISION_MODE_OVERRIDES.get(exchange_id)
        rules = {
            symbol: MarketRules.from_ccxt_market(market, precision_mode, amount_precision_mode=amount_mode)
            for symbol, market in markets.items()
        }
        return cls(rules, exchange_id)

    @classmethod
    def from_ccxt_exchange(cls, exchange: Any) -> Markets:
        """From a ccxt exchange whose markets are loaded (``load_markets()`` or ``set_markets()``)."""
        markets = getattr(exchange, "markets", None)
        if not markets:
            raise InvalidMarketError(
                f"{getattr(exchange, 'id', exchange)!r} has no markets loaded; call load_markets() first"
            )
        return cls.from_ccxt_markets(markets, exchange.precisionMode, getattr(exchange, "id", ""))

    def rules(self, symbol: str | Symbol) -> MarketRules:
        key = str(parse_symbol(symbol))
        found = self._rules.get(key)
        if found is not None:
            return found
        if key not in self._warned:
            self._warned.add(key)
            logger.warning(
                "%s: no market rules for %s; using permissive defaults (no precision, no limits, fee %s). "
                "Orders may be accepted here that the real exchange would refuse.",
                self.exchange_id or "exchange",
                key,
                DEFAULT_FEE,
            )
        return MarketRules.default(key)

    def add(self, rules: MarketRules) -> None:
        self._rules[rules.symbol] = rules

    def __getitem__(self, symbol: str) -> MarketRules:
        return self._rules[symbol]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)
