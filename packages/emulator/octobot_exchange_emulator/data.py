"""Reading a recorded price path: freqtrade's CSV (``timestamp,open,high,low,close,volume``) or JSON
(``[[ts_ms, o, h, l, c, v], ...]``) candle files, or an (n, 6) array.

Why here and not octobot_backtesting's importers: octobot_trading is the lower package and must not
import it; these two formats need nothing but numpy.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from octobot_exchange_emulator.errors import EmulatorDataError
from octobot_trading.time_frames import ALL_TIME_FRAMES, TimeFrame

logger = logging.getLogger(__name__)


def load_candles(path: str | Path) -> np.ndarray:
    """An (n, 6) float64 array [open time ms, o, h, l, c, v] sorted by time from a .csv or .json file."""
    path = Path(path)
    if not path.is_file():
        raise EmulatorDataError(f"candle file {path} does not exist: pass a freqtrade .csv or .json file")
    try:
        if path.suffix.lower() == ".json":
            array = np.asarray(json.loads(path.read_text()), dtype=np.float64)
        elif path.suffix.lower() == ".csv":
            array = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
        else:
            raise EmulatorDataError(f"{path}: unknown candle file type; use a .csv or .json file")
    except (ValueError, json.JSONDecodeError) as error:
        raise EmulatorDataError(f"{path}: cannot read candles ({error})") from error
    return check_candles(array, str(path))


def check_candles(candles: np.ndarray, what: str = "candles") -> np.ndarray:
    """Validated copy sorted by open time; refuses NaN, non-positive prices and duplicate times."""
    array = np.array(candles, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] < 6 or len(array) == 0:
        raise EmulatorDataError(f"{what}: need a non-empty (n, 6) array, got shape {array.shape}")
    array = array[:, :6]
    if not np.isfinite(array).all():
        raise EmulatorDataError(f"{what}: NaN or infinite values; clean the file first")
    if (array[:, 1:5] <= 0).any():
        raise EmulatorDataError(f"{what}: prices must be positive")
    array = array[np.argsort(array[:, 0], kind="stable")]
    if (np.diff(array[:, 0]) <= 0).any():
        raise EmulatorDataError(f"{what}: duplicate candle open times")
    return array


def infer_time_frame(candles: np.ndarray) -> TimeFrame:
    """The time frame whose duration is the most common gap between candles."""
    if len(candles) < 2:
        raise EmulatorDataError("cannot infer the time frame of a single candle: pass time_frame=")
    gaps, counts = np.unique(np.diff(candles[:, 0]).astype(np.int64), return_counts=True)
    gap = int(gaps[np.argmax(counts)])
    for time_frame in ALL_TIME_FRAMES:
        if time_frame.ms == gap:
            return time_frame
    raise EmulatorDataError(f"candles {gap} ms apart match no time frame: pass time_frame=")
