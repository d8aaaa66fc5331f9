"""Candle buffer throughput: append one closed candle, then read the last 200 closes (what an indicator does
on every candle), versus the baseline a naive bot uses: a ``collections.deque`` of candle tuples turned into
a numpy array on each read.

Run: ``python benchmarks/bench_candles.py`` (pure or compiled build, whichever is importable; it says which).
Real candles: ``$OCTOBOT_SHARED_DATA/freqtrade/UNITTEST_BTC-1m.json`` (13,681 candles), replayed 10 times.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from pathlib import Path

import numpy as np

import octobot_trading as ot

WINDOW = 200
MAX_SIZE = 1000
REPEAT = 10

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def load_candles() -> list[tuple[int, float, float, float, float, float]]:
    path = DATA / "freqtrade" / "UNITTEST_BTC-1m.json"
    if not path.exists():
        raise SystemExit(f"benchmark data not found at {path}; set OCTOBOT_SHARED_DATA")
    rows = json.loads(path.read_text())
    return [(int(r[0]), float(r[1]), float(r[2]), float(r[3]), float(r[4]), float(r[5])) for r in rows]


def run_buffer(candles: list) -> float:
    start = time.perf_counter()
    checksum = 0.0
    for _ in range(REPEAT):
        buffer = ot.CandleBuffer("UNITTEST/BTC", "1m", max_size=MAX_SIZE)
        for ts, o, h, low, c, v in candles:
            buffer.append(ts, o, h, low, c, v)
            checksum += buffer.closes(WINDOW)[-1]
    elapsed = time.perf_counter() - start
    assert checksum > 0
    return elapsed


def run_deque(candles: list) -> float:
    start = time.perf_counter()
    checksum = 0.0
    for _ in range(REPEAT):
        window: deque = deque(maxlen=MAX_SIZE)
        for candle in candles:
            window.append(candle)
            tail = list(window)[-WINDOW:]
            closes = np.fromiter((row[4] for row in tail), dtype=np.float64, count=len(tail))
            checksum += closes[-1]
    elapsed = time.perf_counter() - start
    assert checksum > 0
    return elapsed


def run_append_only(candles: list) -> tuple[float, float]:
    start = time.perf_counter()
    for _ in range(REPEAT):
        buffer = ot.CandleBuffer("UNITTEST/BTC", "1m", max_size=MAX_SIZE)
        for ts, o, h, low, c, v in candles:
            buffer.append(ts, o, h, low, c, v)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(REPEAT):
        window: deque = deque(maxlen=MAX_SIZE)
        for candle in candles:
            window.append(candle)
    return ours, time.perf_counter() - start


def main() -> None:
    candles = load_candles()
    n = len(candles) * REPEAT
    ours = run_buffer(candles)
    baseline = run_deque(candles)
    append_ours, append_base = run_append_only(candles)
    print(f"octobot_trading.COMPILED = {ot.COMPILED}; {n:,} candles, window {WINDOW}, max_size {MAX_SIZE}")
    print(f"{'case':<36}{'ours (us/candle)':>18}{'baseline (us/candle)':>22}{'speed-up':>10}")
    rows = [
        ("append + last-200 closes view", ours, baseline),
        ("append only (vs deque.append)", append_ours, append_base),
    ]
    for name, mine, base in rows:
        print(f"{name:<36}{mine / n * 1e6:>18.3f}{base / n * 1e6:>22.3f}{base / mine:>9.2f}x")


if __name__ == "__main__":
    main()
