"""Indicator updates per second: the incremental classes against recomputing a window on each new candle.

Run: python benchmarks/bench_indicators.py [--json PATH] [--window 200]
For each case, on real candles (freqtrade's UNITTEST_BTC-1m), it measures
- ours: `Indicator.update(...)` once per new candle (O(1));
- numpy window: our vectorised function over the last `window` candles, once per new candle (what an
  evaluator does without incremental indicators);
- talib window: TA-Lib over the same window (the C library OctoBot uses);
and, for the warm-up, our vectorised function against TA-Lib over the whole series.
Each figure is the best of a few repeats (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import octobot_evaluators
import octobot_evaluators.indicators as ind

try:
    import talib
except ImportError:  # TA-Lib is a bench extra: without it, its column is left out
    talib = None

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("OCTOBOT_SHARED_DATA", PACKAGE_ROOT.parents[1].parent / "shared" / "data"))
REPEATS = 3


def load_candles() -> dict[str, np.ndarray]:
    path = DATA_DIR / "freqtrade" / "UNITTEST_BTC-1m.json"
    if not path.exists():
        sys.exit(f"market data not found at {path}: set OCTOBOT_SHARED_DATA to the shared data folder")
    table = np.asarray(json.loads(path.read_text()), dtype=np.float64)
    return {
        name: np.ascontiguousarray(table[:, i])
        for i, name in enumerate(("time", "open", "high", "low", "close", "volume"))
    }


def best_rate(run: Callable[[], int]) -> float:
    """Operations per second of `run` (which returns how many operations it did), best of REPEATS."""
    best = 0.0
    for _ in range(REPEATS):
        start = time.perf_counter()
        count = run()
        elapsed = time.perf_counter() - start
        best = max(best, count / elapsed)
    return best


def incremental_rate(
    factory: Callable[[], ind.Indicator], columns: list[np.ndarray], replace: bool = False
) -> float:
    rows = list(zip(*(column.tolist() for column in columns), strict=True))

    def run() -> int:
        indicator = factory()
        update = indicator.update
        if replace:  # a forming candle re-evaluated: every update replaces the previous one
            update(*rows[0])
            for row in rows:
                update(*row, replace=True)
        else:
            for row in rows:
                update(*row)
        return len(rows)

    return best_rate(run)


def window_rate(function: Callable, columns: list[np.ndarray], window: int, candles: int) -> float:
    """Recompute `function` over the last `window` candles for each of `candles` new candles."""
    length = len(columns[0])

    def run() -> int:
        for end in range(length - candles, length):
            function(*(column[end - window : end] for column in columns))
        return candles

    return best_rate(run)


def full_rate(function: Callable, columns: list[np.ndarray]) -> float:
    return best_rate(lambda: (function(*columns), len(columns[0]))[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--window", type=int, default=200, help="candles recomputed per update (default 200)")
    parser.add_argument("--candles", type=int, default=2000, help="new candles in the window cases")
    arguments = parser.parse_args()
    data = load_candles()
    h, low, c = data["high"], data["low"], data["close"]
    window = arguments.window
    cases = [
        ("RSI(14)", lambda: ind.RSI(14), [c], lambda x: ind.rsi(x, 14), (lambda x: talib.RSI(x, 14))),
        ("EMA(20)", lambda: ind.EMA(20), [c], lambda x: ind.ema(x, 20), (lambda x: talib.EMA(x, 20))),
        ("MACD(12,26,9)", ind.MACD, [c], ind.macd, (lambda x: talib.MACD(x, 12, 26, 9))),
        ("ATR(14)", lambda: ind.ATR(14), [h, low, c], ind.atr, (lambda a, b, x: talib.ATR(a, b, x, 14))),
        (
            "Bollinger(20,2)",
            lambda: ind.BollingerBands(20, 2, 2),
            [c],
            lambda x: ind.bollinger_bands(x, 20, 2, 2),
            (lambda x: talib.BBANDS(x, 20, 2, 2, 0)),
        ),
    ]
    rows = []
    for name, factory, columns, vectorised, reference in cases:
        baselines = {f"numpy window {window}": window_rate(vectorised, columns, window, arguments.candles)}
        if talib is not None:
            baselines[f"talib window {window}"] = window_rate(reference, columns, window, arguments.candles)
        rows.append(
            {
                "case": f"{name} update",
                "unit": "updates/s",
                "ours": incremental_rate(factory, columns),
                "baselines": baselines,
            }
        )
    rows.append(
        {
            "case": "RSI(14) forming-candle replace",
            "unit": "updates/s",
            "ours": incremental_rate(lambda: ind.RSI(14), [c], replace=True),
            "baselines": {f"numpy window {window}": rows[0]["baselines"][f"numpy window {window}"]},
        }
    )
    for name, _, columns, vectorised, reference in cases:
        baselines = {"talib full series": full_rate(reference, columns)} if talib is not None else {}
        rows.append(
            {
                "case": f"{name} warm-up {len(c)} candles",
                "unit": "candles/s",
                "ours": full_rate(vectorised, columns),
                "baselines": baselines,
            }
        )
    compiled = bool(getattr(octobot_evaluators, "COMPILED", False))
    print(f"octobot-evaluators indicators, compiled={compiled}, window={window}")
    print(f"{'case':44s} {'unit':>10s} {'ours':>12s}  baselines (value, ours/baseline)")
    for row in rows:
        cells = "  ".join(
            f"{key}: {value:,.0f} (x{row['ours'] / value:.3g})" for key, value in row["baselines"].items()
        )
        print(f"{row['case']:44s} {row['unit']:>10s} {row['ours']:>12,.0f}  {cells}")
    if arguments.json:
        arguments.json.write_text(
            json.dumps({"package": "octobot-evaluators", "compiled": compiled, "rows": rows}, indent=2)
        )


if __name__ == "__main__":
    main()
