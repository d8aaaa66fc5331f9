"""Validation shared by every indicator: bad input fails loudly, naming the indicator and the fix."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from octobot_evaluators.indicators.errors import IndicatorInputError, IndicatorParameterError

NAN = math.nan
#: a field of an indicator's value tuple: a float from ``update``, an array from the vectorised function
Number = TypeVar("Number")
#: Below this magnitude a sum of ranges or of moves counts as zero (TA-Lib's TA_EPSILON since 0.6).
ZERO_EPSILON = 1e-14


def is_zero_scaled(value: float, scale: float) -> bool:
    """TA-Lib's TA_IS_ZERO_SCALED: a difference within ~90 ulp of its operands' magnitude is a tie."""
    return abs(value) <= ZERO_EPSILON * scale


def check_period(indicator: str, name: str, value: int, minimum: int = 1) -> int:
    """An integer parameter of at least `minimum` (bool is refused: `True` is not a period)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise IndicatorParameterError(f"{indicator}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_positive(indicator: str, name: str, value: float) -> float:
    """A real parameter that must be finite and >= 0 (a band width, a multiplier)."""
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise IndicatorParameterError(f"{indicator}: {name} must be a finite number >= 0, got {value!r}")
    return number


def as_series(indicator: str, name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    """A 1-D float64 array with only finite values.

    Why refuse NaN rather than propagate it: a NaN inside a recursion (EMA, Wilder) poisons every later
    value silently; the caller must drop or fill missing candles first.
    """
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise IndicatorInputError(f"{indicator}: {name} must be a sequence of numbers ({error})") from None
    if array.ndim != 1:
        raise IndicatorInputError(f"{indicator}: {name} must be one-dimensional, got shape {array.shape}")
    finite = np.isfinite(array)
    if not finite.all():
        index = int(np.argmin(finite))
        raise IndicatorInputError(
            f"{indicator}: {name}[{index}] is {array[index]!r}; drop or fill missing candles before "
            "computing indicators (NaN and infinity are refused)"
        )
    return array


def as_same_length(indicator: str, **series: Sequence[float] | np.ndarray) -> list[np.ndarray]:
    """Several input series (high, low, close...) validated together: they must be candle-aligned."""
    arrays = [as_series(indicator, name, values) for name, values in series.items()]
    lengths = {name: len(array) for name, array in zip(series, arrays, strict=True)}
    if len(set(lengths.values())) > 1:
        raise IndicatorInputError(f"{indicator}: input series must have the same length, got {lengths}")
    return arrays


def as_value(indicator: str, name: str, value: float) -> float:
    """One new input of an incremental indicator, as a finite float."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise IndicatorInputError(f"{indicator}: {name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise IndicatorInputError(
            f"{indicator}: {name} is {number!r}; NaN and infinity are refused, fill the candle first"
        )
    return number


def nans(length: int) -> np.ndarray:
    """An output array still all in warm-up."""
    return np.full(length, NAN)
