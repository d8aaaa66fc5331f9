"""Candles read per second from a data file, against reading the same candles from CSV.

Run: ``python benchmarks/bench_datafile.py [--json PATH] [--quick]``.

Cases:
- one freqtrade file (ETH_BTC-5m, 5,760 candles) and all fourteen freqtrade CSV files (about 71,000
  candles), from the shared real data (``OCTOBOT_SHARED_DATA``, default ``<repo>/../shared/data``);
- one year of 1m candles (525,600, synthetic random walk), to show a long series.

``ours``: ``DataFileReader.read_ohlcv`` (SQLite through the stdlib sqlite3 module, into an (n, 6) float64
array), the file opened in each repetition. Baselines, measured in the same run on the same candles, each
also ending with an (n, 6) float64 array: the ``csv`` module (+ ``float()`` and ``numpy.array``) and
``numpy.loadtxt``. Best of N repetitions.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

try:
    import octobot_backtesting as ob
except ImportError:  # running from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import octobot_backtesting as ob

REPO_ROOT = Path(__file__).resolve().parents[3]
CSV_MODULE = "csv module"
LOADTXT = "numpy.loadtxt"


def shared_data() -> Path:
    return Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def best_rate(read: Callable[[], int], repeats: int) -> float:
    """Candles per second of the fastest of ``repeats`` runs."""
    best = float("inf")
    candles = 0
    for _ in range(repeats):
        start = time.perf_counter()
        candles = read()
        best = min(best, time.perf_counter() - start)
    return candles / best


def read_with_csv_module(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        with path.open(newline="") as file:
            reader = csv.reader(file)
            next(reader)
            array = np.array([[float(value) for value in row] for row in reader], dtype=np.float64)
        total += len(array)
    return total


def read_with_loadtxt(paths: list[Path]) -> int:
    return sum(len(np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)) for path in paths)


def read_data_file(path: Path, series: list[tuple[str, str]]) -> int:
    with ob.DataFileReader(path) as reader:
        return sum(len(reader.read_ohlcv(symbol, time_frame)) for symbol, time_frame in series)


def synthetic_year(folder: Path) -> Path:
    """One year of 1m candles as a freqtrade-style CSV."""
    count = 525_600
    rng = np.random.default_rng(7)
    closes = 30_000 * np.exp(np.cumsum(rng.normal(0, 0.001, count)))
    opens = np.concatenate(([30_000.0], closes[:-1]))
    highs = np.maximum(opens, closes) * (1 + rng.uniform(0, 0.001, count))
    lows = np.minimum(opens, closes) * (1 - rng.uniform(0, 0.001, count))
    times = 1_672_531_200_000 + 60_000 * np.arange(count)
    path = folder / "BTC_USDT-1m.csv"
    with path.open("w") as file:
        file.write("timestamp,open,high,low,close,volume\n")
        for row in zip(
            times.tolist(),
            opens.tolist(),
            highs.tolist(),
            lows.tolist(),
            closes.tolist(),
            rng.uniform(1, 100, count).tolist(),
            strict=True,
        ):
            file.write(",".join(map(repr, row)) + "\n")
    return path


def run_case(name: str, csv_paths: list[Path], folder: Path, repeats: int) -> dict:
    data_file = folder / f"{name}.data"
    report = ob.import_files(csv_paths, data_file, exchange="binance", overwrite=True)
    series = sorted(report.series)
    ours = best_rate(lambda: read_data_file(data_file, series), repeats)
    baselines = {
        CSV_MODULE: best_rate(lambda: read_with_csv_module(csv_paths), repeats),
        LOADTXT: best_rate(lambda: read_with_loadtxt(csv_paths), repeats),
    }
    candles = sum(report.series.values())
    return {
        "case": f"read {name} ({candles:,} candles)",
        "unit": "candles/s",
        "ours": ours,
        "baselines": baselines,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, no one-year case")
    args = parser.parse_args()
    repeats = 2 if args.quick else 5
    freqtrade = shared_data() / "freqtrade"
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        if freqtrade.is_dir():
            rows.append(run_case("ETH_BTC-5m", [freqtrade / "ETH_BTC-5m.csv"], folder, repeats))
            rows.append(run_case("all freqtrade CSVs", sorted(freqtrade.glob("*.csv")), folder, repeats))
        else:
            print(f"(real data not found at {freqtrade}: set OCTOBOT_SHARED_DATA; real-data cases skipped)")
        if not args.quick:
            rows.append(run_case("one year of 1m", [synthetic_year(folder)], folder, max(1, repeats // 2)))
    print_table(rows)
    if args.json:
        args.json.write_text(
            json.dumps({"package": "octobot-backtesting", "compiled": ob.COMPILED, "rows": rows}, indent=2)
        )


def print_table(rows: list[dict]) -> None:
    build = "compiled" if ob.COMPILED else "pure Python"
    print(f"octobot-backtesting {build} build; candles per second, best run")
    header = f"{'case':<42} {'ours':>12} {CSV_MODULE:>12} {'ratio':>6} {LOADTXT:>14} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for row in rows:
        by_csv, by_loadtxt = row["baselines"][CSV_MODULE], row["baselines"][LOADTXT]
        print(
            f"{row['case']:<42} {row['ours']:>12,.0f} {by_csv:>12,.0f} {row['ours'] / by_csv:>6.2f} "
            f"{by_loadtxt:>14,.0f} {row['ours'] / by_loadtxt:>6.2f}"
        )


if __name__ == "__main__":
    main()
