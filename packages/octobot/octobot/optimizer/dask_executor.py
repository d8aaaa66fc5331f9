"""Trials on a Dask distributed cluster (``--scheduler tcp://host:8786``, or a given ``Client``).

Why Dask's own machinery for everything: the job is scattered once with ``broadcast=True`` (each worker
receives it once, a worker that joins later gets it from a peer), the scheduler reruns a task whose
worker was lost mid-trial (up to its ``allowed-failures``), and the study keeps twice as many trials in
flight as the cluster has worker threads (one running and one queued on each: a worker never waits for
the round trip through the scheduler and the study). Workers need `octobot` installed (the same
version), nothing else: profile, user tentacles and data travel in the job.
"""

from __future__ import annotations

from typing import Any

from octobot.errors import UsageError
from octobot.optimizer import worker
from octobot.optimizer.executors import IN_FLIGHT_PER_WORKER
from octobot.optimizer.job import StudyJob

#: times a trial is submitted when the job it needs was lost with the workers holding it
MAX_ATTEMPTS = 3


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError(
            "--scheduler needs Dask distributed: pip install 'octobot[dask]' (on the workers too)"
        ) from None
    return distributed


class DaskExecutor:
    def __init__(self, job: StudyJob, scheduler: str | None = None, client: Any = None) -> None:
        distributed = _distributed()
        self._distributed = distributed
        self._owned = client is None
        if client is None:
            try:
                client = distributed.Client(scheduler, timeout=30)
            except (OSError, TimeoutError) as error:
                raise UsageError(
                    f"--scheduler {scheduler}: cannot reach the Dask scheduler ({error}); start one with "
                    "`dask scheduler` and workers with `dask worker ADDRESS`"
                ) from None
        self._client = client
        threads = sum(client.nthreads().values())
        if threads < 1:
            client.wait_for_workers(1, timeout=60)
            threads = sum(client.nthreads().values())
        self.slots = max(threads, 1) * IN_FLIGHT_PER_WORKER
        self._source = job
        self._job = self._scatter()
        self._digest = job.digest
        #: future -> (trial number, settings, times submitted)
        self._running: dict[Any, tuple[int, dict[str, Any], int]] = {}

    def _scatter(self) -> Any:
        # hash=True: the same job scattered twice is one piece of data on the cluster
        return self._client.scatter(self._source, broadcast=True, hash=True)

    def submit(self, number: int, settings: dict[str, Any], attempt: int = 1) -> None:
        future = self._client.submit(
            worker.run_trial,
            self._job,
            settings,
            key=f"octobot-trial-{self._digest[:16]}-{number}-{attempt}",
            pure=False,
        )
        self._running[future] = (number, settings, attempt)

    def wait(self) -> list[tuple[int, worker.Outcome]]:
        try:
            done = self._distributed.wait(list(self._running), return_when="FIRST_COMPLETED").done
        except self._distributed.client.FuturesCancelledError:
            done = {future for future in self._running if future.status != "pending"}
        finished = []
        rescattered = False
        for future in done:
            number, settings, attempt = self._running.pop(future)
            if future.cancelled() and attempt < MAX_ATTEMPTS:
                # every worker holding the job was lost (the scheduler then cancels what needs it):
                # send the job again and run the trial again
                if not rescattered:
                    self._job = self._scatter()
                    rescattered = True
                self.submit(number, settings, attempt + 1)
                continue
            try:
                outcome = future.result()
            except Exception as error:  # KilledWorker after too many lost workers, cancelled...
                outcome = {"error": f"{type(error).__name__}: {error}"}
            finished.append((number, outcome))
        return finished

    def close(self) -> None:
        if self._running:
            self._client.cancel(list(self._running))
        self._running.clear()
        if self._owned:
            self._client.close()
