"""Evaluations published into the matrix and delivered to a consumer per second, against a plain dict.

Run: ``python benchmarks/bench_matrix.py [--json PATH] [--quick]``.

Cases (each evaluation is validated, stored with its freshness window and, for publish, announced on the
Matrix channel to one consumer, as a strategy subscribes):
- write only: ``EvaluationMatrix.write`` (validate + store) vs a dict write;
- publish+notify, synchronized (backtesting): ``publish`` then the synchronizer drains the consumer, one
  evaluation per step, vs a dict write + a direct ``await callback(message)``;
- publish+notify, normal (live): ``publish`` with the consumer in its own task, everything sent then
  waited for, vs the same dict write + direct callback;
- cycle check: ``is_cycle_complete`` for 2 time frames x 2 evaluators vs a loop over a dict of 4 values.

The baseline is the least any matrix can do (no validation, no freshness, no filters, no queue).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

try:
    import octobot_evaluators as oe
except ImportError:  # running from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import octobot_evaluators as oe

import octobot_channel as oc

H = 3_600_000
T0 = 1_700_000_000_000 - 1_700_000_000_000 % H
NAMES = ("rsi", "dma", "macd", "bb")
TIME_FRAMES = ("5m", "1h")


def keys() -> list[oe.MatrixKey]:
    return [
        oe.MatrixKey("binance", oe.EvaluatorType.TA, name, "BTC", "BTC/USDT", tf)
        for name in NAMES
        for tf in TIME_FRAMES
    ]


async def best_rate(count: int, repeats: int, job: Callable[[int], Awaitable[None]]) -> float:
    """Best operations per second over ``repeats`` runs of ``job(count)``."""
    best = 0.0
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        await job(count)
        elapsed = time.perf_counter() - start
        best = max(best, count / elapsed)
    return best


async def baseline_dict_notify(count: int) -> None:
    store: dict = {}
    received = []

    async def callback(message: dict) -> None:
        received.append(message)

    all_keys = keys()
    for i in range(count):
        key = all_keys[i % len(all_keys)]
        value = ((i % 200) - 100) / 100
        store[key] = (value, T0 + i)
        await callback({"key": key, "evaluation": value, "evaluation_time": T0 + i})
    assert len(received) == count


async def baseline_dict_write(count: int) -> None:
    store: dict = {}
    all_keys = keys()
    for i in range(count):
        store[all_keys[i % len(all_keys)]] = (((i % 200) - 100) / 100, T0 + i)


async def ours_write(count: int) -> None:
    matrix = oe.EvaluationMatrix("bench-write")
    all_keys = keys()
    for i in range(count):
        matrix.write(all_keys[i % len(all_keys)], ((i % 200) - 100) / 100, T0 + i)


async def ours_publish_synchronized(count: int) -> None:
    sync = oc.Synchronizer()
    matrix = oe.EvaluationMatrix("bench-sync")
    await matrix.start(sync)
    received = []

    async def strategy(message: dict) -> None:
        received.append(message)

    await matrix.matrix_channel.new_consumer(
        strategy, priority=oc.Priority.OPTIONAL, filters={"exchange": "binance", "symbol": "BTC/USDT"}
    )
    all_keys = keys()
    publish, drain = matrix.publish, sync.drain
    for i in range(count):
        await publish(all_keys[i % len(all_keys)], ((i % 200) - 100) / 100, T0 + i)
        await drain()
    assert len(received) == count
    await matrix.stop()


async def ours_publish_normal(count: int) -> None:
    matrix = oe.EvaluationMatrix("bench-normal")
    await matrix.start()
    done = asyncio.Event()
    received = []

    async def strategy(message: dict) -> None:
        received.append(message)
        if len(received) == count:
            done.set()

    await matrix.matrix_channel.new_consumer(
        strategy, priority=oc.Priority.OPTIONAL, filters={"exchange": "binance", "symbol": "BTC/USDT"}
    )
    all_keys = keys()
    for i in range(count):
        await matrix.publish(all_keys[i % len(all_keys)], ((i % 200) - 100) / 100, T0 + i)
    await done.wait()
    await matrix.stop()


async def baseline_cycle(count: int) -> None:
    store = {key: (0.0, T0, T0 + H) for key in keys()[:4]}
    for i in range(count):
        instant = T0 + i % H
        all(t <= instant < until for _, t, until in store.values())


async def ours_cycle(count: int) -> None:
    matrix = oe.EvaluationMatrix("bench-cycle")
    for key in keys()[:4]:
        matrix.write(key, 0.0, T0)
    check = matrix.is_cycle_complete
    for i in range(count):
        check("binance", "BTC/USDT", ("5m", "1h"), T0 + i % 300_000)


async def run(quick: bool) -> list[dict]:
    count = 20_000 if quick else 100_000
    repeats = 2 if quick else 5
    rows = []
    cases = (
        ("write only", ours_write, baseline_dict_write, "dict write"),
        (
            "publish+notify, synchronized",
            ours_publish_synchronized,
            baseline_dict_notify,
            "dict write + callback",
        ),
        ("publish+notify, normal", ours_publish_normal, baseline_dict_notify, "dict write + callback"),
        ("cycle check, 2 tf x 2 evaluators", ours_cycle, baseline_cycle, "loop over a dict"),
    )
    for case, ours, baseline, baseline_name in cases:
        ours_rate = await best_rate(count, repeats, ours)
        baseline_rate = await best_rate(count, repeats, baseline)
        rows.append(
            {"case": case, "unit": "ops/s", "ours": ours_rate, "baselines": {baseline_name: baseline_rate}}
        )
    return rows


def print_table(rows: list[dict]) -> None:
    print(f"octobot-evaluators {oe.__version__}, COMPILED={oe.COMPILED}, Python {sys.version.split()[0]}")
    print("ops/s = evaluations per second (best of the repeats); x = ours / baseline")
    header = f"{'case':<36}{'ours':>14}{'baseline':>14}{'x':>8}  baseline"
    print(header)
    print("-" * (len(header) + 22))
    for row in rows:
        (name, rate), *_ = row["baselines"].items()
        print(f"{row['case']:<36}{row['ours']:>14,.0f}{rate:>14,.0f}{row['ours'] / rate:>8.2f}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--quick", action="store_true", help="fewer evaluations and repeats")
    args = parser.parse_args()
    rows = asyncio.run(run(args.quick))
    print_table(rows)
    if args.json:
        payload = {"package": "octobot-evaluators", "compiled": oe.COMPILED, "rows": rows}
        args.json.write_text(json.dumps(payload, indent=2))
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
