# cython: annotation_typing=False
"""Volume-based indicators: VWMA and the Klinger volume oscillator (neither is in TA-Lib)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Generic, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from octobot_evaluators.indicators._inputs import NAN, Number, as_same_length, check_period, nans
from octobot_evaluators.indicators._recursions import ema_series, on_tail
from octobot_evaluators.indicators._window import RollingWindow
from octobot_evaluators.indicators.base import Indicator
from octobot_evaluators.indicators.errors import IndicatorParameterError
from octobot_evaluators.indicators.moving_averages import EMA

Series = Sequence[float] | np.ndarray


class KlingerValue(NamedTuple, Generic[Number]):
    kvo: Number
    signal: Number


# ---------------------------------------------------------------- VWMA
def vwma(close: Series, volume: Series, period: int = 20) -> np.ndarray:
    """Volume-weighted moving average: sum(close * volume) / sum(volume) over `period` candles.

    Where the window traded no volume at all, the weights are undefined and the plain mean of the closes
    is returned (instead of a NaN in the middle of a live series).
    """
    period = check_period("vwma", "period", period)
    closes, volumes = as_same_length("vwma", close=close, volume=volume)
    out = nans(len(closes))
    if len(closes) >= period:
        weighted = sliding_window_view(closes * volumes, period).sum(axis=1)
        total = sliding_window_view(volumes, period).sum(axis=1)
        plain = sliding_window_view(closes, period).sum(axis=1) / period
        traded = total != 0.0
        out[period - 1 :] = np.where(traded, weighted / np.where(traded, total, 1.0), plain)
    return out


class VWMA(Indicator):
    """Volume-weighted moving average, `update(close, volume)`, O(1) per candle."""

    NAME = "VWMA"
    INPUTS = ("close", "volume")

    def __init__(self, period: int = 20) -> None:
        super().__init__()
        self.period = check_period(self.NAME, "period", period)
        self.lookback = self.period - 1
        self._weighted = RollingWindow(self.period, total_only=True)
        self._volumes = RollingWindow(self.period, total_only=True)
        self._closes = RollingWindow(self.period, total_only=True)
        self._traded = RollingWindow(
            self.period, total_only=True
        )  # 1.0 per candle with volume: an exact count
        self._children = (self._weighted, self._volumes, self._closes, self._traded)

    def _step(self, close: float, volume: float) -> float:
        self._weighted.push(close * volume)
        self._volumes.push(volume)
        self._closes.push(close)
        self._traded.push(1.0 if volume != 0.0 else 0.0)
        if not self._closes.full:
            return NAN
        if self._traded.total == 0.0:
            return self._closes.total / self.period
        return self._weighted.total / self._volumes.total


# ---------------------------------------------------------------- Klinger
def _check_klinger(name: str, fast: int, slow: int, signal: int) -> tuple[int, int, int]:
    fast = check_period(name, "fast", fast)
    slow = check_period(name, "slow", slow)
    signal = check_period(name, "signal", signal)
    if fast >= slow:
        raise IndicatorParameterError(f"{name}: fast ({fast}) must be shorter than slow ({slow})")
    return fast, slow, signal


def klinger(
    high: Series, low: Series, close: Series, volume: Series, fast: int = 34, slow: int = 55, signal: int = 13
) -> KlingerValue:
    """Klinger volume oscillator as TradingView's built-in defines it.

    Signed volume sv = +volume when hlc3 = (high + low + close) / 3 rose or stayed equal since the previous
    candle, -volume when it fell (from the second candle on). KVO = EMA(sv, fast) - EMA(sv, slow), signal
    = EMA(KVO, signal), with SMA-seeded EMAs. KVO starts at index `slow`, the signal at `slow + signal - 1`.
    """
    name = "klinger"
    fast, slow, signal = _check_klinger(name, fast, slow, signal)
    highs, lows, closes, volumes = as_same_length(name, high=high, low=low, close=close, volume=volume)
    length = len(closes)
    typical = (highs + lows + closes) / 3.0
    signed = nans(length)
    if length > 1:
        signed[1:] = np.where(typical[1:] >= typical[:-1], volumes[1:], -volumes[1:])
    kvo = on_tail(ema_series, signed, 1, fast) - on_tail(ema_series, signed, 1, slow)
    return KlingerValue(kvo, on_tail(ema_series, kvo, slow, signal))


class Klinger(Indicator):
    """Klinger volume oscillator, `update(high, low, close, volume)` -> `KlingerValue` (see `klinger`).

    The KVO is a number from index `slow` on, the signal `signal - 1` candles later; `ready` waits for both.
    """

    NAME = "Klinger"
    INPUTS = ("high", "low", "close", "volume")

    def __init__(self, fast: int = 34, slow: int = 55, signal: int = 13) -> None:
        super().__init__()
        self.fast, self.slow, self.signal = _check_klinger(self.NAME, fast, slow, signal)
        self.lookback = self.slow + self.signal - 1
        self._prev_typical = NAN
        self._fast, self._slow, self._signal = EMA(self.fast), EMA(self.slow), EMA(self.signal)
        self._children = (self._fast, self._slow, self._signal)

    def _nan_value(self) -> KlingerValue:
        return KlingerValue(NAN, NAN)

    def _step(self, high: float, low: float, close: float, volume: float) -> KlingerValue:
        typical = (high + low + close) / 3.0
        prev, self._prev_typical = self._prev_typical, typical
        if prev != prev:
            return KlingerValue(NAN, NAN)
        signed = volume if typical >= prev else -volume
        fast = self._fast._step(signed)
        slow = self._slow._step(signed)
        if math.isnan(slow):
            return KlingerValue(NAN, NAN)
        kvo = fast - slow
        return KlingerValue(kvo, self._signal._step(kvo))
