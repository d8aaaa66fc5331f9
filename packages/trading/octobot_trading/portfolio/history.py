"""Portfolio value over time, for equity curves and drawdowns (live and paper trading; a backtest values
its curve at once from its holdings and prices: see `octobot_trading.portfolio.equity`)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from octobot_trading.errors import InvalidTimestampError
from octobot_trading.timestamps import check_ms


class PortfolioHistory:
    """(timestamp, value in the reference market) points, oldest first.

    Values stay Decimal; ``timestamps()``/``values()`` give numpy arrays for plotting and statistics
    (float64 values: display and indicators only, never money arithmetic).
    """

    def __init__(self, reference: str) -> None:
        self.reference = reference
        self._timestamps: list[int] = []
        self._values: list[Decimal] = []

    def record(self, timestamp: int, value: Decimal) -> None:
        """Add a point; a point at the last timestamp replaces it (several updates within one instant)."""
        ts = check_ms(timestamp)
        if not isinstance(value, Decimal):
            raise TypeError(f"portfolio value must be a Decimal, got {type(value).__name__} {value!r}")
        if self._timestamps:
            last = self._timestamps[-1]
            if ts == last:
                self._values[-1] = value
                return
            if ts < last:
                raise InvalidTimestampError(
                    f"portfolio history point at {ts} is older than the last one ({last}); "
                    "record in time order"
                )
        self._timestamps.append(ts)
        self._values.append(value)

    def __len__(self) -> int:
        return len(self._timestamps)

    def points(self) -> list[tuple[int, Decimal]]:
        return list(zip(self._timestamps, self._values, strict=True))

    @property
    def last(self) -> tuple[int, Decimal] | None:
        if not self._timestamps:
            return None
        return self._timestamps[-1], self._values[-1]

    def timestamps(self) -> np.ndarray:
        return np.array(self._timestamps, dtype=np.int64)

    def values(self) -> np.ndarray:
        return np.array([float(value) for value in self._values], dtype=np.float64)

    def max_drawdown_percent(self) -> Decimal:
        """Largest fall from a peak to a later trough, in percent of the peak (0 when it never fell)."""
        peak: Decimal | None = None
        worst = Decimal(0)
        for value in self._values:
            if peak is None or value > peak:
                peak = value
            elif peak > 0:
                drawdown = (peak - value) / peak * 100
                if drawdown > worst:
                    worst = drawdown
        return worst
