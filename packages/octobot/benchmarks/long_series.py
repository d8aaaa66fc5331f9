"""Long candle series for the full-chain benchmark, built only from real recorded candles.

The longest real 1m series in the shared data hold about 13,000 candles. A year of 1m candles (525,600) is
built by chaining the real 1m series end to end, again and again: each segment is rescaled so that its
first open equals the previous segment's last close (prices are multiplied, volumes kept), and open times
are renumbered on a contiguous 1m grid. Every candle's shape (its returns, range and volume) is real.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

import octobot_backtesting as ob

MINUTE_MS = 60_000
YEAR_OF_MINUTES = 365 * 24 * 60
START_MS = 1_577_836_800_000  # 2020-01-01T00:00:00Z


def shared_data_folder() -> Path:
    default = Path(__file__).resolve().parents[3].parent / "shared" / "data"
    return Path(os.environ.get("OCTOBOT_SHARED_DATA", default))


def real_one_minute_series(data: Path | None = None) -> list[tuple[str, np.ndarray]]:
    """The real 1m series of the shared data, each sorted by open time without duplicates."""
    data = data or shared_data_folder()
    series = [
        ("freqtrade UNITTEST/BTC 1m", ob.read_json_candles(data / "freqtrade" / "UNITTEST_BTC-1m.json")),
        ("freqtrade XRP/ETH 1m", ob.read_csv_candles(data / "freqtrade" / "XRP_ETH-1m.csv")),
    ]
    for file_name, symbol in (
        ("AbstractExchangeHistoryCollector_1581775117.1713624.data", "ADA/BTC"),
        ("AbstractExchangeHistoryCollector_1581775149.6372743.data", "XRP/BTC"),
    ):
        reader = ob.OctoBotFileReader(data / "octobot" / file_name)
        series.append((f"bittrex {symbol} 1m", reader.read(symbol, "1m")))
    cleaned = []
    for name, candles in series:
        _, first_rows = np.unique(candles[:, 0], return_index=True)
        cleaned.append((name, candles[np.sort(first_rows)]))
    return cleaned


def chained_series(count: int, data: Path | None = None, variant: int = 0) -> np.ndarray:
    """``count`` contiguous 1m candles chained from the real series (see the module docstring).

    ``variant`` k > 0 gives another series of the same real candles (for several pairs): the real
    series are chained from the k-th one on, the first one entered ``k * 997`` candles in.
    """
    segments = [candles for _, candles in real_one_minute_series(data)]
    segments = segments[variant % len(segments) :] + segments[: variant % len(segments)]
    segments[0] = segments[0][(variant * 997) % (len(segments[0]) // 2) :]
    parts: list[np.ndarray] = []
    built = 0
    last_close = float(segments[0][0, 4])
    index = 0
    while built < count:
        segment = segments[index % len(segments)][: count - built].copy()
        segment[:, 1:5] *= last_close / segment[0, 1]
        last_close = float(segment[-1, 4])
        parts.append(segment)
        built += len(segment)
        index += 1
    candles = np.concatenate(parts)
    candles[:, 0] = START_MS + MINUTE_MS * np.arange(len(candles), dtype=np.float64)
    return candles


def pair_series(pairs: list[str], count: int, data: Path | None = None) -> dict[str, np.ndarray]:
    """One chained series of ``count`` candles per pair, each a different variant (see `chained_series`);
    the first pair's is ``chained_series(count)``."""
    return {pair: chained_series(count, data, variant=index) for index, pair in enumerate(pairs)}


def year_of_one_minute_candles(data: Path | None = None) -> np.ndarray:
    return chained_series(YEAR_OF_MINUTES, data)


if __name__ == "__main__":
    year = year_of_one_minute_candles()
    print(f"{len(year):,} candles, close {year[0, 4]:.8g} -> {year[-1, 4]:.8g}")
