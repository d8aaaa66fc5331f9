# cython: boundscheck=False, wraparound=False, cdivision=True
"""Wilder's smoothing of an RSI over a run of candles, in one loop (compiled when built with Cython).

Why a module of its own: a backtest evaluates runs of closed candles ahead (see octobot's candle runs);
the recursion cannot be vectorised by numpy, and compiled it costs a few nanoseconds per candle. The
arithmetic is exactly `RSI._step`'s, so both give the same floats to the last bit (the build turns off
floating-point contraction for that).
"""

from __future__ import annotations

import cython
import numpy as np


def wilder_rsi(
    gains: np.ndarray, losses: np.ndarray, gain: float, loss: float, period: int, flat: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(RSI values, smoothed gains, smoothed losses) after each of ``gains``/``losses`` (float64 arrays of
    the same length), starting from the smoothed ``gain`` and ``loss``; ``flat`` is the RSI of no move."""
    count = gains.shape[0]
    values = np.empty(count, dtype=np.float64)
    gain_states = np.empty(count, dtype=np.float64)
    loss_states = np.empty(count, dtype=np.float64)
    if cython.compiled:
        _fill(gains, losses, gain, loss, period, flat, values, gain_states, loss_states)
        return values, gain_states, loss_states
    keep = period - 1
    out: list[float] = []
    gain_list: list[float] = []
    loss_list: list[float] = []
    for up, down in zip(gains.tolist(), losses.tolist(), strict=True):
        gain = (gain * keep + up) / period
        loss = (loss * keep + down) / period
        gain_list.append(gain)
        loss_list.append(loss)
        total = gain + loss
        out.append(100.0 * (gain / total) if total != 0.0 else flat)
    values[:] = out
    gain_states[:] = gain_list
    loss_states[:] = loss_list
    return values, gain_states, loss_states


def _fill(gains, losses, gain, loss, period, flat, values, gain_states, loss_states) -> None:
    # the compiled loop (typed in the .pxd); never called by the pure build
    keep = period - 1
    for index in range(gains.shape[0]):
        gain = (gain * keep + gains[index]) / period
        loss = (loss * keep + losses[index]) / period
        gain_states[index] = gain
        loss_states[index] = loss
        total = gain + loss
        values[index] = 100.0 * (gain / total) if total != 0.0 else flat
