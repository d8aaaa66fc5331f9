"""The amount syntax of trading-mode configs, parsed in one place.

=========  ===============================================================================
``0.1``    0.1 base units
``25q``    25 quote units (converted to base at the order's price)
``2%``     2 % of the total holding of the asset the order spends (``2t%`` is the same)
``12a%``   12 % of the available (not locked) holding of the asset the order spends
=========  ===============================================================================

A buy spends quote (converted to base at the price), a sell spends base.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Context, Decimal, InvalidOperation
from enum import Enum

from octobot_trading.exact import EXACT
from octobot_trading.orders.errors import InvalidOrderError

HUNDRED = Decimal(100)
ZERO = Decimal(0)
#: a buy's amount is rounded down: its cost never exceeds the funds it was sized on
_DOWN = Context(prec=28, rounding=ROUND_DOWN)
#: the amount texts a trading mode's CONFIG_SCHEMA accepts (``0.1``, ``25q``, ``2%``, ``2t%``, ``12a%``);
#: config_problems then checks the value itself with parse_amount
AMOUNT_SCHEMA_PATTERN = r"^\s*[0-9]*\.?[0-9]+\s*(q|t%|a%|%)?\s*$"
_PATTERN = re.compile(r"^\s*(?P<number>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?P<unit>q|t%|a%|%)?\s*$", re.I)


class AmountUnit(str, Enum):
    BASE = "base"
    QUOTE = "quote"
    PERCENT_TOTAL = "percent_total"
    PERCENT_AVAILABLE = "percent_available"


class InvalidAmountSyntaxError(InvalidOrderError):
    """An amount in a config does not follow the syntax (``0.1``, ``25q``, ``2%``, ``12a%``)."""


@dataclass(frozen=True)
class AmountSpec:
    value: Decimal
    unit: AmountUnit

    def resolve(
        self,
        is_buy: bool,
        price: Decimal,
        total_spent_asset: Decimal,
        available_spent_asset: Decimal,
    ) -> Decimal:
        """The order amount in base units. ``*_spent_asset``: quote for a buy, base for a sell."""
        if self.unit is AmountUnit.BASE:
            return self.value
        if price <= ZERO:
            raise InvalidOrderError(f"cannot size an order at a non-positive price {price}")
        if self.unit is AmountUnit.QUOTE:
            return _DOWN.divide(self.value, price)
        holding = total_spent_asset if self.unit is AmountUnit.PERCENT_TOTAL else available_spent_asset
        # exact: 100 % of a holding of more than 28 digits is all of it, not a rounded neighbour
        spent = EXACT.divide(EXACT.multiply(holding, self.value), HUNDRED)
        return _DOWN.divide(spent, price) if is_buy else spent


def parse_amount(text: str | int | float | Decimal) -> AmountSpec:
    """Read one amount of the syntax above; InvalidAmountSyntaxError names the fix."""
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        value, unit = Decimal(text), AmountUnit.BASE
    elif isinstance(text, float):
        value, unit = Decimal(str(text)), AmountUnit.BASE
    elif isinstance(text, str):
        return _parse_text(text)
    else:
        raise InvalidAmountSyntaxError(_syntax_message(text))
    return _checked(text, value, unit)


@functools.lru_cache(maxsize=256)
def _parse_text(text: str) -> AmountSpec:
    """A config's amount text (sized on every order: parsed once)."""
    match = _PATTERN.match(text)
    if match is None:
        raise InvalidAmountSyntaxError(_syntax_message(text))
    try:
        value = Decimal(match["number"])
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise InvalidAmountSyntaxError(f"cannot read the number in amount {text!r}") from None
    suffix = (match["unit"] or "").lower()
    unit = {
        "": AmountUnit.BASE,
        "q": AmountUnit.QUOTE,
        "%": AmountUnit.PERCENT_TOTAL,
        "t%": AmountUnit.PERCENT_TOTAL,
        "a%": AmountUnit.PERCENT_AVAILABLE,
    }[suffix]
    return _checked(text, value, unit)


def _syntax_message(text: object) -> str:
    return (
        f"cannot read amount {text!r}: write 0.1 (base units), 25q (quote units), 2% (of the total) or "
        "12a% (of the available funds)"
    )


def _checked(text: object, value: Decimal, unit: AmountUnit) -> AmountSpec:
    if value <= ZERO:
        raise InvalidAmountSyntaxError(f"amount {text!r} must be positive, e.g. 0.1, 25q, 2% or 12a%")
    if unit in (AmountUnit.PERCENT_TOTAL, AmountUnit.PERCENT_AVAILABLE) and value > HUNDRED:
        raise InvalidAmountSyntaxError(
            f"amount {text!r} is more than 100 %: write at most 100%, e.g. 100a% for all the available funds"
        )
    return AmountSpec(value, unit)
