# cython: annotation_typing=False
"""Trend: ADX and linear regression (TA-Lib's), SuperTrend and the detrended price oscillator."""

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
from octobot_evaluators.indicators._window import RollingWindow
from octobot_evaluators.indicators.base import Indicator
from octobot_evaluators.indicators.moving_averages import _sma
from octobot_evaluators.indicators.volatility import ATR, _atr, _range, _true_range

Series = Sequence[float] | np.ndarray

#: SuperTrend directions, the evaluation convention: +1 bullish, -1 bearish.
UP = 1.0
DOWN = -1.0


class SuperTrendValue(NamedTuple, Generic[Number]):
    supertrend: Number
    direction: Number


# ---------------------------------------------------------------- ADX
class ADX(Indicator):
    """Average directional index, `update(high, low, close)`, exactly as TA-Lib's ADX.

    TA-Lib's quirks are kept so values match: the first smoothed +DM, -DM and TR are the sums of
    `period - 1` moves, then Wilder's "sum - sum / n + new"; the first ADX (index 2 * period - 1) is the mean
    of `period` DX values; a candle whose smoothed range is zero adds no DX (and leaves the ADX unchanged).
    """

    NAME = "ADX"
    INPUTS = ("high", "low", "close")

    def __init__(self, period: int = 14) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = 2 * self.period - 1
        self._prev = (NAN, NAN, NAN)
        self._moves = 0
        self._plus_dm = 0.0
        self._minus_dm = 0.0
        self._range = 0.0
        self._dx_sum = 0.0
        self._adx = NAN

    def _step(self, high: float, low: float, close: float) -> float:
        prev_high, prev_low, prev_close = self._prev
        self._prev = (high, low, close)
        if prev_close != prev_close:
            return NAN
        up = high - prev_high
        down = prev_low - low
        plus = minus = 0.0
        if down > 0 and up < down:
            minus = down
        elif up > 0 and up > down:
            plus = up
        true_range = _range(high, low, prev_close)
        period = self.period
        self._moves += 1
        moves = self._moves
        if moves < period:
            self._plus_dm += plus
            self._minus_dm += minus
            self._range += true_range
            return NAN
        self._minus_dm = self._minus_dm - self._minus_dm / period + minus
        self._plus_dm = self._plus_dm - self._plus_dm / period + plus
        self._range = self._range - self._range / period + true_range
        dx = _dx(self._plus_dm, self._minus_dm, self._range)
        if moves < 2 * period - 1:
            if dx == dx:
                self._dx_sum += dx
            return NAN
        if moves == 2 * period - 1:
            if dx == dx:
                self._dx_sum += dx
            self._adx = self._dx_sum / period
        elif dx == dx:
            self._adx = (self._adx * (period - 1) + dx) / period
        return self._adx


def _dx(plus_dm: float, minus_dm: float, true_range: float) -> float:
    """Directional movement index, NaN where TA-Lib skips the candle (zero range)."""
    if true_range == 0.0:
        return NAN
    minus_di = 100.0 * (minus_dm / true_range)
    plus_di = 100.0 * (plus_dm / true_range)
    total = minus_di + plus_di
    if total == 0.0:
        return NAN
    return 100.0 * (abs(minus_di - plus_di) / total)


def adx(high: Series, low: Series, close: Series, period: int = 14) -> np.ndarray:
    """Average directional index (TA-Lib ADX); first value at index `2 * period - 1`.

    The directional moves are vectorised; the Wilder recursion runs as a loop (see `ADX` for the rules).
    """
    period = check_period("adx", "period", period)
    highs, lows, closes = as_same_length("adx", high=high, low=low, close=close)
    length = len(closes)
    out = nans(length)
    if length <= 2 * period - 1:
        return out
    up = np.diff(highs)
    down = -np.diff(lows)
    minus = np.where((down > 0) & (up < down), down, 0.0).tolist()
    plus = np.where(~((down > 0) & (up < down)) & (up > 0) & (up > down), up, 0.0).tolist()
    ranges = _true_range(highs, lows, closes)[1:].tolist()
    plus_dm = minus_dm = true_range = 0.0
    for k in range(period - 1):
        plus_dm += plus[k]
        minus_dm += minus[k]
        true_range += ranges[k]
    dx_sum = 0.0
    value = NAN
    result = []
    for k in range(period - 1, length - 1):
        minus_dm = minus_dm - minus_dm / period + minus[k]
        plus_dm = plus_dm - plus_dm / period + plus[k]
        true_range = true_range - true_range / period + ranges[k]
        dx = _dx(plus_dm, minus_dm, true_range)
        if k < 2 * period - 2:
            if dx == dx:
                dx_sum += dx
            continue
        if k == 2 * period - 2:
            if dx == dx:
                dx_sum += dx
            value = dx_sum / period
        elif dx == dx:
            value = (value * (period - 1) + dx) / period
        result.append(value)
    out[2 * period - 1 :] = result
    return out


# ---------------------------------------------------------------- linear regression
def _regression_constants(period: int) -> tuple[float, float]:
    sum_x = period * (period - 1) * 0.5
    divisor = period * (period * (period - 1) * (2 * period - 1) / 6) - sum_x * sum_x
    return sum_x, divisor


def _regression_value(period: int, sum_x: float, divisor: float, sum_y: float, sum_xy: float) -> float:
    """The least-squares line through the window (x = 0 oldest .. period - 1 newest), at the newest x."""
    slope = (period * sum_xy - sum_x * sum_y) / divisor if divisor else 0.0
    intercept = (sum_y - slope * sum_x) / period
    return intercept + slope * (period - 1)


def linear_regression(close: Series, period: int = 14) -> np.ndarray:
    """End point of the least-squares line over the last `period` closes (TA-Lib LINEARREG)."""
    period = check_period("linear_regression", "period", period)
    values = as_series("linear_regression", "close", close)
    out = nans(len(values))
    if len(values) >= period:
        windows = sliding_window_view(values, period)
        sum_x, divisor = _regression_constants(period)
        sum_y = windows.sum(axis=1)
        sum_xy = windows @ np.arange(period, dtype=np.float64)
        slope = (period * sum_xy - sum_x * sum_y) / divisor if divisor else np.zeros_like(sum_y)
        out[period - 1 :] = (sum_y - slope * sum_x) / period + slope * (period - 1)
    return out


class LinearRegression(Indicator):
    """Linear regression end point, O(1) per candle from the window's running sums."""

    NAME = "LinearRegression"

    def __init__(self, period: int = 14) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = self.period - 1
        self._sum_x, self._divisor = _regression_constants(self.period)
        self._window = RollingWindow(self.period)
        self._children = (self._window,)

    def _step(self, close: float) -> float:
        window = self._window
        window.push(close)
        if not window.full:
            return NAN
        # weighted_total uses weights 1..n: subtracting the sum gives weights 0..n-1
        return _regression_value(
            self.period, self._sum_x, self._divisor, window.total, window.weighted_total - window.total
        )


# ---------------------------------------------------------------- SuperTrend
def supertrend(
    high: Series, low: Series, close: Series, period: int = 10, multiplier: float = 3.0
) -> SuperTrendValue:
    """SuperTrend as TradingView's `ta.supertrend` defines it, on TA-Lib's (Wilder) ATR.

    Bands: hl2 +/- multiplier * ATR. The lower band only rises and the upper band only falls while the
    previous close stays on their side. The trend turns up when the close crosses above the upper band and
    down when it crosses below the lower band; the line is the lower band in an up-trend, the upper band
    in a down-trend. The first value (index `period`, the first ATR) starts as a down-trend.
    Direction: +1.0 in an up-trend, -1.0 in a down-trend (the evaluation sign convention).
    """
    name = "supertrend"
    period = check_period(name, "period", period)
    multiplier = check_positive(name, "multiplier", multiplier)
    highs, lows, closes = as_same_length(name, high=high, low=low, close=close)
    length = len(closes)
    line, direction = nans(length), nans(length)
    if length <= period:
        return SuperTrendValue(line, direction)
    ranges = _atr(_true_range(highs, lows, closes), period)
    middle = (highs + lows) / 2.0
    uppers = (middle + multiplier * ranges)[period:].tolist()
    lowers = (middle - multiplier * ranges)[period:].tolist()
    prev_closes = closes[period - 1 : -1].tolist()
    state = None
    lines, directions = [], []
    rows = zip(uppers, lowers, closes[period:].tolist(), prev_closes, strict=True)
    for upper, lower, close_, prev_close in rows:
        state = _supertrend_step(state, upper, lower, close_, prev_close)
        lines.append(state[0])
        directions.append(state[3])
    line[period:] = lines
    direction[period:] = directions
    return SuperTrendValue(line, direction)


def _supertrend_step(
    state: tuple[float, float, float, float] | None,
    upper: float,
    lower: float,
    close: float,
    prev_close: float,
) -> tuple[float, float, float, float]:
    """(line, upper band, lower band, direction) after one candle, from the previous one (or None)."""
    if state is None:
        direction = DOWN
    else:
        _, prev_upper, prev_lower, prev_direction = state
        if not (lower > prev_lower or prev_close < prev_lower):
            lower = prev_lower
        if not (upper < prev_upper or prev_close > prev_upper):
            upper = prev_upper
        if prev_direction == DOWN:
            direction = UP if close > upper else DOWN
        else:
            direction = DOWN if close < lower else UP
    return (lower if direction == UP else upper), upper, lower, direction


class SuperTrend(Indicator):
    """SuperTrend, `update(high, low, close)` -> `SuperTrendValue` (see `supertrend`)."""

    NAME = "SuperTrend"
    INPUTS = ("high", "low", "close")

    def __init__(self, period: int = 10, multiplier: float = 3.0) -> None:
        super().__init__()
        self.multiplier = check_positive(self.NAME, "multiplier", multiplier)
        self._atr = ATR(period)
        self.period = self._atr.period
        self.lookback = self.period
        self._prev_close = NAN
        self._state: tuple[float, float, float, float] | None = None
        self._children = (self._atr,)

    def _nan_value(self) -> SuperTrendValue:
        return SuperTrendValue(NAN, NAN)

    def _step(self, high: float, low: float, close: float) -> SuperTrendValue:
        prev_close, self._prev_close = self._prev_close, close
        average = self._atr._step(high, low, close)
        if math.isnan(average):
            return SuperTrendValue(NAN, NAN)
        middle = (high + low) / 2.0
        state = _supertrend_step(
            self._state,
            middle + self.multiplier * average,
            middle - self.multiplier * average,
            close,
            prev_close,
        )
        self._state = state
        return SuperTrendValue(state[0], state[3])


# ---------------------------------------------------------------- DPO
def _dpo_shift(period: int) -> int:
    return period // 2 + 1


def dpo(close: Series, period: int = 20) -> np.ndarray:
    """Detrended price oscillator, non-centred (StockCharts): close[t - (period // 2 + 1)] - SMA(period)[t].

    Non-centred so that it never looks ahead: usable live. First value at index
    max(period - 1, period // 2 + 1).
    """
    period = check_period("dpo", "period", period)
    values = as_series("dpo", "close", close)
    shift = _dpo_shift(period)
    start = max(period - 1, shift)
    out = nans(len(values))
    if len(values) > start:
        out[start:] = values[start - shift : len(values) - shift] - _sma(values, period)[start:]
    return out


class DPO(Indicator):
    """Detrended price oscillator, O(1) per candle (see `dpo`)."""

    NAME = "DPO"

    def __init__(self, period: int = 20) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.shift = _dpo_shift(self.period)
        self.lookback = max(self.period - 1, self.shift)
        self._average = RollingWindow(self.period, total_only=True)
        self._closes = RollingWindow(self.shift + 1, total_only=True)
        self._children = (self._average, self._closes)

    def _step(self, close: float) -> float:
        self._average.push(close)
        self._closes.push(close)
        if not (self._average.full and self._closes.full):
            return NAN
        return self._closes.ago(self.shift) - self._average.total / self.period
