"""The strategy optimizer: how its executors scale and what a trial costs beyond its backtest.

The default profile on chained real 1m candles (long_series.chained_series), a space of four settings
that every value of keeps valid (so every trial runs a backtest), the random sampler, all in sample.

Cases, each from one run (throughputs: higher is better):
1. many short backtests (``--trials`` x each of ``--pool-candles``, 1,000 to 10,000 by default; half the
   trials above 2,000): the local pool with 2 workers against one worker (serial, in this process);
   target 1.8x. The process's pool is started once before (its forkserver's start timed apart) and kept
   across the cases, as a bot process keeps it; each case's job is new to its workers;
2. the same kind of trials on a Dask LocalCluster of 2 worker processes (started and warmed up, with
   octobot imported, before the timing, as a running cluster is; profiler off, monitors quieter) against
   serial, 40 x 1,000 and 24 x 5,000 candles; target 1.6x. Dask's counters show the job reached each
   worker once (no fetch from a peer);
3. per-trial overhead: ``--long-trials`` trials of a ``--long-candles`` backtest run by a serial study
   (settings applied, profile loaded, figures, sampler, store) against the CPU time inside their
   `run_backtest` calls, measured in the same trials (3 studies); the ratio is backtest / (backtest +
   overhead): 0.91 or more means an overhead under 10 %.
Each study also prints its CPU time per trial, in the driver and in the workers (pool processes, read
live from /proc; Dask workers, asked), and the workers' idle time (or time waiting for a core under
load), so that a slower executor shows whether it spends more CPU per trial or waits.
Checks: the pool, the cluster and serial give the same trials (their digest must match between builds).

Run: python benchmarks/bench_optimizer.py [--trials N] [--pool-candles N,N] [--short-candles N]
[--long-candles N] [--json PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from long_series import chained_series
from our_backtest import build_label, builtin_profile, write_data_file, write_profile

import octobot
from octobot.backtest import run_backtest
from octobot.optimizer import worker

SPACE = {
    "RSIMomentumEvaluator": {"period": {"low": 7, "high": 28}},
    "DoubleMovingAverageTrendEvaluator": {"sensitivity": {"low": 0.005, "high": 0.03, "step": 0.005}},
    "DailyTradingMode": {
        "cancel_open_orders": {"type": "boolean"},
        "limit_offset_percent": {"low": 0.1, "high": 1.0, "step": 0.1},
    },
}


#: a study's cluster, quieter: the workers' statistical profiler off (it samples the busy thread's stack
#: every 10 ms, several ms of a worker's CPU per short trial), and the event loops' watchdog, the system
#: monitor and the nannies' memory monitor ticking every second or more instead of every 20, 500 and 100
#: ms: measured idle on 2 cores, 2 workers, 10 s: 0.9 s of CPU (driver, where a LocalCluster's nannies
#: run, and workers) by default, 0.17 s so
QUIET_DASK = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def _setup(scratch: Path, candles: int) -> tuple[octobot.UserHome, Path, Path]:
    home = octobot.UserHome(scratch / "home").ensure()
    profile, tentacles = builtin_profile("default", scratch)
    profile.update(name="bench-optimizer", time_frames=["1m"])
    write_profile(home.profiles / "bench-optimizer", profile, tentacles)
    data = write_data_file(scratch / f"btc-{candles}.data", {"BTC/USDT": chained_series(candles)})
    space = scratch / "space.json"
    space.write_text(json.dumps(SPACE))
    return home, data, space


def _options(data: Path, space: Path, store: Path, trials: int, **extra: Any) -> octobot.StudyOptions:
    return octobot.StudyOptions(
        profile="bench-optimizer",
        data=[data],
        space=space,
        trials=trials,
        sampler="random",
        test_share=0,
        store=store,
        **extra,
    )


def _children_cpu() -> float:
    """CPU seconds of this process's children: the reaped ones (rusage) and the live descendants (the
    local pool's forkserver and workers outlive a study, so rusage alone would miss them; Linux /proc)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + _live_descendants_cpu()


def _live_descendants_cpu() -> float:
    if not os.path.isdir("/proc"):
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as file:
                text = file.read()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()  # after "pid (name) ": state, ppid, ...
        children.setdefault(int(fields[1]), []).append(int(entry))
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    total, stack = 0.0, list(children.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        total += cpu.get(pid, 0.0)
        stack.extend(children.get(pid, []))
    return total


def _timed(
    home: octobot.UserHome, options: octobot.StudyOptions, client: Any = None, **extra: Any
) -> tuple[float, Any]:
    """Wall time of a study; prints the CPU time per trial of the driver and of the workers (a pool's
    processes are reaped when it closes; a cluster's workers are asked for theirs)."""
    began, driver, children = time.perf_counter(), time.process_time(), _children_cpu()
    workers = sum(client.run(time.process_time).values()) if client is not None else 0.0
    result = octobot.run_study(options, home=home, client=client, **extra)
    seconds = time.perf_counter() - began
    if result.executed != options.trials:
        raise RuntimeError(f"expected {options.trials} backtests, ran {result.executed}")
    driver = time.process_time() - driver
    workers = (
        sum(client.run(time.process_time).values()) - workers
        if client is not None
        else _children_cpu() - children
    )
    # a LocalCluster's scheduler runs in this process: its CPU is in the driver's. Workers' idle: what
    # 2 workers' wall time leaves beside their CPU (waiting for a trial, or for a core under load)
    workers_count = 1 if options.workers == 1 else 2
    idle = workers_count * seconds - workers if workers else 0.0
    print(
        f"    CPU per trial: driver {driver / options.trials * 1000:.1f} ms, workers "
        f"{workers / options.trials * 1000:.1f} ms; workers idle or waiting for a core "
        f"{max(idle, 0.0) / options.trials * 1000:.1f} ms per trial "
        f"(wall {seconds:.2f} s, load {os.getloadavg()[0]:.1f})"
    )
    result.cpu_per_trial = (driver + workers) / options.trials
    return seconds, result


def _efficiency(serial: Any, parallel: Any) -> str:
    """The load-independent part of the scaling: serial CPU per trial over the executor's (driver and
    workers); on 2 idle cores with the workers never waiting, the speed-up would be twice that."""
    share = serial.cpu_per_trial / parallel.cpu_per_trial
    return f"CPU per trial {share:.2f} of serial's -> {2 * share:.2f}x on 2 idle cores"


def _digest(result: Any) -> str:
    trials = [(t["settings"], t["objectives"]) for t in result.trials]
    return hashlib.sha256(json.dumps(trials, sort_keys=True).encode()).hexdigest()[:16]


def _scaling_row(case: str, seconds: float, result: Any, serial_s: float, serial: Any, target: float) -> dict:
    trials = len(result.trials)
    return {
        "case": case,
        "unit": "trials/s",
        "ours": trials / seconds,
        "baselines": {"one worker (serial)": trials / serial_s},
        "targets": {"compiled": target, "pure": target},
        "check": {"digest": _digest(result), "same_as_serial": _digest(result) == _digest(serial)},
    }


def _warm_up(home: octobot.UserHome, data: Path, space: Path, store: Path) -> None:
    """Two trials in this process first: the serial baseline then pays no first-use cost (imports of the
    samplers, the job unpacked by this process), as no worker of the pool or the cluster does."""
    octobot.run_study(_options(data, space, store, 2, workers=1, seed=99), home=home)


def scaling(scratch: Path, trials: int, lengths: list[int]) -> list[dict[str, Any]]:
    """Serial, then the local pool (2 workers) on the same trials, for each backtest length.

    The process's pool is started once, before the first timing (its forkserver imports the trial code
    and discovers the tentacles: seconds, once per process, timed apart), then kept across studies as
    the web interface keeps it: each case's pool study runs on warm workers, which meet the case's job
    for the first time (one unpack per worker, inside the timing)."""
    began = time.perf_counter()
    home, data, space = _setup(scratch / "pool-start", 500)
    octobot.run_study(_options(data, space, scratch / "pool-start.sqlite", 4, workers=2, seed=98), home=home)
    print(
        f"  the process's pool start (forkserver, 2 workers, 4 trials of 500 candles): "
        f"{time.perf_counter() - began:.2f} s"
    )
    rows = []
    for candles in lengths:
        count = trials if candles <= 2_000 else max(trials // 2, 16)
        home, data, space = _setup(scratch / f"short-{candles}", candles)
        _warm_up(home, data, space, scratch / f"warm-up-pool-{candles}.sqlite")
        serial_s, serial = _timed(
            home, _options(data, space, scratch / f"serial-pool-{candles}.sqlite", count, workers=1)
        )
        pool_s, pool = _timed(
            home, _options(data, space, scratch / f"pool-{candles}.sqlite", count, workers=2)
        )
        case = f"optimizer: {count} trials x {candles:,} 1m candles"
        print(
            f"{case}\n  serial {serial_s:.2f} s, local pool (2 workers) {pool_s:.2f} s "
            f"-> {serial_s / pool_s:.2f}x; {_efficiency(serial, pool)}"
        )
        rows.append(_scaling_row(f"{case}, local pool 2 workers vs one", pool_s, pool, serial_s, serial, 1.8))
    return rows


def cluster(scratch: Path, trials: int, candles: int) -> list[dict[str, Any]]:
    """Serial, then the same trials on a 2-worker Dask LocalCluster (started and warmed up first)."""
    try:
        import dask
        import distributed
    except ImportError:
        print("  Dask distributed is not installed: no cluster case (pip install distributed)")
        return []
    home, data, space = _setup(scratch / f"cluster-{candles}", candles)
    _warm_up(home, data, space, scratch / f"warm-up-{candles}.sqlite")
    serial_s, serial = _timed(
        home, _options(data, space, scratch / f"serial-{candles}.sqlite", trials, workers=1)
    )
    # the workers' statistical profiler off, as the README advises for a study's cluster: it samples the
    # stack of the busy thread every 10 ms, several ms of a worker's CPU per short trial
    settings = {"distributed.worker.daemon": False, **QUIET_DASK}
    with (
        dask.config.set(settings),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as local,
        distributed.Client(local) as client,
    ):
        # a running cluster has its imports done, the tentacles' among them (discovering them imports
        # them and checks their schemas once per process: about a second of CPU a worker pays once)
        client.run(octobot.TentacleRegistry.discover)
        dask_s, on_cluster = _timed(
            home, _options(data, space, scratch / f"dask-{candles}.sqlite", trials), client=client
        )
        # Dask's own counters: the job reached each worker by the scatter (no fetch from a peer), once
        fetched = client.run(lambda dask_worker: dask_worker.state.transfer_incoming_count_total)
        unpacked = client.run(worker.unpacked_jobs)
        print(
            f"    job: unpacked by {sum(on_cluster.job.digest in jobs for jobs in unpacked.values())} of "
            f"{len(unpacked)} workers, {sum(fetched.values())} fetch(es) from a peer, "
            f"{on_cluster.job.size / 1e6:.2f} MB"
        )
    case = f"optimizer: {trials} trials x {candles:,} 1m candles"
    print(
        f"{case}\n  serial {serial_s:.2f} s, Dask LocalCluster (2 workers) {dask_s:.2f} s "
        f"-> {serial_s / dask_s:.2f}x; {_efficiency(serial, on_cluster)}"
    )
    return [
        {
            "case": f"{case}, Dask LocalCluster 2 workers vs serial",
            "unit": "trials/s",
            "ours": trials / dask_s,
            "baselines": {"serial": trials / serial_s},
            "targets": {"compiled": 1.6, "pure": 1.6},
            "check": {
                "digest": _digest(on_cluster),
                "same_as_serial": _digest(on_cluster) == _digest(serial),
            },
        }
    ]


def overhead(scratch: Path, trials: int, candles: int) -> dict[str, Any]:
    """Each trial's CPU time in a serial study (from one finished trial to the next: ask, settings
    applied, profile loaded, backtest, figures, store, tell) against the CPU time spent inside its
    `run_backtest` (data read, replay, report), both measured in the same trials of the same process (a
    second run compared would differ by the machine's load more than by the overhead). The first trial
    (which also unpacks the job) is left out; 3 studies of different seeds."""
    home, data, space = _setup(scratch / "long", candles)
    inside: list[float] = []

    async def timed_backtest(*args: Any, **kwargs: Any) -> Any:
        began = time.process_time()
        try:
            return await run_backtest(*args, **kwargs)
        finally:
            inside.append(time.process_time() - began)

    study_s = backtests = 0.0
    result: Any = None
    original = worker.run_backtest
    worker.run_backtest = timed_backtest  # type: ignore[assignment]
    try:
        for seed in range(3):
            finished: list[float] = []
            inside.clear()
            _, result = _timed(
                home,
                _options(data, space, scratch / f"long-{seed}.sqlite", trials + 1, workers=1, seed=seed),
                progress=lambda progress, finished=finished: finished.append(time.process_time()),
            )
            study_s += finished[-1] - finished[0]
            backtests += sum(inside[1:])
    finally:
        worker.run_backtest = original  # type: ignore[assignment]
    count = 3 * trials
    per_trial = (study_s - backtests) / count
    print(
        f"optimizer: {count} trials of a {candles:,}-candle backtest (after each study's first), CPU time: "
        f"{study_s:.2f} s in the studies, {backtests:.2f} s of it inside run_backtest -> overhead "
        f"{per_trial * 1000:.1f} ms per trial ({per_trial / (backtests / count):.1%} of a backtest), "
        f"load {os.getloadavg()[0]:.1f}"
    )
    return {
        "case": f"optimizer: per-trial overhead, {candles:,}-candle backtests (backtest / trial, CPU time)",
        "unit": "trials/CPU s",
        "ours": count / study_s,
        "baselines": {"the backtests alone": count / backtests},
        "targets": {"compiled": 0.91, "pure": 0.91},
        "check": {"digest": _digest(result)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--trials", type=int, default=40, help="scaling cases: trials (above 2,000 candles: half)"
    )
    parser.add_argument("--short-candles", type=int, default=1_000, help="first cluster case: 1m candles")
    parser.add_argument(
        "--pool-candles",
        default="1000,2000,5000,10000",
        help="pool cases: the backtest lengths in 1m candles, comma-separated",
    )
    parser.add_argument("--cluster-trials", type=int, default=24, help="second cluster case: trials")
    parser.add_argument(
        "--cluster-candles", type=int, default=5_000, help="second cluster case: 1m candles per trial"
    )
    parser.add_argument("--long-trials", type=int, default=4, help="overhead case: trials")
    parser.add_argument("--long-candles", type=int, default=10_000, help="overhead case: 1m candles")
    parser.add_argument("--json", help="write the figures for tools/bench.py")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # decisions and gap warnings of every trial: time the study
    print(f"octobot optimizer ({build_label()} build), load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="octobot-bench-optimizer-") as scratch:
        lengths = [int(text) for text in args.pool_candles.split(",") if text.strip()]
        rows = scaling(Path(scratch), args.trials, lengths)
        rows += cluster(Path(scratch), args.trials, args.short_candles)
        rows += cluster(Path(scratch), args.cluster_trials, args.cluster_candles)
        rows.append(overhead(Path(scratch), args.long_trials, args.long_candles))
    failed = [row["case"] for row in rows if row["check"].get("same_as_serial") is False]
    for case in failed:
        print(f"!!! {case}: not the serial results")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"package": "octobot", "compiled": build_label() == "compiled", "rows": rows}, indent=2
            )
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
