"""Backtests started from the interface: run on the event loop as tasks, progress as events, every run
kept in ``<home>/backtests/<id>/`` (its settings, figures and HTML report) so past runs can be compared.

Why tasks on the bot's loop: the replay yields to the loop between instants, so pages and the live bot
keep answering while a backtest runs, and no thread is added.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from octobot.backtest import run_backtest
from octobot.errors import NotFoundError, OctoBotError
from octobot.home import UserHome
from octobot.json_files import read_json, write_json
from octobot.profile import load_profile
from octobot.secret_masking import mask
from octobot.tentacle_registry import TentacleRegistry

logger = logging.getLogger(__name__)

RUN_FILE = "run.json"
FIGURES_FILE = "figures.json"
REPORT_FILE = "report.html"
#: most equity points kept for the in-page chart of a run
_EQUITY_POINTS = 2000


@dataclass
class BacktestRun:
    """One backtest as listed: what was asked, where it is, and its headline figures once done."""

    id: str
    profile: str
    data_files: list[str]
    start_ms: int | None
    end_ms: int | None
    status: str = "running"  # running, done, failed
    progress: float = 0.0
    created_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _summary(figures: dict[str, Any]) -> dict[str, Any]:
    profit = figures["profitability"]
    return {
        "profitability_pct": profit["profitability_pct"],
        "market_average_pct": profit["market_average_pct"],
        "vs_market_pct": profit["vs_market_pct"],
        "end_value": profit["end_value"],
        "trade_count": figures["trade_count"],
        "max_drawdown_pct": figures["max_drawdown"]["pct"],
        "win_rate_pct": figures["win_rate"]["win_rate_pct"],
        "reference_market": figures["reference_market"],
        "start": figures["start"],
        "end": figures["end"],
    }


def _equity(times: Any, values: Any) -> list[list[float]]:
    times_array = np.asarray(times, dtype=np.int64)
    values_array = np.asarray([float(value) for value in values], dtype=np.float64)
    if len(times_array) > _EQUITY_POINTS:
        picked = np.linspace(0, len(times_array) - 1, _EQUITY_POINTS).astype(np.int64)
        times_array, values_array = times_array[picked], values_array[picked]
    return [[int(t), float(v)] for t, v in zip(times_array, values_array, strict=True)]


class BacktestJobs:
    """Starts backtests and keeps their results; ``on_progress(run)`` is called as a run advances."""

    def __init__(
        self,
        home: UserHome,
        registry: TentacleRegistry,
        on_progress: Callable[[BacktestRun], None] | None = None,
    ) -> None:
        self.home = home
        self.registry = registry
        self.on_progress = on_progress
        self._running: dict[str, BacktestRun] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def folder(self) -> Path:
        return self.home.root / "backtests"

    def start(
        self, profile_id: str, data_files: list[Path], start_ms: int | None = None, end_ms: int | None = None
    ) -> BacktestRun:
        """Check the profile and files now (errors go back to the caller), then run in the background."""
        profile = load_profile(profile_id, self.registry, self.home)
        for path in data_files:
            if not path.is_file():
                raise NotFoundError(f"data file '{path.name}' not found (see the data page)")
        run = BacktestRun(
            id=f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{secrets.token_hex(3)}",
            profile=profile_id,
            data_files=[path.name for path in data_files],
            start_ms=start_ms,
            end_ms=end_ms,
        )
        self._running[run.id] = run
        self._save(run)
        task = asyncio.create_task(self._run(run, profile, data_files), name=f"backtest {run.id}")
        self._tasks[run.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(run.id, None))
        return run

    async def wait(self, run_id: str) -> BacktestRun:
        """The run once it is over (done or failed)."""
        task = self._tasks.get(run_id)
        if task is not None:
            await asyncio.shield(task)
        return self.get(run_id)

    async def _run(self, run: BacktestRun, profile: Any, data_files: list[Path]) -> None:
        def advance(share: float) -> None:
            run.progress = round(share, 4)
            if self.on_progress is not None:
                self.on_progress(run)

        try:
            outcome = await run_backtest(
                profile, data_files, start_ms=run.start_ms, end_ms=run.end_ms, progress=advance
            )
            figures = json.loads(outcome.report.to_json())
            result = outcome.report.result
            figures["equity"] = _equity(result.equity_times_ms, result.equity_values)
            folder = self.folder / run.id
            write_json(folder / FIGURES_FILE, figures)
            await asyncio.to_thread(outcome.report.write_html, folder / REPORT_FILE)
            run.summary = _summary(figures)
            run.status, run.progress = "done", 1.0
        except (OctoBotError, ValueError, OSError) as error:
            run.status, run.error = "failed", mask(str(error))
            logger.warning("backtest %s failed: %s", run.id, run.error)
        except Exception as error:  # a bug in a tentacle must not kill the interface
            run.status, run.error = "failed", mask(f"unexpected {type(error).__name__}: {error}")
            logger.exception("backtest %s failed", run.id)
        finally:
            self._running.pop(run.id, None)
            self._save(run)
            if self.on_progress is not None:
                self.on_progress(run)

    def _save(self, run: BacktestRun) -> None:
        write_json(self.folder / run.id / RUN_FILE, run.to_dict())

    def list(self) -> list[BacktestRun]:
        """Every run, newest first (running ones with their live progress)."""
        runs: dict[str, BacktestRun] = {}
        if self.folder.is_dir():
            for path in self.folder.glob(f"*/{RUN_FILE}"):
                try:
                    runs[path.parent.name] = BacktestRun(**read_json(path, decimals=False))
                except (OctoBotError, TypeError) as error:
                    logger.warning("%s: skipped (%s)", path, error)
        runs.update(self._running)
        return sorted(runs.values(), key=lambda run: run.id, reverse=True)

    def get(self, run_id: str) -> BacktestRun:
        if run_id in self._running:
            return self._running[run_id]
        path = self.folder / Path(run_id).name / RUN_FILE
        if not path.is_file():
            raise NotFoundError(f"backtest '{run_id}' not found")
        return BacktestRun(**read_json(path, decimals=False))

    def figures(self, run_id: str) -> dict[str, Any]:
        run = self.get(run_id)
        path = self.folder / run.id / FIGURES_FILE
        if run.status != "done" or not path.is_file():
            raise NotFoundError(f"backtest '{run_id}' has no result ({run.status})")
        content: dict[str, Any] = read_json(path, decimals=False)
        return content

    def report_path(self, run_id: str) -> Path:
        path = self.folder / self.get(run_id).id / REPORT_FILE
        if not path.is_file():
            raise NotFoundError(f"backtest '{run_id}' has no report yet")
        return path

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
