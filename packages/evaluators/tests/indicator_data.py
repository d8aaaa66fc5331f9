"""Real candles for the indicator tests, read from the shared data folder (never copied into the repo).

A helper module rather than conftest.py fixtures: the tests import it relatively (the tests folder is a
package), and conftest.py stays free for the rest of the package's tests.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))

#: Files used by the tests: a long 1m altcoin/BTC series with flat stretches, a 5m series, a futures one.
DATASETS = (
    "freqtrade/UNITTEST_BTC-1m.json",
    "freqtrade/ETH_BTC-5m.csv",
    "freqtrade/XRP_USDT_USDT-5m-futures.csv",
)


class Candles(NamedTuple):
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray


def load_candles(name: str) -> Candles:
    """Candles of one shared data file, skipping the test when the shared data is absent."""
    path = DATA_DIR / name
    if not path.exists():
        pytest.skip(f"shared market data not found at {path} (set OCTOBOT_SHARED_DATA to the data folder)")
    if path.suffix == ".json":
        rows = json.loads(path.read_text())
    else:
        with path.open(newline="") as file:
            reader = csv.reader(file)
            next(reader)
            rows = [[float(field) for field in row] for row in reader]
    table = np.asarray(rows, dtype=np.float64)
    return Candles(*(np.ascontiguousarray(table[:, column]) for column in range(1, 6)))


def assert_series_match(ours: np.ndarray, reference: np.ndarray, label: str, tolerance: float = 1e-9) -> None:
    """Same warm-up (NaN at the same places) and values within `tolerance`, relative to each value or,
    for values near zero (oscillators crossing zero), to the scale of the whole series."""
    ours = np.asarray(ours, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    assert ours.shape == reference.shape, f"{label}: shape {ours.shape} != {reference.shape}"
    ours_nan, reference_nan = np.isnan(ours), np.isnan(reference)
    if not np.array_equal(ours_nan, reference_nan):
        first = int(np.flatnonzero(ours_nan != reference_nan)[0])
        raise AssertionError(
            f"{label}: warm-up differs first at index {first}: {ours[first]} vs {reference[first]}"
        )
    valid = ~reference_nan
    assert valid.any(), f"{label}: nothing to compare (all NaN)"
    scale = float(np.max(np.abs(reference[valid])))
    np.testing.assert_allclose(
        ours[valid], reference[valid], rtol=tolerance, atol=tolerance * scale, err_msg=label
    )
