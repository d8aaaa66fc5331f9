# cython: annotation_typing=False
"""Ring buffer of the last N inputs with running sums: what makes SMA, WMA, stdev and regression O(1).

Running sums drift as values enter and leave; the window recomputes them exactly (``math.fsum``) each
time it wraps around, so the drift never exceeds one window's worth of rounding: O(1) amortised, and the
incremental values stay within 1e-9 of the vectorised ones however long the bot runs.
"""

from __future__ import annotations

import math


class RollingWindow:
    """The last `size` values, oldest first, with their sum, weighted sum and shifted squares.

    `weighted_total` is sum((i + 1) * x_i) with i = 0 for the oldest value (the WMA numerator).
    The squares are kept around a reference close to recent values (`_ref`), so the variance does not
    lose its digits to the mean when prices are large (the E[x^2] - E[x]^2 cancellation).

    ``total_only=True``: a window whose owner reads only `total` (an SMA) or the values themselves
    (`ago`, `max`, `min`) keeps no weighted sum and no squares (`weighted_total` stays 0 and `variance`
    means nothing): its push and its resync at each wrap do a third of the work. `total` is computed
    exactly as in a full window.
    """

    def __init__(self, size: int, *, total_only: bool = False) -> None:
        self.size = size
        self.total_only = total_only
        self._buf = [0.0] * size
        self._pos = 0  # next slot to write, also the oldest value once full
        self.count = 0
        self.total = 0.0
        self.weighted_total = 0.0
        self._ref = 0.0
        self._s1 = 0.0
        self._s2 = 0.0
        self._keep()  # the kept fields exist from the start (typed fields in the compiled build)

    def push(self, value: float) -> None:
        size = self.size
        pos = self._pos
        if self.total_only:
            if self.count < size:
                self.count += 1
                self.total += value
            else:
                old = self._buf[pos]  # a C double when compiled: no float object for the difference
                self.total += value - old
            self._buf[pos] = value
            pos += 1
            if pos == size:  # a wrap: the buffer is full and in order
                pos = 0
                self.total = math.fsum(self._buf)
            self._pos = pos
            return
        delta = value - self._ref
        if self.count < size:
            self.count += 1
            self.total += value
            self.weighted_total += self.count * value
        else:
            old = self._buf[pos]
            self.weighted_total += size * value - self.total
            self.total += value - old
            old_delta = old - self._ref
            self._s1 -= old_delta
            self._s2 -= old_delta * old_delta
        self._s1 += delta
        self._s2 += delta * delta
        self._buf[pos] = value
        pos += 1
        if pos == size:
            pos = 0
            self._resync(value)
        self._pos = pos

    def _resync(self, ref: float) -> None:
        """Exact sums from the buffer (called once per wrap, when the buffer is full and in order)."""
        buf = self._buf
        self.total = math.fsum(buf)
        self.weighted_total = math.fsum([(i + 1) * v for i, v in enumerate(buf)])
        self._ref = ref
        deltas = [v - ref for v in buf]
        self._s1 = math.fsum(deltas)
        self._s2 = math.fsum([d * d for d in deltas])

    @property
    def full(self) -> bool:
        return self.count == self.size

    def mean(self) -> float:
        return self.total / self.count

    def variance(self) -> float:
        """Population variance (TA-Lib's STDDEV and BBANDS divide by N)."""
        n = self.count
        mean_delta = self._s1 / n
        variance = self._s2 / n - mean_delta * mean_delta
        return variance if variance > 0.0 else 0.0

    def max(self) -> float:
        return max(self._buf) if self.count == self.size else max(self._buf[: self.count])

    def min(self) -> float:
        return min(self._buf) if self.count == self.size else min(self._buf[: self.count])

    def ago(self, candles: int) -> float:
        """The value `candles` pushes ago (0 is the newest); the caller checks `count > candles`."""
        return self._buf[(self._pos - 1 - candles) % self.size]

    def _keep(self) -> None:
        """Copy aside what `push` changes (the undo of an indicator's update; no object made when
        compiled): the slot it overwrites and the sums. `_rewind` puts them back."""
        pos = self._pos
        self._kept_pos = pos
        self._kept_slot = self._buf[pos]
        self._kept_count = self.count
        self._kept_total = self.total
        self._kept_weighted_total = self.weighted_total
        self._kept_ref = self._ref
        self._kept_s1 = self._s1
        self._kept_s2 = self._s2

    def _rewind(self) -> None:
        pos = self._kept_pos
        self._buf[pos] = self._kept_slot
        self._pos = pos
        self.count = self._kept_count
        self.total = self._kept_total
        self.weighted_total = self._kept_weighted_total
        self._ref = self._kept_ref
        self._s1 = self._kept_s1
        self._s2 = self._kept_s2

    def _snapshot(self) -> tuple:
        pos = self._pos
        return (
            pos,
            self._buf[pos],
            self.count,
            self.total,
            self.weighted_total,
            self._ref,
            self._s1,
            self._s2,
        )

    def _restore(self, snapshot: tuple) -> None:
        pos, slot, self.count, self.total, self.weighted_total, self._ref, self._s1, self._s2 = snapshot
        self._buf[pos] = slot
        self._pos = pos
