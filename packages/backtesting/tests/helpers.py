"""Helpers shared by the octobot backtesting tests (imported relatively: the tests folder is a package)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[3]


def shared_data_folder() -> Path:
    return Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def make_candles(start_ms: int, step_ms: int, count: int, seed: int = 0) -> np.ndarray:
    """A consistent random-walk series: low <= open, close <= high, positive prices and volumes."""
    rng = np.random.default_rng(seed)
    closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, count)))
    opens = np.concatenate(([100.0], closes[:-1]))
    highs = np.maximum(opens, closes) * (1 + rng.uniform(0, 0.01, count))
    lows = np.minimum(opens, closes) * (1 - rng.uniform(0, 0.01, count))
    volumes = rng.uniform(1, 1000, count)
    times = start_ms + step_ms * np.arange(count)
    return np.column_stack((times, opens, highs, lows, closes, volumes))
