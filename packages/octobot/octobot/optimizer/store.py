"""A study in SQLite: its options, its trials, and the outcome of every configuration already run.

Why it resumes exactly: a study's trials are a function of its options (the seed among them) and of the
outcomes told so far, in trial order. On resume the study asks its sampler again from the first trial;
each configuration whose outcome is stored is told at once instead of run, so the study walks the same
path up to where it stopped and goes on from there. Outcomes are keyed by (job digest, settings), so an
identical configuration is never run twice, in one study or across studies of the same job. Each outcome
is committed when it arrives: a kill -9 loses at most the trials that were running.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from octobot.errors import DataError, UsageError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS studies (
    name TEXT PRIMARY KEY, options TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS trials (
    study TEXT NOT NULL, number INTEGER NOT NULL, settings TEXT NOT NULL, state TEXT NOT NULL,
    record TEXT, finished_ms INTEGER, PRIMARY KEY (study, number));
CREATE TABLE IF NOT EXISTS outcomes (
    job TEXT NOT NULL, settings TEXT NOT NULL, outcome TEXT NOT NULL, PRIMARY KEY (job, settings));
"""

PENDING = "pending"


def settings_key(settings: Mapping[str, Any]) -> str:
    """The canonical text of a configuration: equal settings, equal keys."""
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))


class StudyStore:
    """One SQLite file holding any number of studies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise DataError(f"{path}: not a study store ({error}); give another --store file") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StudyStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- studies -------------------------------------------------------------------------------
    def open_study(self, name: str, options: Mapping[str, Any]) -> int:
        """Create the study ``name``, or check that the existing one has the same ``options``; the count
        of trials it already finished."""
        text = json.dumps(options, sort_keys=True)
        row = self._db.execute("SELECT options FROM studies WHERE name = ?", (name,)).fetchone()
        if row is None:
            self._db.execute("INSERT INTO studies VALUES (?, ?, ?)", (name, text, int(time.time() * 1000)))
            return 0
        if row[0] != text:
            stored = json.loads(row[0])
            changed = sorted(key for key in {*stored, *options} if stored.get(key) != options.get(key))
            raise UsageError(
                f"--study {name}: {self.path} holds a study of that name run with other options "
                f"(different: {', '.join(changed)}); give another --study name to start a new one"
            )
        return self.finished(name)

    def finished(self, name: str) -> int:
        (count,) = self._db.execute(
            "SELECT COUNT(*) FROM trials WHERE study = ? AND state != ?", (name, PENDING)
        ).fetchone()
        return int(count)

    def studies(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT name FROM studies ORDER BY created_ms, name")]

    # --- trials --------------------------------------------------------------------------------
    def asked(self, study: str, number: int, settings: Mapping[str, Any]) -> None:
        """Trial ``number`` asks for ``settings``; on resume, they must be the ones asked before."""
        key = settings_key(settings)
        row = self._db.execute(
            "SELECT settings FROM trials WHERE study = ? AND number = ?", (study, number)
        ).fetchone()
        if row is None:
            self._db.execute(
                "INSERT INTO trials (study, number, settings, state) VALUES (?, ?, ?, ?)",
                (study, number, key, PENDING),
            )
        elif row[0] != key:
            raise DataError(
                f"{self.path}: study {study} trial {number} resumed with other settings than it was run "
                "with (the sampler's library changed?); start another --study"
            )

    def finish(self, study: str, number: int, state: str, record: Mapping[str, Any]) -> None:
        self._db.execute(
            "UPDATE trials SET state = ?, record = ?, finished_ms = ? WHERE study = ? AND number = ?",
            (state, json.dumps(record), int(time.time() * 1000), study, number),
        )

    def records(self, study: str) -> list[dict[str, Any]]:
        """The finished trials of ``study`` in trial order."""
        rows = self._db.execute(
            "SELECT record FROM trials WHERE study = ? AND state != ? ORDER BY number", (study, PENDING)
        )
        return [json.loads(row[0]) for row in rows]

    # --- outcomes ------------------------------------------------------------------------------
    def outcome(self, job: str, key: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT outcome FROM outcomes WHERE job = ? AND settings = ?", (job, key)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def save_outcome(self, job: str, key: str, outcome: Mapping[str, Any]) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?)", (job, key, json.dumps(dict(outcome)))
        )

    def outcomes_count(self, job: str) -> int:
        (count,) = self._db.execute("SELECT COUNT(*) FROM outcomes WHERE job = ?", (job,)).fetchone()
        return int(count)
