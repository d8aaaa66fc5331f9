"""Where the replayed candles come from: any candle file the bot reads, through octobot-backtesting's
readers (its own ``.sqlite``/``.data`` files, OctoBot ``.data`` files, freqtrade-style CSV and JSON), or an
(n, 6) array given by the caller.

Why no reader here: one reader per format, in the package that owns data files, so that the emulator
replays exactly the candles a backtest of the same file would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

import octobot_backtesting as ob
from octobot_exchange_emulator.errors import EmulatorDataError
from octobot_trading import (
    ALL_TIME_FRAMES,
    InvalidSymbolError,
    TimeFrame,
    UnknownTimeFrameError,
    normalize_symbol,
    parse_time_frame,
)

#: suffixes of the text formats, whose series are named by the file name (or by the caller)
_TEXT_SUFFIXES = (".csv", ".json", ".txt")
_FORMATS = "a data file (.sqlite/.data), an OctoBot .data file or a freqtrade-style .csv/.json file"


@dataclass(frozen=True)
class PriceSeries:
    """The candles of one symbol to replay; ``time_frame`` is None for an array (inferred later)."""

    symbol: str
    time_frame: TimeFrame | None
    candles: np.ndarray


def read_price_series(
    path: str | Path,
    symbol: str | None = None,
    time_frame: str | TimeFrame | None = None,
    timestamp_unit: str = "ms",
) -> PriceSeries:
    """The candles of ``symbol`` in ``path`` (any format the bot reads).

    A data file may hold many series: ``symbol`` chooses one (optional when it holds one symbol), and
    ``time_frame`` one of its time frames (default: the shortest, from which longer klines are built).
    A CSV/JSON file holds one series: its name tells the symbol and time frame (``ETH_BTC-5m.csv``);
    ``symbol``/``time_frame`` name it otherwise, and the time frame is inferred from the candles when
    neither the name nor the caller tells it.
    """
    path = Path(path)
    if not path.is_file():
        raise EmulatorDataError(f"candle file {path} does not exist: pass {_FORMATS}")
    wanted = _checked_symbol(symbol)
    frame = _checked_time_frame(time_frame)
    is_text = path.suffix.lower() in _TEXT_SUFFIXES
    try:
        if is_text and frame is None:
            frame = _text_time_frame(path, timestamp_unit)
        read = ob.read_candle_files(
            path,
            symbol=wanted if is_text else None,
            time_frame=frame.value if is_text and frame is not None else None,
            timestamp_unit=timestamp_unit,
        )
    except (ob.BacktestingError, ValueError) as error:
        raise EmulatorDataError(f"{path}: cannot read candles ({error})") from None
    found = sorted(read.series)
    matching = [key for key in found if (wanted is None or key[0] == wanted)]
    if frame is not None:
        matching = [key for key in matching if key[1] == frame.value]
    symbols = sorted({key[0] for key in matching})
    if not matching or len(symbols) > 1:
        held = ", ".join(f"{s} {tf}" for s, tf in found) or "no candles"
        need = "choose one symbol" if len(symbols) > 1 else f"it has no {wanted or ''} {frame or ''} candles"
        raise EmulatorDataError(f"{path} holds {held}; {' '.join(need.split())}")
    key = min(matching, key=lambda item: parse_time_frame(item[1]).ms)
    return PriceSeries(key[0], parse_time_frame(key[1]), check_candles(read.series[key], f"{path} {key[0]}"))


def load_candles(
    path: str | Path, symbol: str | None = None, time_frame: str | TimeFrame | None = None
) -> np.ndarray:
    """An (n, 6) float64 array [open time ms, o, h, l, c, v] sorted by time (see ``read_price_series``)."""
    return read_price_series(path, symbol, time_frame).candles


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
    for frame in ALL_TIME_FRAMES:
        if frame.ms == gap:
            return frame
    raise EmulatorDataError(f"candles {gap} ms apart match no time frame: pass time_frame=")


def _checked_symbol(symbol: str | None) -> str | None:
    if symbol is None:
        return None
    try:
        return normalize_symbol(symbol)
    except InvalidSymbolError as error:
        raise EmulatorDataError(str(error)) from None


def _checked_time_frame(time_frame: str | TimeFrame | None) -> TimeFrame | None:
    if time_frame is None or isinstance(time_frame, TimeFrame):
        return time_frame
    try:
        return parse_time_frame(time_frame)
    except (UnknownTimeFrameError, ValueError) as error:
        raise EmulatorDataError(str(error)) from None


def _text_time_frame(path: Path, timestamp_unit: str) -> TimeFrame | None:
    """The time frame a text file's name tells; otherwise the one its candles are spaced by."""
    try:
        return parse_time_frame(ob.parse_candle_file_name(path)[1])
    except ob.BacktestingError:
        pass
    reader = ob.read_json_candles if path.suffix.lower() == ".json" else ob.read_csv_candles
    return infer_time_frame(check_candles(reader(path, timestamp_unit=timestamp_unit), str(path)))
