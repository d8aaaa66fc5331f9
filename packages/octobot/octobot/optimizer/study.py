"""A study: its sampler asks for settings, an executor runs the trials, the store keeps every result.

Why the results are the same on one core, a pool or a cluster: the sampler asks for trial ``n`` only when
the results of trials ``0 .. n - pending - 1`` have all been told, and results are told in trial order
(a result that comes early waits for the earlier ones). The sequence of asks and tells is then fixed by
the seed and ``pending`` alone, whatever finishes first; the executor only decides how many of the
``pending`` trials are in flight at once (its ``slots``: two per worker, one running, one queued).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import octobot_trading as ot
from octobot.backtest import match_data_files
from octobot.errors import UsageError
from octobot.home import UserHome
from octobot.optimizer.dask_executor import DaskExecutor
from octobot.optimizer.executors import (
    IN_FLIGHT_PER_WORKER,
    Executor,
    PoolExecutor,
    SerialExecutor,
    default_workers,
)
from octobot.optimizer.figures import mean_figures
from octobot.optimizer.folds import data_period, make_folds
from octobot.optimizer.job import Fold, StudyJob, Window, build_job
from octobot.optimizer.objectives import Objective, get_objectives, pareto_front
from octobot.optimizer.samplers import DEFAULT_SAMPLER, make_sampler
from octobot.optimizer.space import SearchSpace, default_space, load_space
from octobot.optimizer.store import StudyStore, settings_key
from octobot.profile import Profile, load_profile
from octobot.profile_store import DEFAULT_PROFILE
from octobot.tentacle_registry import TentacleRegistry

logger = logging.getLogger(__name__)

#: trials the sampler proposes before it is told the results of the earlier ones, unless the executor
#: runs more at once (results are identical across executors for the same seed and pending)
DEFAULT_PENDING = 8
STORE_NAME = "studies.sqlite"

# the states of a finished trial
COMPLETE = "complete"
FILTERED = "filtered"  # ran, but below --min-trades or an objective has no value for it
INVALID = "invalid"  # settings the profile or a tentacle refuses (fast period above the slow one...)
FAILED = "failed"  # anything else: a bug, a lost worker too many times


@dataclass
class StudyOptions:
    """What `run_study` runs; the defaults are the CLI's."""

    profile: str | Path = DEFAULT_PROFILE
    data: Sequence[Path] = ()
    space: Path | None = None
    trials: int = 20
    sampler: str = DEFAULT_SAMPLER
    seed: int = 0
    objectives: Sequence[str] = ()
    min_trades: int = 0
    folds: int = 1
    test_share: float = 0.25
    start_ms: int | None = None
    end_ms: int | None = None
    #: local processes; 1 runs in this process (serial); None: one per core
    workers: int | None = None
    scheduler: str | None = None
    pending: int | None = None
    store: Path | None = None
    study: str | None = None


@dataclass(frozen=True)
class StudyProgress:
    """Sent to the progress callback after each finished trial."""

    done: int
    total: int
    #: the trial just finished (its record), and the best one so far (None before a complete trial)
    trial: dict[str, Any]
    best: dict[str, Any] | None


@dataclass
class StudyResult:
    name: str
    store: Path
    objectives: tuple[Objective, ...]
    space: SearchSpace
    folds: tuple[Fold, ...]
    job: StudyJob = field(repr=False)
    profile: Profile = field(repr=False)
    trials: list[dict[str, Any]] = field(default_factory=list)
    #: trials finished before this call (resumed), and backtests actually run by this call
    resumed: int = 0
    executed: int = 0
    duration_s: float = 0.0
    #: the ``stop`` callable of `run_study` asked to stop before every trial was done
    stopped: bool = False

    @property
    def pareto_front(self) -> list[int]:
        points = {
            trial["number"]: [trial["objectives"][o.name] for o in self.objectives]
            for trial in self.trials
            if trial["state"] == COMPLETE
        }
        return pareto_front(points, self.objectives)

    @property
    def best(self) -> dict[str, Any] | None:
        """The best complete trial on the first objective (among the Pareto front with several)."""
        front = set(self.pareto_front)
        candidates = [trial for trial in self.trials if trial["number"] in front]
        return best_of(candidates, self.objectives)

    def ranked(self) -> list[dict[str, Any]]:
        """Complete trials, best first on the first objective (ties: earlier trial first)."""
        first = self.objectives[0]
        sign = -1 if first.direction == "maximize" else 1
        complete = [trial for trial in self.trials if trial["state"] == COMPLETE]
        return sorted(complete, key=lambda t: (sign * t["objectives"][first.name], t["number"]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "study": self.name,
            "store": str(self.store),
            "profile": self.profile.name,
            "objectives": [{"name": o.name, "direction": o.direction} for o in self.objectives],
            "space": self.space.describe(),
            "folds": [
                {
                    "train": [fold.train.start_ms, fold.train.end_ms],
                    "test": None if fold.test is None else [fold.test.start_ms, fold.test.end_ms],
                }
                for fold in self.folds
            ],
            "trials": self.trials,
            "best": self.best,
            "pareto_front": self.pareto_front,
        }


def best_of(trials: Sequence[dict[str, Any]], objectives: Sequence[Objective]) -> dict[str, Any] | None:
    first = objectives[0]
    best = None
    for trial in trials:
        if trial["state"] != COMPLETE:
            continue
        if best is None or first.better(trial["objectives"][first.name], best["objectives"][first.name]):
            best = trial
    return best


@dataclass
class _Pending:
    number: int
    token: Any
    settings: dict[str, Any]
    key: str
    outcome: dict[str, Any] | None = None
    submitted: bool = False


@dataclass
class _Prepared:
    profile: Profile
    space: SearchSpace
    objectives: tuple[Objective, ...]
    job: StudyJob
    options: dict[str, Any]
    name: str
    pending: int


def prepare_study(
    options: StudyOptions, registry: TentacleRegistry, home: UserHome, workers: int
) -> _Prepared:
    """Everything checked before any trial runs: profile, space against the schemas, objectives, data."""
    if options.trials < 1:
        raise UsageError(f"--trials: expected at least 1, got {options.trials}")
    profile = load_profile(options.profile, registry, home)
    space = (
        default_space(profile)
        if options.space is None
        else load_space(Path(options.space), profile, registry)
    )
    objectives = get_objectives(list(options.objectives))
    files = match_data_files(profile, list(options.data))
    period = data_period(profile, files)
    start = period.start_ms if options.start_ms is None else max(period.start_ms, options.start_ms)
    end = period.end_ms if options.end_ms is None else min(period.end_ms, options.end_ms)
    if start >= end:
        raise UsageError("--start/--end: the window holds no candle of the data; widen it")
    step = ot.parse_time_frame(str(ot.smallest_time_frame(profile.time_frames).value)).ms
    folds = make_folds(Window(start, end), step, options.folds, options.test_share)
    job = build_job(profile, files, folds, home.tentacles)
    pending = options.pending or max(DEFAULT_PENDING, workers * IN_FLIGHT_PER_WORKER)
    if pending < 1:
        raise UsageError(f"--pending: expected at least 1, got {pending}")
    identity = {
        "job": job.digest,
        "space": space.describe(),
        "sampler": options.sampler,
        "seed": options.seed,
        "objectives": [objective.name for objective in objectives],
        "min_trades": options.min_trades,
        "pending": pending,
    }
    name = (
        options.study
        or "study-" + hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:12]
    )
    return _Prepared(profile, space, objectives, job, identity, name, pending)


def run_study(
    options: StudyOptions,
    *,
    registry: TentacleRegistry | None = None,
    home: UserHome | None = None,
    progress: Callable[[StudyProgress], None] | None = None,
    client: Any = None,
    stop: Callable[[], bool] | None = None,
) -> StudyResult:
    """Run (or resume) the study ``options`` describes; ``client``: a Dask client to run trials on.

    Blocking (run it in a thread from an event loop). ``progress`` is called after each finished trial;
    ``stop`` too, and a true answer ends the study there (``result.stopped``; trials still running are
    dropped). Ctrl-C (KeyboardInterrupt) stops it as well; every finished trial is stored and the same
    call resumes.
    """
    began = time.perf_counter()
    user_home = home or UserHome.resolve()
    registry = registry or TentacleRegistry.discover(user_home.tentacles)
    distributed = client is not None or options.scheduler is not None
    workers = 1 if distributed else (options.workers or default_workers())
    if workers < 1:
        raise UsageError(f"--workers: expected at least 1, got {workers}")
    prepared = prepare_study(options, registry, user_home, workers)
    store_path = options.store or user_home.root / "optimizer" / STORE_NAME
    sampler = make_sampler(
        options.sampler, prepared.space, prepared.objectives, options.seed, prepared.pending
    )
    with StudyStore(store_path) as store:
        resumed = store.open_study(prepared.name, prepared.options)
        executor: Executor
        if distributed:
            executor = DaskExecutor(prepared.job, options.scheduler, client)
        elif workers == 1:
            executor = SerialExecutor(prepared.job)
        else:
            executor = PoolExecutor(prepared.job, workers)
        result = StudyResult(
            prepared.name,
            store_path,
            prepared.objectives,
            prepared.space,
            prepared.job.folds,
            prepared.job,
            prepared.profile,
            resumed=resumed,
        )
        try:
            _loop(prepared, options, sampler, executor, store, result, progress, stop)
        finally:
            executor.close()
    result.duration_s = time.perf_counter() - began
    return result


def _loop(
    prepared: _Prepared,
    options: StudyOptions,
    sampler: Any,
    executor: Executor,
    store: StudyStore,
    result: StudyResult,
    progress: Callable[[StudyProgress], None] | None,
    stop: Callable[[], bool] | None,
) -> None:
    window: deque[_Pending] = deque()
    running: dict[str, list[_Pending]] = {}  # settings key -> trials waiting for that configuration
    digest = prepared.job.digest
    best: dict[str, Any] | None = None
    exhausted = False

    def refill() -> None:
        # ask until ``pending`` trials wait for their result: called after each tell, so that the order
        # of asks and tells never depends on which trial finished first
        nonlocal exhausted
        while (
            not exhausted
            and len(result.trials) + len(window) < options.trials
            and len(window) < prepared.pending
        ):
            got = sampler.ask()
            if got is None:
                exhausted = True
                return
            token, settings = got
            number = len(result.trials) + len(window)
            entry = _Pending(number, token, settings, settings_key(settings))
            store.asked(prepared.name, number, settings)
            entry.outcome = store.outcome(digest, entry.key)
            window.append(entry)

    refill()
    while window:
        for entry in window:
            if entry.outcome is not None or entry.submitted:
                continue
            if entry.key in running:  # the same configuration is already running: share its outcome
                running[entry.key].append(entry)
                entry.submitted = True
            elif len(running) < executor.slots:
                running[entry.key] = [entry]
                entry.submitted = True
                executor.submit(entry.number, entry.settings)
        if window[0].outcome is None:
            by_number = {entry.number: entry for entry in window}
            for number, outcome in executor.wait():
                entry = by_number[number]
                if "error" not in outcome:
                    store.save_outcome(digest, entry.key, outcome)
                else:
                    logger.warning("trial %d failed: %s", number, outcome["error"])
                result.executed += 1
                for waiting in running.pop(entry.key, [entry]):
                    waiting.outcome = outcome
            continue
        while window and window[0].outcome is not None:
            entry = window.popleft()
            assert entry.outcome is not None
            record = trial_record(
                entry.number, entry.settings, entry.outcome, prepared.objectives, options.min_trades
            )
            values = None
            if record["state"] == COMPLETE:
                values = [record["objectives"][objective.name] for objective in prepared.objectives]
            sampler.tell(entry.token, values)
            store.finish(prepared.name, entry.number, record["state"], record)
            result.trials.append(record)
            best = best_of([record] if best is None else [best, record], prepared.objectives)
            if progress is not None:
                progress(StudyProgress(len(result.trials), options.trials, record, best))
            if stop is not None and stop():
                result.stopped = True
                return
            refill()


def trial_record(
    number: int,
    settings: Mapping[str, Any],
    outcome: Mapping[str, Any],
    objectives: Sequence[Objective],
    min_trades: int,
) -> dict[str, Any]:
    """A finished trial as stored, printed and written to --json: in-sample objectives (what the sampler
    was told) beside the out-of-sample ones."""
    record: dict[str, Any] = {
        "number": number,
        "state": COMPLETE,
        "settings": dict(settings),
        "objectives": {},
        "test_objectives": None,
        "figures": None,
        "message": None,
    }
    if "invalid" in outcome or "error" in outcome:
        record["state"] = INVALID if "invalid" in outcome else FAILED
        record["message"] = outcome.get("invalid") or outcome.get("error")
        return record
    folds = outcome["folds"]
    train = mean_figures([fold["train"] for fold in folds])
    tested = [fold["test"] for fold in folds if fold["test"] is not None]
    test = mean_figures(tested) if tested else None
    record["figures"] = {"train": train, "test": test, "folds": folds}
    record["objectives"] = {o.name: _mean(o, [fold["train"] for fold in folds]) for o in objectives}
    if test is not None:
        record["test_objectives"] = {o.name: _mean(o, tested) for o in objectives}
    trades = int(train["trades"] or 0)
    if trades < min_trades:
        record["state"] = FILTERED
        record["message"] = f"{trades} trade(s) in sample, below --min-trades {min_trades}"
    elif any(value is None for value in record["objectives"].values()):
        missing = [name for name, value in record["objectives"].items() if value is None]
        record["state"] = FILTERED
        record["message"] = f"no value for {', '.join(missing)} (no trade or no drawdown in a window?)"
    return record


def _mean(objective: Objective, windows: Sequence[Mapping[str, float | None]]) -> float | None:
    values = [objective.value(window) for window in windows]
    if not values or any(value is None for value in values):
        return None
    return sum(values) / len(values)  # type: ignore[arg-type]
