# cython: annotation_typing=False
"""Price transforms: HL2, HLC3, OHLC4 (TA-Lib MEDPRICE, TYPPRICE, AVGPRICE) and Heikin-Ashi candles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, NamedTuple

import numpy as np

from octobot_evaluators.indicators._inputs import NAN, Number, as_same_length, nans
from octobot_evaluators.indicators.base import Indicator

Series = Sequence[float] | np.ndarray


class HeikinAshiValue(NamedTuple, Generic[Number]):
    open: Number
    high: Number
    low: Number
    close: Number


def hl2(high: Series, low: Series) -> np.ndarray:
    """(high + low) / 2, the median price."""
    highs, lows = as_same_length("hl2", high=high, low=low)
    return (highs + lows) / 2.0


def hlc3(high: Series, low: Series, close: Series) -> np.ndarray:
    """(high + low + close) / 3, the typical price."""
    highs, lows, closes = as_same_length("hlc3", high=high, low=low, close=close)
    return (highs + lows + closes) / 3.0


def ohlc4(open: Series, high: Series, low: Series, close: Series) -> np.ndarray:
    """(open + high + low + close) / 4, the average price."""
    opens, highs, lows, closes = as_same_length("ohlc4", open=open, high=high, low=low, close=close)
    return (opens + highs + lows + closes) / 4.0


class HL2(Indicator):
    """Median price, `update(high, low)`; stateless, here so that every indicator has the same protocol."""

    NAME = "HL2"
    INPUTS = ("high", "low")

    def _step(self, high: float, low: float) -> float:
        return (high + low) / 2.0


class HLC3(Indicator):
    """Typical price, `update(high, low, close)`."""

    NAME = "HLC3"
    INPUTS = ("high", "low", "close")

    def _step(self, high: float, low: float, close: float) -> float:
        return (high + low + close) / 3.0


class OHLC4(Indicator):
    """Average price, `update(open, high, low, close)`."""

    NAME = "OHLC4"
    INPUTS = ("open", "high", "low", "close")

    def _step(self, open: float, high: float, low: float, close: float) -> float:
        return (open + high + low + close) / 4.0


def heikin_ashi(open: Series, high: Series, low: Series, close: Series) -> HeikinAshiValue:
    """Heikin-Ashi candles (Dan Valcu's definition, as charting platforms draw them).

    close = ohlc4; open = (previous HA open + previous HA close) / 2, the first one (open + close) / 2;
    high = max(high, HA open, HA close); low = min(low, HA open, HA close). No warm-up.
    """
    opens, highs, lows, closes = as_same_length("heikin_ashi", open=open, high=high, low=low, close=close)
    ha_close = (opens + highs + lows + closes) / 4.0
    ha_open = nans(len(closes))
    if len(closes):
        prev = (float(opens[0]) + float(closes[0])) / 2.0
        result = [prev]
        for value in ha_close[:-1].tolist():
            prev = (prev + value) / 2.0
            result.append(prev)
        ha_open[:] = result
    ha_high = np.maximum(highs, np.maximum(ha_open, ha_close))
    ha_low = np.minimum(lows, np.minimum(ha_open, ha_close))
    return HeikinAshiValue(ha_open, ha_high, ha_low, ha_close)


class HeikinAshi(Indicator):
    """Heikin-Ashi candle, `update(open, high, low, close)` -> `HeikinAshiValue`, O(1)."""

    NAME = "HeikinAshi"
    INPUTS = ("open", "high", "low", "close")

    def __init__(self) -> None:
        super().__init__()
        self._prev: HeikinAshiValue | None = None

    def _nan_value(self) -> HeikinAshiValue:
        return HeikinAshiValue(NAN, NAN, NAN, NAN)

    def _step(self, open: float, high: float, low: float, close: float) -> HeikinAshiValue:
        ha_close = (open + high + low + close) / 4.0
        prev = self._prev
        ha_open = (open + close) / 2.0 if prev is None else (prev.open + prev.close) / 2.0
        candle = HeikinAshiValue(ha_open, max(high, ha_open, ha_close), min(low, ha_open, ha_close), ha_close)
        self._prev = candle
        return candle
