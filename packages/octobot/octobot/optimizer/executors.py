"""Where trials run: in this process (serial) or on a local process pool. Dask: `dask_executor`.

Every executor runs the same `worker.run_trial` on the same job, so they give the same outcomes; they
differ only in how many trials run at once (``slots``) and where.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from octobot.optimizer import worker
from octobot.optimizer.job import StudyJob

logger = logging.getLogger(__name__)

#: times a local pool is restarted after a worker process died (killed, out of memory) before the
#: trials it was running are reported as failed
MAX_POOL_RESTARTS = 3


#: trials kept in flight per worker: one running, one queued behind it, so that a worker starts its next
#: trial as soon as it is done instead of waiting for the round trip through the study (its result told,
#: stored, the next one asked and sent), which under load cost about as much as a short backtest
IN_FLIGHT_PER_WORKER = 2


class Executor(Protocol):
    #: trials the study keeps in flight on the executor (about twice its workers, see above)
    slots: int

    def submit(self, number: int, settings: dict[str, Any]) -> None: ...

    def wait(self) -> list[tuple[int, worker.Outcome]]:
        """Blocks until at least one submitted trial is done; their (number, outcome)."""

    def close(self) -> None: ...


class SerialExecutor:
    """Runs each trial in this process, when the study waits for it."""

    slots = 1

    def __init__(self, job: StudyJob) -> None:
        self._job = job
        self._queue: deque[tuple[int, dict[str, Any]]] = deque()

    def submit(self, number: int, settings: dict[str, Any]) -> None:
        self._queue.append((number, settings))

    def wait(self) -> list[tuple[int, worker.Outcome]]:
        number, settings = self._queue.popleft()
        return [(number, worker.run_trial(self._job, settings))]

    def close(self) -> None:
        self._queue.clear()


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not on Linux
        return max(os.cpu_count() or 1, 1)


def pool_context() -> multiprocessing.context.BaseContext:
    """How the pool starts its workers: "forkserver" where there is one, each worker a fork of a small
    server process that imported the trial code once (a fast start), never a fork of this process, which
    runs threads (Python 3.12 warns that forking it may deadlock the child); "spawn" elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([worker.__name__])
        return context
    return multiprocessing.get_context("spawn")


class PoolExecutor:
    """A local process pool; each worker unpacks the job once, in its initializer."""

    def __init__(self, job: StudyJob, workers: int) -> None:
        self._job = job
        self._workers = workers
        self.slots = workers * IN_FLIGHT_PER_WORKER
        self._restarts = 0
        self._running: dict[Future[worker.Outcome], tuple[int, dict[str, Any]]] = {}
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=pool_context(),
            initializer=worker.prepare,
            initargs=(self._job,),
        )

    def submit(self, number: int, settings: dict[str, Any]) -> None:
        # the job reached each worker once, through the initializer: a trial sends its digest only
        future = self._pool.submit(worker.run_prepared, self._job.digest, settings)
        self._running[future] = (number, settings)

    def wait(self) -> list[tuple[int, worker.Outcome]]:
        done, _ = wait(list(self._running), return_when=FIRST_COMPLETED)
        finished: list[tuple[int, worker.Outcome]] = []
        broken = False
        for future in done:
            number, settings = self._running.pop(future)
            try:
                finished.append((number, future.result()))
            except BrokenProcessPool:
                broken = True
                self._running[future] = (number, settings)
        if broken:
            self._restart()
        return finished

    def _restart(self) -> None:
        """A worker died: every trial still in the pool is lost with it; run them again on a new pool."""
        lost = list(self._running.values())
        self._running.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._restarts += 1
        if self._restarts > MAX_POOL_RESTARTS:
            raise RuntimeError(
                f"the local pool lost a worker {self._restarts} times (killed, out of memory?); "
                "run with --workers 1 to see the failing trial"
            )
        logger.warning("a worker of the pool died: running its %d trial(s) again on a new pool", len(lost))
        self._pool = self._start()
        for number, settings in lost:
            self.submit(number, settings)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._running.clear()
