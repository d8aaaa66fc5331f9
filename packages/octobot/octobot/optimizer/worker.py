"""The worker side of a study: a job unpacked once per process, then one trial after the other.

Why a module-level cache keyed by the job's digest: a pool worker or a Dask worker runs many trials of
one study; it unpacks the job (profile, tentacles, data), discovers the tentacles and loads the profile
once, and every later trial only applies its settings and replays. A trial never raises: whatever goes
wrong comes back as its outcome, so one bad configuration cannot stop a study.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import tempfile
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import octobot_backtesting as ob
import octobot_evaluators as oe
from octobot.backtest import run_backtest
from octobot.errors import OctoBotError
from octobot.home import UserHome
from octobot.optimizer.figures import run_figures
from octobot.optimizer.job import StudyJob, Window
from octobot.optimizer.space import split_settings
from octobot.profile import Profile, load_profile
from octobot.tentacle_registry import TentacleRegistry

logger = logging.getLogger(__name__)

#: a trial's outcome: {"folds": [{"train": figures, "test": figures | None}]}, or {"invalid": message}
#: for settings the profile or a tentacle refuses, or {"error": message} for anything else
Outcome = dict[str, Any]

#: loggers of the backtest whose warnings repeat on every trial (the driver reports the data once)
_QUIET_LOGGERS = ("octobot.backtest", "octobot_backtesting")


@dataclass
class _WorkerState:
    home: UserHome
    registry: TentacleRegistry
    profile: Profile
    data_files: list[Path]


_STATES: dict[str, _WorkerState] = {}
#: the jobs a pool's initializer gave this process, by digest: a trial then travels as (digest, settings)
_JOBS: dict[str, StudyJob] = {}


def _unpack(job: StudyJob) -> _WorkerState:
    root = Path(tempfile.mkdtemp(prefix="octobot-optimizer-"))
    atexit.register(_remove, root, os.getpid())
    home = UserHome(root).ensure()
    folder = home.profiles / job.profile_id
    folder.mkdir()
    for name, content in job.profile_files.items():
        (folder / name).write_bytes(content)
    for relative, content in job.tentacle_files.items():
        path = home.tentacles / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    data_files = []
    for exchange, (name, content) in sorted(job.data_files.items()):
        path = home.data / exchange / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        data_files.append(path)
    registry = TentacleRegistry.discover(home.tentacles)
    profile = load_profile(folder, registry, home, check_exchanges=False)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    return _WorkerState(home, registry, profile, data_files)


def _remove(root: Path, owner: int) -> None:
    """At exit, the unpacked job of the process that unpacked it (a forked child inherits the hook)."""
    if os.getpid() == owner:
        shutil.rmtree(root, ignore_errors=True)


def worker_state(job: StudyJob) -> _WorkerState:
    """The unpacked job of this process (unpacked on first use)."""
    state = _STATES.get(job.digest)
    if state is None:
        state = _STATES[job.digest] = _unpack(job)
    return state


def prepare(job: StudyJob) -> None:
    """A pool's initializer: unpack the job before the first trial, and keep it for `run_prepared`."""
    _JOBS[job.digest] = job
    worker_state(job)


def run_prepared(digest: str, settings: Mapping[str, Any]) -> Outcome:
    """`run_trial` on the job `prepare` kept: a pool sends the digest, not the job (its data files can
    weigh megabytes, pickled again for every trial otherwise)."""
    job = _JOBS.get(digest)
    if job is None:
        return {"error": f"the job {digest[:12]} was not prepared in this worker (a bug: report it)"}
    return run_trial(job, settings)


def _trial_profile(state: _WorkerState, settings: Mapping[str, Any]) -> Profile:
    """The job's profile with ``settings`` applied, validated as a written profile is."""
    profile_changes, tentacle_changes = split_settings(settings, state.profile)
    return load_profile(
        state.profile.path,
        state.registry,
        state.home,
        check_exchanges=False,
        profile_changes=profile_changes,
        tentacle_changes=tentacle_changes,
    )


def run_trial(job: StudyJob, settings: Mapping[str, Any]) -> Outcome:
    """The figures of every window of ``job`` with ``settings`` applied; never raises."""
    try:
        state = worker_state(job)
        try:
            profile = _trial_profile(state, settings)
        except OctoBotError as error:
            return {"invalid": str(error)}
        return asyncio.run(_run_folds(job, profile, state.data_files))
    except (oe.EvaluatorConfigError, OctoBotError) as error:
        return {"invalid": str(error)}
    except Exception as error:  # a trial's failure is its outcome, with its traceback for --debug
        return {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}


async def _run_folds(job: StudyJob, profile: Profile, data_files: list[Path]) -> Outcome:
    folds = []
    for fold in job.folds:
        train = await _figures(profile, data_files, fold.train)
        test = None if fold.test is None else await _figures(profile, data_files, fold.test)
        folds.append({"train": train, "test": test})
    return {"folds": folds}


async def _figures(profile: Profile, data_files: list[Path], window: Window) -> dict[str, float | None]:
    outcome = await run_backtest(profile, data_files, start_ms=window.start_ms, end_ms=window.end_ms)
    return run_figures(outcome.report)


def best_run_report(job: StudyJob, settings: Mapping[str, Any], window: Window) -> ob.RunReport:
    """The full backtest report of ``settings`` over ``window`` (the study report shows the best one's)."""
    state = worker_state(job)
    profile = _trial_profile(state, settings)
    outcome = asyncio.run(
        run_backtest(profile, state.data_files, start_ms=window.start_ms, end_ms=window.end_ms)
    )
    return outcome.report
