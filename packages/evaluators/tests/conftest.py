"""Shared helpers of the octobot_evaluators tests: real market data and small candle utilities."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from octobot_trading import CandleBuffer

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def load_csv(name: str) -> np.ndarray:
    """An (n, 6) array [timestamp ms, open, high, low, close, volume] of a freqtrade CSV, or skip."""
    path = SHARED_DATA / "freqtrade" / name
    if not path.exists():
        pytest.skip(f"real market data {path} is absent (set OCTOBOT_SHARED_DATA to the shared data folder)")
    return np.loadtxt(path, delimiter=",", skiprows=1)


def resample(candles: np.ndarray, period_ms: int) -> np.ndarray:
    """Aggregate candles into ``period_ms`` candles on the epoch grid (5m -> 1h), complete groups only."""
    step = int(candles[1, 0] - candles[0, 0])
    groups = (candles[:, 0] // period_ms).astype(np.int64)
    keys, starts, counts = np.unique(groups, return_index=True, return_counts=True)
    complete = counts == period_ms // step
    rows = []
    for key, first, count in zip(keys[complete], starts[complete], counts[complete], strict=True):
        group = candles[first : first + count]
        high, low, volume = group[:, 2].max(), group[:, 3].min(), group[:, 5].sum()
        rows.append([key * period_ms, group[0, 1], high, low, group[-1, 4], volume])
    return np.array(rows, dtype=np.float64)


class Buffers:
    """Candle buffers by (symbol, time frame): the candle source evaluators read in tests."""

    def __init__(self) -> None:
        self.buffers: dict[tuple[str, str], CandleBuffer] = {}

    def __call__(self, symbol: str, time_frame: str) -> CandleBuffer:
        key = (symbol, time_frame)
        if key not in self.buffers:
            self.buffers[key] = CandleBuffer(symbol, time_frame, max_size=2000)
        return self.buffers[key]


@pytest.fixture
def buffers() -> Buffers:
    return Buffers()
