"""What every worker of a study needs, packed once: the profile's files, the user's tentacles, the data.

Why the bytes and not paths: a Dask worker on another machine has neither the user's folder nor the data
file. The job travels once per worker (a pool's initializer, Dask's broadcast scatter); its digest names
it, so a worker unpacks it once and the study store keys cached results with it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from octobot.profile import Profile
from octobot.user_tentacle_loader import user_sources


@dataclass(frozen=True)
class Window:
    """One backtest window, open times in ms UTC (``end_ms`` included, as `run_backtest` takes it)."""

    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Fold:
    """In-sample (train) window, and the out-of-sample (test) one after it when the study splits."""

    train: Window
    test: Window | None = None


@dataclass(frozen=True)
class StudyJob:
    """Everything a trial depends on besides its settings: a trial is a function of (job, settings)."""

    profile_id: str
    #: the profile folder's JSON files, by name
    profile_files: dict[str, bytes]
    #: the user's tentacle sources (relative path -> bytes), loaded by the worker's registry
    tentacle_files: dict[str, bytes]
    #: exchange -> (file name, content) of the data files
    data_files: dict[str, tuple[str, bytes]]
    folds: tuple[Fold, ...]
    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.digest:
            object.__setattr__(self, "digest", _digest(self))

    @property
    def size(self) -> int:
        """Bytes sent to each worker."""
        files = [*self.profile_files.values(), *self.tentacle_files.values()]
        return sum(map(len, files)) + sum(len(content) for _, content in self.data_files.values())


def _digest(job: StudyJob) -> str:
    hasher = hashlib.sha256()
    hasher.update(job.profile_id.encode())
    for group in (job.profile_files, job.tentacle_files):
        for name in sorted(group):
            hasher.update(name.encode() + b"\0" + hashlib.sha256(group[name]).digest())
    for exchange in sorted(job.data_files):
        name, content = job.data_files[exchange]
        hasher.update(f"{exchange}/{name}".encode() + b"\0" + hashlib.sha256(content).digest())
    folds = [
        [
            fold.train.start_ms,
            fold.train.end_ms,
            *([fold.test.start_ms, fold.test.end_ms] if fold.test else []),
        ]
        for fold in job.folds
    ]
    hasher.update(json.dumps(folds).encode())
    return hasher.hexdigest()


def build_job(
    profile: Profile, data_files: dict[str, Path], folds: tuple[Fold, ...], tentacles_folder: Path | None
) -> StudyJob:
    """The job of a study of ``profile`` on ``data_files`` (exchange -> path) over ``folds``."""
    profile_files = {path.name: path.read_bytes() for path in sorted(profile.path.glob("*.json"))}
    tentacle_files: dict[str, bytes] = {}
    if tentacles_folder is not None:
        for source in user_sources(tentacles_folder):
            paths = [source] if source.is_file() else sorted(source.rglob("*.py"))
            for path in paths:
                if "__pycache__" not in path.parts:
                    tentacle_files[path.relative_to(tentacles_folder).as_posix()] = path.read_bytes()
    data = {exchange: (path.name, path.read_bytes()) for exchange, path in data_files.items()}
    return StudyJob(profile.path.name, profile_files, tentacle_files, data, folds)
