"""Helpers shared by the octobot channel tests (imported relatively: the tests folder is a package)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def run_until(predicate: Callable[[], bool], steps: int = 1000) -> None:
    """Let the event loop run step by step (no wall clock) until ``predicate`` holds."""
    for _ in range(steps):
        if predicate():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never became true")


class Recorder:
    """An async callback recording what it receives (and under which label)."""

    def __init__(self, log: list | None = None, label: str = "") -> None:
        self.log = [] if log is None else log
        self.label = label
        self.__qualname__ = f"Recorder[{label}]"

    async def __call__(self, message: dict) -> None:
        self.log.append((self.label, message) if self.label else message)
