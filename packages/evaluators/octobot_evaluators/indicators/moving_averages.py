# cython: annotation_typing=False
"""Moving averages: SMA, EMA, WMA, DEMA, TEMA, KAMA, with TA-Lib's definitions and warm-up lengths."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from octobot_evaluators.indicators._inputs import NAN, as_series, check_period, is_zero_scaled, nans
from octobot_evaluators.indicators._recursions import ema_series, on_tail
from octobot_evaluators.indicators._window import RollingWindow
from octobot_evaluators.indicators.base import Indicator, _own_undo
from octobot_evaluators.indicators.errors import IndicatorParameterError

Series = Sequence[float] | np.ndarray


class MAType(enum.IntEnum):
    """Moving-average kinds, numbered as TA-Lib's `MA_Type` (so a TA-Lib config maps one to one)."""

    SMA = 0
    EMA = 1
    WMA = 2
    DEMA = 3
    TEMA = 4
    KAMA = 6


# ---------------------------------------------------------------- vectorised
def sma(close: Series, period: int = 30) -> np.ndarray:
    """Simple moving average (TA-Lib SMA); NaN for the first `period - 1` values."""
    period = check_period("sma", "period", period)
    values = as_series("sma", "close", close)
    return _sma(values, period)


def _sma(values: np.ndarray, period: int) -> np.ndarray:
    out = nans(len(values))
    if len(values) >= period:
        out[period - 1 :] = sliding_window_view(values, period).sum(axis=1) / period
    return out


def ema(close: Series, period: int = 30) -> np.ndarray:
    """Exponential moving average, alpha = 2 / (period + 1), seeded by the SMA of the first `period`."""
    period = check_period("ema", "period", period)
    return ema_series(as_series("ema", "close", close), period)


def wma(close: Series, period: int = 30) -> np.ndarray:
    """Linearly weighted moving average (weights 1..period, newest heaviest; TA-Lib WMA)."""
    period = check_period("wma", "period", period)
    return _wma(as_series("wma", "close", close), period)


def _wma(values: np.ndarray, period: int) -> np.ndarray:
    out = nans(len(values))
    if len(values) >= period:
        weights = np.arange(1, period + 1, dtype=np.float64)
        out[period - 1 :] = sliding_window_view(values, period) @ weights / (period * (period + 1) / 2)
    return out


def dema(close: Series, period: int = 30) -> np.ndarray:
    """Double EMA: 2 * EMA - EMA(EMA); first value at index 2 * (period - 1)."""
    period = check_period("dema", "period", period)
    values = as_series("dema", "close", close)
    first = ema_series(values, period)
    second = on_tail(ema_series, first, period - 1, period)
    return 2.0 * first - second


def tema(close: Series, period: int = 30) -> np.ndarray:
    """Triple EMA: 3 * EMA - 3 * EMA(EMA) + EMA(EMA(EMA)); first value at index 3 * (period - 1)."""
    period = check_period("tema", "period", period)
    values = as_series("tema", "close", close)
    first = ema_series(values, period)
    second = on_tail(ema_series, first, period - 1, period)
    third = on_tail(ema_series, second, 2 * (period - 1), period)
    return 3.0 * first - 3.0 * second + third


def kama(close: Series, period: int = 30, fast: int = 2, slow: int = 30) -> np.ndarray:
    """Kaufman adaptive moving average (TA-Lib KAMA): first value at index `period`.

    Efficiency ratio ER = |x[t] - x[t - period]| / sum of |x[j] - x[j - 1]| over the last `period` moves
    (1 when that sum is zero), smoothing constant (ER * (2/(fast+1) - 2/(slow+1)) + 2/(slow+1))^2, and the
    recursion starts from the close at index `period - 1`. `period` >= 2: over one move the ratio is always 1
    (TA-Lib then returns its input unchanged).
    """
    period = check_period("kama", "period", period, minimum=2)
    fast = check_period("kama", "fast", fast)
    slow = check_period("kama", "slow", slow)
    values = as_series("kama", "close", close)
    out = nans(len(values))
    if len(values) <= period:
        return out
    moves = np.abs(np.diff(values))
    volatility = sliding_window_view(moves, period).sum(axis=1)  # index k: moves ending at x[k + period]
    change = values[period:] - values[:-period]
    fastest, slowest = 2.0 / (fast + 1), 2.0 / (slow + 1)
    spread = fastest - slowest
    result = []
    prev = float(values[period - 1])
    for x, old, roc, total in zip(
        values[period:].tolist(), values[:-period].tolist(), change.tolist(), volatility.tolist(), strict=True
    ):
        ratio = _efficiency(roc, total, x, old)
        constant = ratio * spread + slowest
        constant *= constant
        prev = (x - prev) * constant + prev
        result.append(prev)
    out[period:] = result
    return out


def _efficiency(change: float, volatility: float, close: float, old: float) -> float:
    """Kaufman's efficiency ratio; 1 when nothing moved (a sum of moves within rounding of zero)."""
    if volatility <= change or is_zero_scaled(volatility, abs(close) + abs(old)):
        return 1.0
    return abs(change / volatility)


def moving_average(close: Series, period: int = 30, ma_type: MAType | int = MAType.SMA) -> np.ndarray:
    """Any of the supported moving averages, chosen as TA-Lib's `MA(close, period, matype)`."""
    kind = _ma_type(ma_type)
    return _VECTORISED[kind](as_series("moving_average", "close", close), period)


_VECTORISED = {
    MAType.SMA: sma,
    MAType.EMA: ema,
    MAType.WMA: wma,
    MAType.DEMA: dema,
    MAType.TEMA: tema,
    MAType.KAMA: kama,
}


def _ma_type(ma_type: MAType | int) -> MAType:
    try:
        return MAType(ma_type)
    except ValueError:
        names = ", ".join(f"{kind.name}={kind.value}" for kind in MAType)
        raise IndicatorParameterError(
            f"unknown moving-average type {ma_type!r}; supported: {names}"
        ) from None


# ---------------------------------------------------------------- incremental
class SMA(Indicator):
    """Simple moving average, updated in O(1) with a running sum."""

    NAME = "SMA"

    def __init__(self, period: int = 30) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = self.period - 1
        self._window = RollingWindow(self.period, total_only=True)
        self._children = (self._window,)

    def _step(self, close: float) -> float:
        window = self._window
        window.push(close)
        return window.total / self.period if window.count == self.period else NAN

    def _keep(self) -> None:
        self._window._keep()

    def _rewind(self) -> None:
        self._window._rewind()


class EMA(Indicator):
    """Exponential moving average, TA-Lib seeding: NaN until `period` values, then their SMA."""

    NAME = "EMA"
    STEP_STATE = ("_seen", "_sum", "_prev")

    def __init__(self, period: int = 30) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = self.period - 1
        self._alpha = 2.0 / (self.period + 1)
        self._seen = 0
        self._sum = 0.0
        self._prev = NAN

    def _step(self, close: float) -> float:
        if self._seen >= self.period:
            self._prev = (close - self._prev) * self._alpha + self._prev
            return self._prev
        self._seen += 1
        self._sum += close
        if self._seen == self.period:
            self._prev = self._sum / self.period
            return self._prev
        return NAN

    def _keep(self) -> None:
        self._kept_seen = self._seen
        self._kept_sum = self._sum
        self._kept_prev = self._prev

    def _rewind(self) -> None:
        self._seen = self._kept_seen
        self._sum = self._kept_sum
        self._prev = self._kept_prev


class WMA(Indicator):
    """Linearly weighted moving average, O(1) with a running weighted sum."""

    NAME = "WMA"

    def __init__(self, period: int = 30) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = self.period - 1
        self._divider = self.period * (self.period + 1) / 2
        self._window = RollingWindow(self.period)
        self._children = (self._window,)

    def _step(self, close: float) -> float:
        window = self._window
        window.push(close)
        return window.weighted_total / self._divider if window.count == self.period else NAN


class DEMA(Indicator):
    """Double EMA: 2 * EMA - EMA(EMA)."""

    NAME = "DEMA"

    def __init__(self, period: int = 30) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = 2 * (self.period - 1)
        self._first, self._second = EMA(self.period), EMA(self.period)
        self._children = (self._first, self._second)

    def _step(self, close: float) -> float:
        first = self._first._step(close)
        if math.isnan(first):
            return NAN
        second = self._second._step(first)
        return NAN if math.isnan(second) else 2.0 * first - second


class TEMA(Indicator):
    """Triple EMA: 3 * EMA - 3 * EMA(EMA) + EMA(EMA(EMA))."""

    NAME = "TEMA"

    def __init__(self, period: int = 30) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = 3 * (self.period - 1)
        self._first, self._second, self._third = EMA(self.period), EMA(self.period), EMA(self.period)
        self._children = (self._first, self._second, self._third)

    def _step(self, close: float) -> float:
        first = self._first._step(close)
        if math.isnan(first):
            return NAN
        second = self._second._step(first)
        if math.isnan(second):
            return NAN
        third = self._third._step(second)
        return NAN if math.isnan(third) else 3.0 * first - 3.0 * second + third


class KAMA(Indicator):
    """Kaufman adaptive moving average (see `kama`)."""

    NAME = "KAMA"

    def __init__(self, period: int = 30, fast: int = 2, slow: int = 30) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period, minimum=2)
        self.lookback = self.period
        self._slowest = 2.0 / (check_period(self.NAME, "slow", slow) + 1)
        self._spread = 2.0 / (check_period(self.NAME, "fast", fast) + 1) - self._slowest
        self._closes = RollingWindow(self.period + 1, total_only=True)  # oldest is x[t - period]
        self._moves = RollingWindow(self.period, total_only=True)
        self._prev = NAN
        self._children = (self._closes, self._moves)

    def _step(self, close: float) -> float:
        closes = self._closes
        if closes.count:
            self._moves.push(abs(close - closes.ago(0)))
        closes.push(close)
        if not closes.full:
            if closes.count == self.period:
                self._prev = close
            return NAN
        old = closes.ago(self.period)
        ratio = _efficiency(close - old, self._moves.total, close, old)
        constant = ratio * self._spread + self._slowest
        constant *= constant
        self._prev = (close - self._prev) * constant + self._prev
        return self._prev


_own_undo(SMA, EMA)

_INCREMENTAL: dict[MAType, Callable[[int], Indicator]] = {
    MAType.SMA: SMA,
    MAType.EMA: EMA,
    MAType.WMA: WMA,
    MAType.DEMA: DEMA,
    MAType.TEMA: TEMA,
    MAType.KAMA: KAMA,
}


def new_moving_average(period: int = 30, ma_type: MAType | int = MAType.SMA) -> Indicator:
    """An incremental moving average of the given kind (the counterpart of `moving_average`)."""
    return _INCREMENTAL[_ma_type(ma_type)](period)
