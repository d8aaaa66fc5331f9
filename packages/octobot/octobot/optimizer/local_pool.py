"""The local process pools the optimizer's studies share: started once, kept while they are useful.

Why one long-lived pool rather than one per study: starting workers costs more than a short study's
trials. The forkserver the workers fork from imports the trial code and discovers the tentacles (seconds,
once per process), and a new worker unpacks the job before its first trial; the web interface runs study
after study in one process, a benchmark too. So one pool per worker count is kept, lent to each study
(`acquire_pool` / `LocalPool.release`; studies running at once share it) and shut down after
`IDLE_SECONDS` without any study, or when the process exits.

Why a forkserver: the driver runs threads (the web interface's, a study's own), and forking such a
process may deadlock the child (Python 3.12 warns about it); "spawn" where there is no forkserver.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

#: a pool no study has used for this long is shut down (its processes and their unpacked jobs freed)
IDLE_SECONDS = 600.0

#: what the forkserver imports once before forking any worker (the trial code and its warm-up)
PRELOAD = "octobot.optimizer.forkserver_preload"


def pool_context() -> multiprocessing.context.BaseContext:
    """How the pools start their workers: from a forkserver that preloaded the trial code, where there is
    one (never a fork of this process); "spawn" elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD])
        return context
    return multiprocessing.get_context("spawn")


class LocalPool:
    """A process pool of ``workers`` processes, lent to the studies that run on it.

    A worker that dies (killed, out of memory) breaks the whole pool and fails every trial it held:
    `replace` starts a new one, once, however many studies noticed; ``generation`` tells them apart.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.generation = 0
        self._lock = threading.Lock()
        self._executor = self._start()
        self._leases = 0
        self._idle: threading.Timer | None = None
        self.closed = False

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=pool_context())

    def submit(self, function: Callable[..., Any], *args: Any) -> tuple[Future[Any], int]:
        """Run ``function(*args)`` in a worker; the future and the generation of the pool running it."""
        with self._lock:
            try:
                return self._executor.submit(function, *args), self.generation
            except BrokenProcessPool:  # broken by another study's trial, not yet replaced
                self._replace_locked()
                return self._executor.submit(function, *args), self.generation

    def replace(self, generation: int) -> None:
        """The pool of ``generation`` lost a worker: start a new one unless that was done already."""
        with self._lock:
            if generation == self.generation:
                self._replace_locked()

    def _replace_locked(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = self._start()
        self.generation += 1

    # --- lending -------------------------------------------------------------------------------
    def lend(self) -> None:
        with self._lock:
            self._leases += 1
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None

    def release(self) -> None:
        """A study is done with the pool; the last one out starts the idle countdown."""
        with self._lock:
            self._leases -= 1
            if self._leases == 0 and not self.closed:
                self._idle = threading.Timer(IDLE_SECONDS, _close_if_idle, (self,))
                self._idle.daemon = True  # never keeps a finished process alive
                self._idle.start()

    def close_if_unused(self) -> bool:
        with self._lock:
            if self._leases:
                return False
            self._close_locked()
            return True

    def _close_locked(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        self.closed = True
        # trials still running (a stopped study's) finish in their worker, their results unread
        self._executor.shutdown(wait=False, cancel_futures=True)


_POOLS: dict[int, LocalPool] = {}
_POOLS_LOCK = threading.Lock()


def acquire_pool(workers: int) -> LocalPool:
    """The pool of ``workers`` processes, started if there is none; `LocalPool.release` when done."""
    with _POOLS_LOCK:
        pool = _POOLS.get(workers)
        if pool is None or pool.closed:
            pool = _POOLS[workers] = LocalPool(workers)
        pool.lend()
        return pool


def _close_if_idle(pool: LocalPool) -> None:
    with _POOLS_LOCK:
        if pool.close_if_unused() and _POOLS.get(pool.workers) is pool:
            del _POOLS[pool.workers]


def close_pools() -> None:
    """Shut down every pool no study is using (a bot process stopping, a test cleaning up)."""
    with _POOLS_LOCK:
        for workers, pool in list(_POOLS.items()):
            if pool.close_if_unused():
                del _POOLS[workers]


def running_pools() -> dict[int, int]:
    """Worker count -> generation of each live pool (how often it was replaced after a lost worker)."""
    with _POOLS_LOCK:
        return {workers: pool.generation for workers, pool in _POOLS.items()}
