"""The worker side of a study: a job unpacked once per process, then one trial after the other.

Why a module-level cache keyed by the job's digest: a pool worker or a Dask worker runs many trials of
one study, and a local pool's workers live on across studies; a worker unpacks each job (profile,
tentacles, data), discovers the tentacles and loads the profile once, and every later trial only applies
its settings and replays. A trial never raises: whatever goes wrong comes back as its outcome, so one bad
configuration cannot stop a study.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import pickle
import shutil
import tempfile
import traceback
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import octobot_backtesting as ob
import octobot_evaluators as oe
from octobot.backtest import run_backtest
from octobot.errors import OctoBotError
from octobot.home import UserHome
from octobot.optimizer.figures import run_figures
from octobot.optimizer.job import Fold, StudyJob, Window
from octobot.optimizer.space import split_settings
from octobot.profile import Profile, load_profile
from octobot.tentacle_registry import TentacleRegistry

logger = logging.getLogger(__name__)

#: a trial's outcome: {"folds": [{"train": figures, "test": figures | None}]}, or {"invalid": message}
#: for settings the profile or a tentacle refuses, or {"error": message} for anything else
Outcome = dict[str, Any]

#: loggers of the backtest whose warnings repeat on every trial (the driver reports the data once)
_QUIET_LOGGERS = ("octobot.backtest", "octobot_backtesting")

#: jobs a worker keeps unpacked: a local pool's workers serve study after study (the web interface runs
#: several at once); beyond this, the one used least recently is dropped, its folder removed
MAX_JOBS = 4


@dataclass
class _WorkerState:
    home: UserHome
    registry: TentacleRegistry
    profile: Profile
    data_files: list[Path]
    folds: tuple[Fold, ...]


#: the unpacked jobs of this process by digest, least recently used first
_STATES: OrderedDict[str, _WorkerState] = OrderedDict()


def warm_up() -> None:
    """What every worker needs before its first trial, whatever the job: the installed tentacles
    imported and their schemas checked (about a second of CPU). The local pool's forkserver runs it once
    (`octobot.optimizer.forkserver_preload`) and every worker forked from it starts with it done."""
    try:
        TentacleRegistry.discover(None)  # never raises for a broken tentacle; anything else is a bug
    except Exception:  # the workers then discover on their own: slower, never wrong
        logger.exception("the optimizer workers' warm-up failed")


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
    return _WorkerState(home, registry, profile, data_files, job.folds)


def _remove(root: Path, owner: int) -> None:
    """The unpacked job of the process that unpacked it (a forked child inherits the exit hook)."""
    if os.getpid() == owner:
        shutil.rmtree(root, ignore_errors=True)


def worker_state(job: StudyJob) -> _WorkerState:
    """The unpacked job of this process (unpacked on first use)."""
    state = _STATES.get(job.digest)
    if state is not None:
        _STATES.move_to_end(job.digest)
        return state
    state = _STATES[job.digest] = _unpack(job)
    while len(_STATES) > MAX_JOBS:
        _, dropped = _STATES.popitem(last=False)
        _remove(dropped.home.root, os.getpid())
    return state


def unpacked_jobs() -> list[str]:
    """The digests of the jobs this process holds unpacked (what a study's workers received)."""
    return sorted(_STATES)


def run_shared(digest: str, job_file: str, settings: Mapping[str, Any]) -> Outcome:
    """A local pool's trial: the job named by ``digest``, read from ``job_file`` (where the study wrote
    it once) the first time this process meets it; a trial travels as its settings, not the job (its
    data files can weigh megabytes)."""
    state = _STATES.get(digest)
    if state is None:
        try:
            with open(job_file, "rb") as file:
                job = pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError) as error:
            return {"error": f"the study's job file {job_file} cannot be read: {error}"}
        if not isinstance(job, StudyJob) or job.digest != digest:
            return {"error": f"{job_file} does not hold the job {digest[:12]} (a bug: report it)"}
        return run_trial(job, settings)
    _STATES.move_to_end(digest)
    return _run_unpacked(state, settings)


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
    except (oe.EvaluatorConfigError, OctoBotError) as error:
        return {"invalid": str(error)}
    except Exception as error:  # a trial's failure is its outcome, with its traceback for --debug
        return {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
    return _run_unpacked(state, settings)


@contextlib.contextmanager
def _quiet_loggers() -> Iterator[None]:
    """The backtest's repeated warnings muted for one trial, the levels put back after it.

    Why scoped: a serial study runs its trials in the caller's process (the command line, a library
    user, the web interface), whose own backtests must keep their warnings after the study."""
    loggers = [logging.getLogger(name) for name in _QUIET_LOGGERS]
    levels = [each.level for each in loggers]
    for each in loggers:
        each.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for each, level in zip(loggers, levels, strict=True):
            each.setLevel(level)


def _run_unpacked(state: _WorkerState, settings: Mapping[str, Any]) -> Outcome:
    try:
        try:
            profile = _trial_profile(state, settings)
        except OctoBotError as error:
            return {"invalid": str(error)}
        with _quiet_loggers():
            return asyncio.run(_run_folds(state.folds, profile, state.data_files))
    except (oe.EvaluatorConfigError, OctoBotError) as error:
        return {"invalid": str(error)}
    except Exception as error:  # a trial's failure is its outcome, with its traceback for --debug
        return {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}


async def _run_folds(folds: tuple[Fold, ...], profile: Profile, data_files: list[Path]) -> Outcome:
    results = []
    for fold in folds:
        train = await _figures(profile, data_files, fold.train)
        test = None if fold.test is None else await _figures(profile, data_files, fold.test)
        results.append({"train": train, "test": test})
    return {"folds": results}


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
