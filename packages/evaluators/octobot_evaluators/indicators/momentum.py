# cython: annotation_typing=False
"""Momentum oscillators: RSI, MACD, Stochastic and Stochastic RSI, with TA-Lib's definitions."""

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
    is_zero_scaled,
    nans,
)
from octobot_evaluators.indicators._recursions import ema_series, on_tail, seed_sum
from octobot_evaluators.indicators._window import RollingWindow
from octobot_evaluators.indicators.base import Indicator, _own_undo
from octobot_evaluators.indicators.errors import IndicatorParameterError
from octobot_evaluators.indicators.moving_averages import MAType, moving_average, new_moving_average

Series = Sequence[float] | np.ndarray

#: RSI of a series that never moved: neutral. TA-Lib returns 0 (its zero-division fallback), which an
#: evaluator would read as "deeply oversold"; 50 says "no momentum either way".
FLAT_RSI = 50.0


class MACDValue(NamedTuple, Generic[Number]):
    macd: Number
    signal: Number
    histogram: Number


#: MACD's output while warming up (immutable: one shared instance)
_NAN_MACD = MACDValue(NAN, NAN, NAN)
_new_tuple = tuple.__new__


class StochasticValue(NamedTuple, Generic[Number]):
    k: Number
    d: Number


# ---------------------------------------------------------------- RSI
def rsi(close: Series, period: int = 14) -> np.ndarray:
    """Wilder's relative strength index (TA-Lib RSI); first value at index `period`.

    The first averages are the plain means of the first `period` gains and losses; later ones are
    Wilder-smoothed. A series with no move at all gives `FLAT_RSI` (50) where TA-Lib gives 0.
    """
    period = check_period("rsi", "period", period)
    return _rsi(as_series("rsi", "close", close), period)


def _rsi(values: np.ndarray, period: int) -> np.ndarray:
    out = nans(len(values))
    if len(values) <= period:
        return out
    moves = np.diff(values)
    gains = np.where(moves > 0, moves, 0.0)
    losses = np.where(moves < 0, -moves, 0.0)
    gain = seed_sum(gains[:period]) / period
    loss = seed_sum(losses[:period]) / period
    result = [_rsi_value(gain, loss)]
    append = result.append
    keep = period - 1
    for up, down in zip(gains[period:].tolist(), losses[period:].tolist(), strict=True):
        gain = (gain * keep + up) / period
        loss = (loss * keep + down) / period
        total = gain + loss  # _rsi_value, inlined: this loop is the whole warm-up cost
        append(100.0 * (gain / total) if total != 0.0 else FLAT_RSI)
    out[period:] = result
    return out


def _rsi_value(gain: float, loss: float) -> float:
    total = gain + loss
    return 100.0 * (gain / total) if total != 0.0 else FLAT_RSI


class RSI(Indicator):
    """Wilder's RSI, O(1) per candle (see `rsi`)."""

    NAME = "RSI"
    STEP_STATE = ("_prev_close", "_moves", "_gain", "_loss")

    def __init__(self, period: int = 14) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = self.period
        self._prev_close = NAN
        self._moves = 0
        self._gain = 0.0
        self._loss = 0.0

    def _step(self, close: float) -> float:
        prev = self._prev_close
        self._prev_close = close
        if prev != prev:  # first candle: no move yet
            return NAN
        move = close - prev
        up = move if move > 0 else 0.0
        down = -move if move < 0 else 0.0
        period = self.period
        if self._moves >= period:  # warm: the usual candle; _rsi_value inlined (one call less per candle)
            gain = self._gain = (self._gain * (period - 1) + up) / period
            loss = self._loss = (self._loss * (period - 1) + down) / period
            total = gain + loss
            return 100.0 * (gain / total) if total != 0.0 else FLAT_RSI
        self._moves += 1
        self._gain += up
        self._loss += down
        if self._moves < period:
            return NAN
        self._gain /= period
        self._loss /= period
        return _rsi_value(self._gain, self._loss)

    def _keep(self) -> None:
        self._kept_prev_close = self._prev_close
        self._kept_moves = self._moves
        self._kept_gain = self._gain
        self._kept_loss = self._loss

    def _rewind(self) -> None:
        self._prev_close = self._kept_prev_close
        self._moves = self._kept_moves
        self._gain = self._kept_gain
        self._loss = self._kept_loss


# ---------------------------------------------------------------- MACD
def _check_macd(name: str, fast: int, slow: int, signal: int) -> tuple[int, int, int]:
    fast = check_period(name, "fast", fast)
    slow = check_period(name, "slow", slow)
    signal = check_period(name, "signal", signal)
    if fast >= slow:
        raise IndicatorParameterError(f"{name}: fast ({fast}) must be shorter than slow ({slow})")
    return fast, slow, signal


def macd(close: Series, fast: int = 12, slow: int = 26, signal: int = 9) -> MACDValue:
    """MACD line, signal line and histogram as TA-Lib computes them; first values at `slow + signal - 2`.

    As in TA-Lib, the fast EMA starts on the same candle as the slow one (it is seeded with the SMA of the
    `fast` closes ending at index `slow - 1`), and nothing is output until the signal line exists.
    """
    fast, slow, signal = _check_macd("macd", fast, slow, signal)
    values = as_series("macd", "close", close)
    slow_ema = ema_series(values, slow)
    fast_ema = on_tail(ema_series, values, slow - fast, fast)
    line = fast_ema - slow_ema
    signal_line = on_tail(ema_series, line, slow - 1, signal)
    line[: slow + signal - 2] = NAN
    return MACDValue(line, signal_line, line - signal_line)


class MACD(Indicator):
    """MACD, O(1) per candle; `update` returns a `MACDValue` (see `macd`)."""

    NAME = "MACD"
    STEP_STATE = ("_seen", "_slow_ema", "_fast_ema", "_signal_ema")

    def __init__(self, fast: int = 12, slow: int = 26, signal: int = 9) -> None:
        super().__init__()
        self.fast, self.slow, self.signal = _check_macd(self.NAME, fast, slow, signal)
        self.lookback = self.slow + self.signal - 2
        # the three EMAs inline (same arithmetic as `EMA`): one flat state, so one cheap snapshot
        self._seen = 0
        self._fast_alpha = 2.0 / (self.fast + 1)
        self._slow_alpha = 2.0 / (self.slow + 1)
        self._signal_alpha = 2.0 / (self.signal + 1)
        self._fast_ema = self._slow_ema = self._signal_ema = 0.0  # sums while seeding

    def _nan_value(self) -> MACDValue:
        return _NAN_MACD

    def _step(self, close: float) -> MACDValue:
        seen = self._seen = self._seen + 1
        slow_period = self.slow
        if seen > slow_period:  # warm: the usual candle, first; locals, one read and one write per EMA
            slow_ema = self._slow_ema
            fast_ema = self._fast_ema
            slow_ema = self._slow_ema = (close - slow_ema) * self._slow_alpha + slow_ema
            fast_ema = self._fast_ema = (close - fast_ema) * self._fast_alpha + fast_ema
        elif seen < slow_period:
            self._slow_ema += close
            if seen > slow_period - self.fast:  # the fast EMA starts `fast` candles before the slow ends
                self._fast_ema += close
            return _NAN_MACD
        else:
            slow_ema = self._slow_ema = (self._slow_ema + close) / slow_period
            fast_ema = self._fast_ema = (self._fast_ema + close) / self.fast
        line = fast_ema - slow_ema
        signal_seen = seen - slow_period + 1
        signal_period = self.signal
        signal = self._signal_ema
        if signal_seen > signal_period:
            signal = self._signal_ema = (line - signal) * self._signal_alpha + signal
        elif signal_seen < signal_period:
            self._signal_ema = signal + line
            return _NAN_MACD
        else:
            signal = self._signal_ema = (signal + line) / signal_period
        # tuple.__new__ directly: the NamedTuple's own __new__ is a Python function (one more call)
        return _new_tuple(MACDValue, (line, signal, line - signal))

    def _keep(self) -> None:
        self._kept_seen = self._seen
        self._kept_slow_ema = self._slow_ema
        self._kept_fast_ema = self._fast_ema
        self._kept_signal_ema = self._signal_ema

    def _rewind(self) -> None:
        self._seen = self._kept_seen
        self._slow_ema = self._kept_slow_ema
        self._fast_ema = self._kept_fast_ema
        self._signal_ema = self._kept_signal_ema


_own_undo(RSI, MACD)


# ---------------------------------------------------------------- Stochastic
def _fast_k(close: float, highest: float, lowest: float) -> float:
    """TA-Lib's %K: 0 when the range is empty (to rounding: a flat window leaves a residue)."""
    spread = highest - lowest
    if is_zero_scaled(spread, abs(highest) + abs(lowest)):
        return 0.0
    return (close - lowest) / spread * 100.0


def stochastic(
    high: Series,
    low: Series,
    close: Series,
    fastk_period: int = 5,
    slowk_period: int = 3,
    slowk_ma: MAType | int = MAType.SMA,
    slowd_period: int = 3,
    slowd_ma: MAType | int = MAType.SMA,
) -> StochasticValue:
    """Slow stochastic (TA-Lib STOCH): %K smoothed by `slowk_ma`, %D = `slowd_ma` of slow %K."""
    name = "stochastic"
    fastk_period = check_period(name, "fastk_period", fastk_period)
    highs, lows, closes = as_same_length(name, high=high, low=low, close=close)
    length = len(closes)
    fast_k = nans(length)
    if length >= fastk_period:
        highest = sliding_window_view(highs, fastk_period).max(axis=1)
        lowest = sliding_window_view(lows, fastk_period).min(axis=1)
        rows = zip(closes[fastk_period - 1 :].tolist(), highest.tolist(), lowest.tolist(), strict=True)
        fast_k[fastk_period - 1 :] = [_fast_k(c, h, lo) for c, h, lo in rows]
    slow_k = on_tail(moving_average, fast_k, fastk_period - 1, slowk_period, slowk_ma)
    start = _first_valid(slow_k, length)
    slow_d = on_tail(moving_average, slow_k, start, slowd_period, slowd_ma)
    slow_k[: _first_valid(slow_d, length)] = NAN
    return StochasticValue(slow_k, slow_d)


def _first_valid(values: np.ndarray, length: int) -> int:
    valid = np.flatnonzero(~np.isnan(values))
    return int(valid[0]) if len(valid) else length


class Stochastic(Indicator):
    """Slow stochastic, `update(high, low, close)` -> `StochasticValue` (see `stochastic`).

    Highest high and lowest low are taken over the ring buffer: O(fastk_period), independent of history.
    """

    NAME = "Stochastic"
    INPUTS = ("high", "low", "close")

    def __init__(
        self,
        fastk_period: int = 5,
        slowk_period: int = 3,
        slowk_ma: MAType | int = MAType.SMA,
        slowd_period: int = 3,
        slowd_ma: MAType | int = MAType.SMA,
    ) -> None:
        super().__init__()
        self.fastk_period = check_period(self.NAME, "fastk_period", fastk_period)
        self._highs = RollingWindow(self.fastk_period, total_only=True)
        self._lows = RollingWindow(self.fastk_period, total_only=True)
        self._slow_k = new_moving_average(slowk_period, slowk_ma)
        self._slow_d = new_moving_average(slowd_period, slowd_ma)
        self.lookback = self.fastk_period - 1 + self._slow_k.lookback + self._slow_d.lookback
        self._children = (self._highs, self._lows, self._slow_k, self._slow_d)

    def _nan_value(self) -> StochasticValue:
        return StochasticValue(NAN, NAN)

    def _step(self, high: float, low: float, close: float) -> StochasticValue:
        highs, lows = self._highs, self._lows
        highs.push(high)
        lows.push(low)
        if highs.full:
            slow_k = self._slow_k._step(_fast_k(close, highs.max(), lows.min()))
            if not math.isnan(slow_k):
                slow_d = self._slow_d._step(slow_k)
                if not math.isnan(slow_d):
                    return StochasticValue(slow_k, slow_d)
        return StochasticValue(NAN, NAN)


# ---------------------------------------------------------------- Stochastic RSI
def stochastic_rsi(
    close: Series,
    period: int = 14,
    fastk_period: int = 5,
    fastd_period: int = 3,
    fastd_ma: MAType | int = MAType.SMA,
) -> StochasticValue:
    """Fast stochastic of the RSI (TA-Lib STOCHRSI): %K over `fastk_period` RSI values, %D its MA."""
    name = "stochastic_rsi"
    period = check_period(name, "period", period)
    fastk_period = check_period(name, "fastk_period", fastk_period)
    values = as_series(name, "close", close)
    length = len(values)
    rsis = _rsi(values, period)
    fast_k = nans(length)
    start = period + fastk_period - 1
    if length > start:
        windows = sliding_window_view(rsis[period:], fastk_period)
        fast_k[start:] = [
            _fast_k(r, h, lo)
            for r, h, lo in zip(
                rsis[start:].tolist(), windows.max(axis=1).tolist(), windows.min(axis=1).tolist(), strict=True
            )
        ]
    fast_d = on_tail(moving_average, fast_k, start, fastd_period, fastd_ma)
    fast_k[: _first_valid(fast_d, length)] = NAN
    return StochasticValue(fast_k, fast_d)


class StochasticRSI(Indicator):
    """Stochastic RSI, `update(close)` -> `StochasticValue` (see `stochastic_rsi`)."""

    NAME = "StochasticRSI"

    def __init__(
        self,
        period: int = 14,
        fastk_period: int = 5,
        fastd_period: int = 3,
        fastd_ma: MAType | int = MAType.SMA,
    ) -> None:
        super().__init__()
        self._rsi = RSI(period)
        self.fastk_period = check_period(self.NAME, "fastk_period", fastk_period)
        self._window = RollingWindow(self.fastk_period, total_only=True)
        self._fast_d = new_moving_average(fastd_period, fastd_ma)
        self.lookback = self._rsi.lookback + self.fastk_period - 1 + self._fast_d.lookback
        self._children = (self._rsi, self._window, self._fast_d)

    def _nan_value(self) -> StochasticValue:
        return StochasticValue(NAN, NAN)

    def _step(self, close: float) -> StochasticValue:
        value = self._rsi._step(close)
        if not math.isnan(value):
            window = self._window
            window.push(value)
            if window.full:
                fast_k = _fast_k(value, window.max(), window.min())
                fast_d = self._fast_d._step(fast_k)
                if not math.isnan(fast_d):
                    return StochasticValue(fast_k, fast_d)
        return StochasticValue(NAN, NAN)
