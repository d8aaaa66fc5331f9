"""Portfolio value over time, for equity curves and drawdowns."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from octobot_trading.errors import InvalidTimestampError
from octobot_trading.timestamps import check_ms


@dataclass
class _Points:
    timestamps: list[int] = field(default_factory=list)
    values: list[Decimal] = field(default_factory=list)

    def decimals(self) -> list[Decimal]:
        return self.values

    def floats(self) -> np.ndarray:
        return np.array([float(value) for value in self.values], dtype=np.float64)

    def times(self) -> np.ndarray:
        return np.array(self.timestamps, dtype=np.int64)


@dataclass
class _Run:
    """Points valued ``constant + holding * price``: one price moved, nothing else did (a candle run)."""

    timestamps: np.ndarray
    constant: Decimal
    holding: Decimal
    prices: np.ndarray
    _decimals: list[Decimal] | None = None

    def decimals(self) -> list[Decimal]:
        if self._decimals is None:
            # Decimal(repr(float)): the price a candle's close becomes when it is pushed one by one;
            # map() with bound methods keeps the loop in C
            prices = map(Decimal, map(repr, self.prices.tolist()))
            self._decimals = list(map(self.constant.__add__, map(self.holding.__mul__, prices)))
        return self._decimals

    def floats(self) -> np.ndarray:
        # in floats (display and statistics): within a few ulps of float(Decimal) of each point, at a
        # thousandth of its cost (a year of 1m points: 2.5 s the exact way)
        return float(self.constant) + float(self.holding) * self.prices

    def times(self) -> np.ndarray:
        return self.timestamps


class PortfolioHistory:
    """(timestamp, value in the reference market) points, oldest first.

    Values stay Decimal; ``timestamps()``/``values()`` give numpy arrays for plotting and statistics
    (float64 values: display and indicators only, never money arithmetic). A backtest's candle run
    records its points at once (:meth:`record_run`); they become Decimals only when read as such.
    """

    def __init__(self, reference: str) -> None:
        self.reference = reference
        self._segments: list[_Points | _Run] = []
        self._count = 0
        self._last_timestamp = -1

    def record(self, timestamp: int, value: Decimal) -> None:
        """Add a point; a point at the last timestamp replaces it (several updates within one instant)."""
        ts = check_ms(timestamp)
        if not isinstance(value, Decimal):
            raise TypeError(f"portfolio value must be a Decimal, got {type(value).__name__} {value!r}")
        if self._count:
            last = self._last_timestamp
            if ts == last:
                points = self._points_tail()
                points.values[-1] = value
                return
            if ts < last:
                raise InvalidTimestampError(
                    f"portfolio history point at {ts} is older than the last one ({last}); "
                    "record in time order"
                )
        segments = self._segments
        points = segments[-1] if segments and type(segments[-1]) is _Points else None
        if points is None:
            points = _Points()
            segments.append(points)
        points.timestamps.append(ts)
        points.values.append(value)
        self._count += 1
        self._last_timestamp = ts

    def record_run(
        self, timestamps: np.ndarray, constant: Decimal, holding: Decimal, prices: np.ndarray
    ) -> None:
        """Points valued ``constant + holding * price`` at each of ``timestamps`` (strictly increasing,
        after the last point): the value of a portfolio while a single price moves."""
        times = np.asarray(timestamps, dtype=np.int64)
        if len(times) == 0:
            return
        if len(times) != len(prices):
            raise ValueError(f"record_run: {len(times)} timestamps but {len(prices)} prices")
        if int(times[0]) <= self._last_timestamp or (len(times) > 1 and not (times[1:] > times[:-1]).all()):
            raise InvalidTimestampError(
                f"portfolio history run from {int(times[0])} must be increasing and after the last point "
                f"({self._last_timestamp}); record in time order"
            )
        self._segments.append(_Run(times, constant, holding, np.asarray(prices, dtype=np.float64)))
        self._count += len(times)
        self._last_timestamp = int(times[-1])

    def _points_tail(self) -> _Points:
        """The last segment as plain points (a run ending the history is turned into points)."""
        last = self._segments[-1]
        if type(last) is _Run:
            last = _Points(last.timestamps.tolist(), list(last.decimals()))
            self._segments[-1] = last
        return last

    def __len__(self) -> int:
        return self._count

    def points(self) -> list[tuple[int, Decimal]]:
        result: list[tuple[int, Decimal]] = []
        for segment in self._segments:
            result.extend(zip(segment.times().tolist(), segment.decimals(), strict=True))
        return result

    @property
    def last(self) -> tuple[int, Decimal] | None:
        if not self._count:
            return None
        return self._last_timestamp, self._segments[-1].decimals()[-1]

    def timestamps(self) -> np.ndarray:
        if not self._segments:
            return np.array([], dtype=np.int64)
        return np.concatenate([segment.times() for segment in self._segments]).astype(np.int64)

    def values(self) -> np.ndarray:
        if not self._segments:
            return np.array([], dtype=np.float64)
        return np.concatenate([segment.floats() for segment in self._segments])

    def max_drawdown_percent(self) -> Decimal:
        """Largest fall from a peak to a later trough, in percent of the peak (0 when it never fell)."""
        peak: Decimal | None = None
        worst = Decimal(0)
        for segment in self._segments:
            for value in segment.decimals():
                if peak is None or value > peak:
                    peak = value
                elif peak > 0:
                    drawdown = (peak - value) / peak * 100
                    if drawdown > worst:
                        worst = drawdown
        return worst
