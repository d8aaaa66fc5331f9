"""Optimizer studies started from the interface: `run_study` on the event loop's executor (a thread, which
runs the trials on the local process pool), progress as events, each study kept in
``<home>/optimizations/<id>/`` (what was asked, the study's JSON and its HTML report).

Why a thread and not a task as the backtests: a study is blocking code (its samplers, its store, its
pool); on a thread it leaves the loop free for the pages and the live bot, and the trials' CPU goes to
the pool's processes. The thread talks to the loop only through ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from octobot.errors import NotFoundError, OctoBotError, UsageError
from octobot.home import UserHome
from octobot.json_files import read_json, write_json
from octobot.optimizer.executors import default_workers
from octobot.optimizer.report import write_study_html
from octobot.optimizer.samplers import SAMPLERS
from octobot.optimizer.save_best import save_settings_as_profile
from octobot.optimizer.study import StudyOptions, StudyProgress, StudyResult, prepare_study, run_study
from octobot.optimizer.summary import best_trials_table, state_counts
from octobot.optimizer.worker import best_run_report
from octobot.profile import load_profile
from octobot.secret_masking import mask
from octobot.tentacle_registry import TentacleRegistry

logger = logging.getLogger(__name__)

RUN_FILE = "run.json"
RESULT_FILE = "study.json"
REPORT_FILE = "report.html"
SPACE_FILE = "space.json"
#: most trials a study started from the interface may ask for (the command line has no limit)
MAX_TRIALS = 10_000


@dataclass
class OptimizationRun:
    """One study as listed: what was asked, its progress, and its best trial so far."""

    id: str
    profile: str
    data_files: list[str]
    trials: int
    sampler: str
    objectives: list[str]
    workers: int | None
    #: the search space as given, or None for the profile's default space
    space: dict[str, Any] | None = None
    status: str = "running"  # running, done, stopped, failed
    done: int = 0
    created_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    error: str | None = None
    study: str | None = None
    #: the best complete trial so far: {"number", "settings", "objectives", "test_objectives"}
    best: dict[str, Any] | None = None
    #: trials by state once the study is over
    states: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def event(self) -> dict[str, Any]:
        """What an ``optimizer_progress`` event carries."""
        return {
            "id": self.id,
            "status": self.status,
            "done": self.done,
            "total": self.trials,
            "best": self.best,
            "error": self.error,
        }


def _brief(trial: dict[str, Any] | None) -> dict[str, Any] | None:
    if trial is None:
        return None
    return {key: trial[key] for key in ("number", "settings", "objectives", "test_objectives")}


def _checked_start(body: dict[str, Any]) -> tuple[int, str, list[str], int | None, dict[str, Any] | None]:
    """The numbers and names of a start request, each refused with one line naming the field."""
    trials = body.get("trials", 20)
    if not isinstance(trials, int) or isinstance(trials, bool) or not 1 <= trials <= MAX_TRIALS:
        raise UsageError(f"trials: give a whole number from 1 to {MAX_TRIALS}, not {trials!r}")
    sampler = body.get("sampler", "tpe")
    if sampler not in SAMPLERS:
        raise UsageError(f"sampler: '{sampler}' is not one of {', '.join(SAMPLERS)}")
    objectives = body.get("objectives") or []
    if isinstance(objectives, str):
        objectives = [objectives]
    if not isinstance(objectives, list) or not all(isinstance(name, str) for name in objectives):
        raise UsageError('objectives: give a list of objective names, e.g. ["sharpe"]')
    workers = body.get("workers")
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise UsageError(
            f"workers: give a whole number of at least 1 (or nothing: one per core), not {workers!r}"
        )
    space = body.get("space")
    if isinstance(space, str) and space.strip():
        try:
            space = json.loads(space)
        except ValueError as error:
            raise UsageError(f"space: not JSON ({error}); leave it empty for the default space") from None
    elif isinstance(space, str):
        space = None
    if space is not None and not isinstance(space, dict):
        raise UsageError("space: give a JSON object of tentacles and their settings' ranges")
    return trials, str(sampler), objectives, workers, space


def _test_share(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise UsageError(f"test_share: give the out-of-sample share, from 0 (none) to below 1, not {value!r}")
    return float(value)


class OptimizerJobs:
    """Starts studies and keeps their results; ``on_progress(run)`` is called on the loop as they go."""

    def __init__(
        self,
        home: UserHome,
        registry: TentacleRegistry,
        on_progress: Callable[[OptimizationRun], None] | None = None,
    ) -> None:
        self.home = home
        self.registry = registry
        self.on_progress = on_progress
        self._running: dict[str, OptimizationRun] = {}
        self._stops: dict[str, threading.Event] = {}
        self._tasks: dict[str, asyncio.Future[dict[str, Any]]] = {}

    @property
    def folder(self) -> Path:
        return self.home.root / "optimizations"

    async def start(
        self,
        profile_id: str,
        data_files: list[Path],
        body: dict[str, Any],
        start_ms: int | None = None,
        end_ms: int | None = None,
    ) -> OptimizationRun:
        """Check everything a study checks before its first trial (errors go back to the caller), then
        run it on the loop's executor."""
        trials, sampler, objectives, workers, space = _checked_start(body)
        test_share = _test_share(body.get("test_share", 0.25))
        for path in data_files:
            if not path.is_file():
                raise NotFoundError(f"data file '{path.name}' not found (see the data page)")
        run = OptimizationRun(
            id=f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{secrets.token_hex(3)}",
            profile=profile_id,
            data_files=[path.name for path in data_files],
            trials=trials,
            sampler=sampler,
            objectives=objectives,
            workers=workers,
            space=space,
        )
        folder = self.folder / run.id
        space_path = None
        if space is not None:
            space_path = folder / SPACE_FILE
            write_json(space_path, space)
        options = StudyOptions(
            profile=profile_id,
            data=data_files,
            space=space_path,
            trials=trials,
            sampler=sampler,
            objectives=objectives,
            workers=workers,
            test_share=test_share,
            start_ms=start_ms,
            end_ms=end_ms,
        )
        try:
            prepared = await asyncio.to_thread(
                prepare_study, options, self.registry, self.home, workers or default_workers()
            )
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)  # a refused study leaves nothing behind
            raise
        run.study = prepared.name
        self._running[run.id] = run
        self._stops[run.id] = threading.Event()
        self._save(run)
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(loop.run_in_executor(None, self._study, run, options, loop))
        self._tasks[run.id] = task
        task.add_done_callback(lambda done: self._finished(run, done))
        return run

    def _study(
        self, run: OptimizationRun, options: StudyOptions, loop: asyncio.AbstractEventLoop
    ) -> dict[str, Any]:
        """The study, on the executor's thread: its progress goes to the loop, its end is returned (the
        run itself is only changed on the loop)."""

        def advance(progress: StudyProgress) -> None:
            loop.call_soon_threadsafe(self._advance, run, progress.done, _brief(progress.best))

        try:
            result = run_study(
                options,
                registry=self.registry,
                home=self.home,
                progress=advance,
                stop=self._stops[run.id].is_set,
            )
            self._write_result(run.id, result)
            return {
                "status": "stopped" if result.stopped else "done",
                "states": state_counts(result),
                "best": _brief(result.best),
                "done": len(result.trials),
            }
        except (OctoBotError, ValueError, OSError) as error:
            logger.warning("optimization %s failed: %s", run.id, mask(str(error)))
            return {"status": "failed", "error": mask(str(error))}
        except Exception as error:  # a bug in a tentacle must not kill the interface
            logger.exception("optimization %s failed", run.id)
            return {"status": "failed", "error": mask(f"unexpected {type(error).__name__}: {error}")}

    def _write_result(self, run_id: str, result: StudyResult) -> None:
        folder = self.folder / run_id
        content = result.to_dict()
        headers, rows = best_trials_table(result, top=20)
        content["table"] = {"headers": headers, "rows": rows}
        write_json(folder / RESULT_FILE, content)
        report = None
        best = result.best
        if best is not None:
            first, last = result.folds[0], result.folds[-1]
            whole = type(first.train)(first.train.start_ms, (last.test or last.train).end_ms)
            report = best_run_report(result.job, best["settings"], whole)
        write_study_html(result, report, folder / REPORT_FILE)

    def _advance(self, run: OptimizationRun, done: int, best: dict[str, Any] | None) -> None:
        if run.status != "running":
            return
        run.done, run.best = done, best
        if self.on_progress is not None:
            self.on_progress(run)

    def _finished(self, run: OptimizationRun, task: asyncio.Future[dict[str, Any]]) -> None:
        self._tasks.pop(run.id, None)
        self._stops.pop(run.id, None)
        self._running.pop(run.id, None)
        if task.cancelled() or task.exception() is not None:  # the executor itself went (loop closing)
            run.status, run.error = "failed", "the study was interrupted"
        else:
            for name, value in task.result().items():
                setattr(run, name, value)
        self._save(run)
        if self.on_progress is not None:
            self.on_progress(run)

    def stop(self, run_id: str) -> OptimizationRun:
        """Ask a running study to stop after the trial it is waiting for (finished trials are kept)."""
        run = self.get(run_id)
        event = self._stops.get(run.id)
        if event is None:
            raise UsageError(f"optimization '{run_id}' is not running ({run.status})")
        event.set()
        return run

    async def wait(self, run_id: str) -> OptimizationRun:
        """The study once it is over."""
        task = self._tasks.get(run_id)
        if task is not None:
            await asyncio.shield(task)
        return self.get(run_id)

    def _save(self, run: OptimizationRun) -> None:
        write_json(self.folder / run.id / RUN_FILE, run.to_dict())

    def list(self) -> list[OptimizationRun]:
        """Every study started from the interface, newest first (running ones with their progress)."""
        runs: dict[str, OptimizationRun] = {}
        if self.folder.is_dir():
            for path in self.folder.glob(f"*/{RUN_FILE}"):
                try:
                    runs[path.parent.name] = OptimizationRun(**read_json(path, decimals=False))
                except (OctoBotError, TypeError) as error:
                    logger.warning("%s: skipped (%s)", path, error)
        runs.update(self._running)
        return sorted(runs.values(), key=lambda run: run.id, reverse=True)

    def get(self, run_id: str) -> OptimizationRun:
        if run_id in self._running:
            return self._running[run_id]
        path = self.folder / Path(run_id).name / RUN_FILE
        if not path.is_file():
            raise NotFoundError(f"optimization '{run_id}' not found")
        return OptimizationRun(**read_json(path, decimals=False))

    def result(self, run_id: str) -> dict[str, Any]:
        """The finished study as `octobot optimize --json` writes it, plus its best trials table."""
        run = self.get(run_id)
        path = self.folder / run.id / RESULT_FILE
        if run.status not in ("done", "stopped") or not path.is_file():
            raise NotFoundError(f"optimization '{run_id}' has no result ({run.status})")
        content: dict[str, Any] = read_json(path, decimals=False)
        return content

    def report_path(self, run_id: str) -> Path:
        path = self.folder / self.get(run_id).id / REPORT_FILE
        if not path.is_file():
            raise NotFoundError(f"optimization '{run_id}' has no report yet")
        return path

    def save_best(self, run_id: str, new_id: str, force: bool = False) -> Path:
        """The study's best settings as a new user profile (a copy of the studied one); its folder."""
        if not new_id:
            raise UsageError("new_id: name the profile to write the best settings to")
        run = self.get(run_id)
        best = self.result(run_id).get("best")
        if best is None:
            raise UsageError(f"optimization '{run_id}' has no complete trial to save")
        if new_id == run.profile:
            raise UsageError(f"new_id {new_id}: name a new profile, not the studied one")
        profile = load_profile(run.profile, self.registry, self.home)
        return save_settings_as_profile(profile, best["settings"], new_id, self.registry, self.home, force)

    async def close(self) -> None:
        """Stops every running study and waits for it (each ends after its current trial)."""
        for event in self._stops.values():
            event.set()
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
