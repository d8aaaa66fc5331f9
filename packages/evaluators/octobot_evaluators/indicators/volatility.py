# cython: annotation_typing=False
"""Volatility: true range, ATR (Wilder) and Bollinger Bands, with TA-Lib's definitions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Generic, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from octobot_evaluators.indicators._inputs import (
    NAN,
    Number,
    as_same_length,
    as_series,
    check_period,
    check_positive,
    nans,
)
from octobot_evaluators.indicators._recursions import seed_sum, wilder_tail
from octobot_evaluators.indicators._window import RollingWindow
from octobot_evaluators.indicators.base import Indicator

Series = Sequence[float] | np.ndarray


class BollingerValue(NamedTuple, Generic[Number]):
    upper: Number
    middle: Number
    lower: Number


# ---------------------------------------------------------------- true range
def true_range(high: Series, low: Series, close: Series) -> np.ndarray:
    """max(high - low, |high - previous close|, |low - previous close|); NaN on the first candle."""
    highs, lows, closes = as_same_length("true_range", high=high, low=low, close=close)
    return _true_range(highs, lows, closes)


def _true_range(highs: np.ndarray, lows: np.ndarray, closes: np.ndarray) -> np.ndarray:
    out = nans(len(closes))
    if len(closes) > 1:
        prev = closes[:-1]
        out[1:] = np.maximum(
            highs[1:] - lows[1:], np.maximum(np.abs(prev - highs[1:]), np.abs(prev - lows[1:]))
        )
    return out


def _range(high: float, low: float, prev_close: float) -> float:
    greatest = high - low
    up = abs(prev_close - high)
    if up > greatest:
        greatest = up
    down = abs(prev_close - low)
    return down if down > greatest else greatest


class TrueRange(Indicator):
    """True range, `update(high, low, close)`."""

    NAME = "TrueRange"
    INPUTS = ("high", "low", "close")
    lookback = 1

    def __init__(self) -> None:
        super().__init__()
        self._prev_close = NAN

    def _step(self, high: float, low: float, close: float) -> float:
        prev, self._prev_close = self._prev_close, close
        return NAN if prev != prev else _range(high, low, prev)


# ---------------------------------------------------------------- ATR
def atr(high: Series, low: Series, close: Series, period: int = 14) -> np.ndarray:
    """Average true range (TA-Lib ATR): the mean of the first `period` true ranges, then Wilder smoothing.

    First value at index `period` (the first candle has no true range).
    """
    period = check_period("atr", "period", period)
    highs, lows, closes = as_same_length("atr", high=high, low=low, close=close)
    return _atr(_true_range(highs, lows, closes), period)


def _atr(ranges: np.ndarray, period: int) -> np.ndarray:
    out = nans(len(ranges))
    if len(ranges) > period:
        seed = seed_sum(ranges[1 : period + 1]) / period
        out[period] = seed
        out[period + 1 :] = wilder_tail(ranges[period + 1 :], period, seed)
    return out


class ATR(Indicator):
    """Average true range, `update(high, low, close)`, O(1) per candle."""

    NAME = "ATR"
    INPUTS = ("high", "low", "close")

    def __init__(self, period: int = 14) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = self.period
        self._prev_close = NAN
        self._ranges = 0
        self._atr = 0.0

    def _step(self, high: float, low: float, close: float) -> float:
        prev, self._prev_close = self._prev_close, close
        if prev != prev:
            return NAN
        value = _range(high, low, prev)
        period = self.period
        if self._ranges >= period:
            self._atr = (self._atr * (period - 1) + value) / period
            return self._atr
        self._ranges += 1
        self._atr += value
        if self._ranges < period:
            return NAN
        self._atr /= period
        return self._atr


# ---------------------------------------------------------------- Bollinger Bands
def bollinger_bands(
    close: Series, period: int = 20, deviations_up: float = 2.0, deviations_down: float = 2.0
) -> BollingerValue:
    """Bollinger Bands (TA-Lib BBANDS with an SMA middle): SMA +/- k * population standard deviation."""
    name = "bollinger_bands"
    period = check_period(name, "period", period)
    up = check_positive(name, "deviations_up", deviations_up)
    down = check_positive(name, "deviations_down", deviations_down)
    values = as_series(name, "close", close)
    upper, middle, lower = nans(len(values)), nans(len(values)), nans(len(values))
    if len(values) >= period:
        windows = sliding_window_view(values, period)
        mean = windows.mean(axis=1)
        deviation = windows.std(axis=1)
        middle[period - 1 :] = mean
        upper[period - 1 :] = mean + up * deviation
        lower[period - 1 :] = mean - down * deviation
    return BollingerValue(upper, middle, lower)


class BollingerBands(Indicator):
    """Bollinger Bands, O(1) per candle; `update(close)` -> `BollingerValue`."""

    NAME = "BollingerBands"

    def __init__(self, period: int = 20, deviations_up: float = 2.0, deviations_down: float = 2.0) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = self.period - 1
        self.deviations_up = check_positive(self.NAME, "deviations_up", deviations_up)
        self.deviations_down = check_positive(self.NAME, "deviations_down", deviations_down)
        self._window = RollingWindow(self.period)
        self._children = (self._window,)

    def _nan_value(self) -> BollingerValue:
        return BollingerValue(NAN, NAN, NAN)

    def _step(self, close: float) -> BollingerValue:
        window = self._window
        window.push(close)
        if not window.full:
            return BollingerValue(NAN, NAN, NAN)
        mean = window.total / self.period
        deviation = math.sqrt(window.variance())
        return BollingerValue(
            mean + self.deviations_up * deviation, mean, mean - self.deviations_down * deviation
        )
