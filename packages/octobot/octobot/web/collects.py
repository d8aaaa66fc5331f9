"""Data collections started from the interface: candles downloaded into a data file on the event loop,
progress as events (the same collector as `octobot data collect`)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import octobot_backtesting as ob
from octobot.secret_masking import mask

logger = logging.getLogger(__name__)


@dataclass
class CollectRun:
    id: str
    exchange: str
    symbols: list[str]
    time_frames: list[str]
    start_ms: int
    end_ms: int | None
    file: str
    status: str = "running"  # running, done, failed
    progress: float = 0.0
    error: str | None = None
    series: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class CollectJobs:
    """Runs collections; ``on_progress(run)`` is called as each advances (at most once per percent)."""

    def __init__(self, on_progress: Callable[[CollectRun], None] | None = None) -> None:
        self.on_progress = on_progress
        self.runs: dict[str, CollectRun] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def start(
        self,
        destination: Path,
        exchange: str,
        symbols: list[str],
        time_frames: list[str],
        start_ms: int,
        end_ms: int | None,
        exchange_config: dict[str, Any],
    ) -> CollectRun:
        run = CollectRun(
            id=secrets.token_hex(4),
            exchange=exchange,
            symbols=symbols,
            time_frames=time_frames,
            start_ms=start_ms,
            end_ms=end_ms,
            file=destination.name,
        )
        self.runs[run.id] = run
        coroutine = self._run(run, destination, exchange_config)
        task = asyncio.create_task(coroutine, name=f"collect {run.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return run

    async def _run(self, run: CollectRun, destination: Path, exchange_config: dict[str, Any]) -> None:
        def advance(done: int, total: int) -> None:
            share = round(done / total, 2) if total else 1.0
            if share != run.progress:
                run.progress = share
                if self.on_progress is not None:
                    self.on_progress(run)

        try:
            result = await ob.collect_ohlcv(
                destination,
                exchange=run.exchange,
                symbols=run.symbols,
                time_frames=run.time_frames,
                start_ms=run.start_ms,
                end_ms=run.end_ms,
                exchange_config=exchange_config,
                progress=advance,
            )
            run.series = [
                {"symbol": s.symbol, "time_frame": s.time_frame, "candles": s.candles} for s in result.series
            ]
            run.status, run.progress = "done", 1.0
        except Exception as error:  # the page shows why; the interface goes on
            run.status, run.error = "failed", mask(f"{type(error).__name__}: {error}")
            logger.warning("collection %s failed: %s", run.id, run.error)
        finally:
            if self.on_progress is not None:
                self.on_progress(run)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
