# cython: annotation_typing=False
"""The recursions numpy cannot vectorise (EMA, Wilder), as tight loops over Python floats.

They use exactly the arithmetic of the incremental classes, so both forms agree to the last bits.
About 0.1 microsecond per value: a warm-up over a few thousand candles costs well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from octobot_evaluators.indicators._inputs import nans


def ema_tail(values: np.ndarray, alpha: float, seed: float) -> list[float]:
    """EMA values after `seed`, one per element of `values` (TA-Lib's form: prev + alpha * (x - prev))."""
    out: list[float] = []
    append = out.append
    prev = seed
    for value in values.tolist():
        prev = (value - prev) * alpha + prev
        append(prev)
    return out


def wilder_tail(values: np.ndarray, period: int, seed: float) -> list[float]:
    """Wilder smoothing after `seed` (TA-Lib's form: (prev * (n - 1) + x) / n)."""
    out: list[float] = []
    append = out.append
    prev = seed
    keep = period - 1
    for value in values.tolist():
        prev = (prev * keep + value) / period
        append(prev)
    return out


def seed_sum(values: np.ndarray) -> float:
    """A left-to-right sum, as TA-Lib and the incremental classes add their seed values."""
    total = 0.0
    for value in values.tolist():
        total += value
    return total


def ema_series(values: np.ndarray, period: int) -> np.ndarray:
    """TA-Lib EMA of a NaN-free array: the SMA of the first `period` values seeds the recursion."""
    out = nans(len(values))
    if len(values) < period:
        return out
    seed = seed_sum(values[:period]) / period
    out[period - 1] = seed
    out[period:] = ema_tail(values[period:], 2.0 / (period + 1), seed)
    return out


def on_tail(function: Callable[..., np.ndarray], values: np.ndarray, start: int, *args: Any) -> np.ndarray:
    """`function` applied to `values[start:]` (the valid part of a series), placed back at `start`."""
    out = nans(len(values))
    if start < len(values):
        out[start:] = function(values[start:], *args)
    return out
