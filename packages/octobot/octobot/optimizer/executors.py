"""Where trials run: in this process (serial) or on the local process pool. Dask: `dask_executor`.

Every executor runs the same `worker.run_trial` on the same job, so they give the same outcomes; they
differ only in how many trials run at once (``slots``) and where.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import tempfile
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from octobot.optimizer import worker
from octobot.optimizer.job import StudyJob
from octobot.optimizer.local_pool import acquire_pool

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


class PoolExecutor:
    """A study's trials on the process-wide local pool of ``workers`` processes (`local_pool`).

    Why a job file: the pool outlives the study and its workers are not started for it, so the job
    cannot travel in an initializer; the study writes it once to a private file, and a trial carries the
    job's digest and that file's path: each worker reads and unpacks the job the first time it meets it
    (once per worker, however many trials), later trials find it unpacked.
    """

    def __init__(self, job: StudyJob, workers: int) -> None:
        self._digest = job.digest
        self.slots = workers * IN_FLIGHT_PER_WORKER
        self._restarts = 0
        self._folder = Path(tempfile.mkdtemp(prefix="octobot-study-"))  # private: mode 0700
        self._job_file = str(self._folder / "job.pickle")
        with open(self._job_file, "wb") as file:
            pickle.dump(job, file, protocol=pickle.HIGHEST_PROTOCOL)
        #: future -> (trial number, settings, generation of the pool running it)
        self._running: dict[Future[worker.Outcome], tuple[int, dict[str, Any], int]] = {}
        self._pool = acquire_pool(workers)

    def submit(self, number: int, settings: dict[str, Any]) -> None:
        future, generation = self._pool.submit(worker.run_shared, self._digest, self._job_file, settings)
        self._running[future] = (number, settings, generation)

    def wait(self) -> list[tuple[int, worker.Outcome]]:
        done, _ = wait(list(self._running), return_when=FIRST_COMPLETED)
        finished: list[tuple[int, worker.Outcome]] = []
        broken: set[int] = set()
        for future in done:
            number, _, generation = self._running[future]
            try:
                outcome = future.result()
            except BrokenProcessPool:
                broken.add(generation)
                continue
            del self._running[future]
            finished.append((number, outcome))
        if broken:
            self._restart(broken)
        return finished

    def _restart(self, generations: set[int]) -> None:
        """A worker died: every trial the broken pool held is lost with it; run them again on a new one."""
        lost = [
            (future, number, settings)
            for future, (number, settings, generation) in self._running.items()
            if generation in generations
        ]
        self._restarts += 1
        if self._restarts > MAX_POOL_RESTARTS:
            raise RuntimeError(
                f"the local pool lost a worker {self._restarts} times (killed, out of memory?); "
                "run with --workers 1 to see the failing trial"
            )
        logger.warning("a worker of the pool died: running %d trial(s) again on a new pool", len(lost))
        for generation in generations:
            self._pool.replace(generation)
        for future, number, settings in lost:
            del self._running[future]
            self.submit(number, settings)

    def close(self) -> None:
        """This study is done with the pool: its queued trials are dropped, the pool lives on."""
        for future in self._running:
            future.cancel()  # a running trial finishes in its worker, its result unread
        self._running.clear()
        self._pool.release()
        shutil.rmtree(self._folder, ignore_errors=True)
