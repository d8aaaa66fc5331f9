"""Objectives: what a study maximises (or minimises), computed from a run's figures.

Why in the driver and not in the workers: objectives are cheap functions of the figures a worker sends
back, so a user objective (an entry point of group ``octobot.objectives``) needs to be installed only
where the study is started, not on every machine of a cluster.

A user objective is a function of the figures (a mapping, see `figures.FIGURE_NAMES`) returning a float,
or None when it has no value for that run; it maximises unless it has ``DIRECTION = "minimize"``::

    # pyproject.toml: [project.entry-points."octobot.objectives"]  steady = "my_pkg.objectives:steady"
    def steady(figures):
        return figures["profitability_pct"] - 2 * figures["max_drawdown_pct"]
"""

from __future__ import annotations

import importlib.metadata as metadata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from octobot.errors import UsageError
from octobot.suggestions import did_you_mean

ENTRY_POINT_GROUP = "octobot.objectives"
MAXIMIZE = "maximize"
MINIMIZE = "minimize"

FigureFunction = Callable[[Mapping[str, float | None]], float | None]


@dataclass(frozen=True)
class Objective:
    name: str
    direction: str
    function: FigureFunction
    description: str = ""

    def value(self, figures: Mapping[str, float | None]) -> float | None:
        value = self.function(figures)
        return None if value is None else float(value)

    def better(self, left: float, right: float) -> bool:
        return left > right if self.direction == MAXIMIZE else left < right


def _figure(name: str) -> FigureFunction:
    return lambda figures: figures.get(name)


def _profit_drawdown(figures: Mapping[str, float | None]) -> float | None:
    profit, drawdown = figures.get("profitability_pct"), figures.get("max_drawdown_pct")
    return None if profit is None or drawdown is None else profit - drawdown


BUILTIN_OBJECTIVES: dict[str, Objective] = {
    objective.name: objective
    for objective in (
        Objective("profitability", MAXIMIZE, _figure("profitability_pct"), "profitability in %"),
        Objective("sharpe", MAXIMIZE, _figure("sharpe"), "Sharpe ratio of the equity curve, annualised"),
        Objective("sortino", MAXIMIZE, _figure("sortino"), "Sortino ratio of the equity curve, annualised"),
        Objective("calmar", MAXIMIZE, _figure("calmar"), "yearly profitability over the max drawdown"),
        Objective(
            "profit_drawdown",
            MAXIMIZE,
            _profit_drawdown,
            "profitability in % minus the max drawdown in % (drawdown-penalised profit)",
        ),
        Objective("vs_market", MAXIMIZE, _figure("vs_market_pct"), "points gained over holding the market"),
        Objective("drawdown", MINIMIZE, _figure("max_drawdown_pct"), "max drawdown in % (smaller is better)"),
    )
}
DEFAULT_OBJECTIVE = "profitability"


def _entry_points() -> dict[str, metadata.EntryPoint]:
    return {entry.name: entry for entry in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def available_objectives() -> list[str]:
    return sorted({*BUILTIN_OBJECTIVES, *_entry_points()})


def get_objective(name: str) -> Objective:
    """A built-in objective, or a user's from the ``octobot.objectives`` entry points (UsageError else)."""
    if name in BUILTIN_OBJECTIVES:
        return BUILTIN_OBJECTIVES[name]
    entry = _entry_points().get(name)
    if entry is None:
        known = available_objectives()
        raise UsageError(
            f"--objective: unknown objective '{name}'{did_you_mean(name, known)} (available: "
            f"{', '.join(known)}; add your own as an entry point of group {ENTRY_POINT_GROUP})"
        )
    try:
        loaded: Any = entry.load()
    except Exception as error:
        raise UsageError(
            f"--objective: objective '{name}' ({entry.value}) failed to load: {type(error).__name__}: {error}"
        ) from error
    if isinstance(loaded, Objective):
        return loaded
    if not callable(loaded):
        raise UsageError(f"--objective: '{name}' ({entry.value}) is not a function of the figures")
    direction = getattr(loaded, "DIRECTION", MAXIMIZE)
    if direction not in (MAXIMIZE, MINIMIZE):
        raise UsageError(
            f"--objective: '{name}' has DIRECTION {direction!r}: expected '{MAXIMIZE}' or '{MINIMIZE}'"
        )
    return Objective(name, direction, loaded, (loaded.__doc__ or "").strip().split("\n")[0])


def get_objectives(names: Sequence[str]) -> tuple[Objective, ...]:
    if not names:
        names = [DEFAULT_OBJECTIVE]
    if len(set(names)) != len(names):
        raise UsageError(f"--objective: {', '.join(names)} names an objective twice")
    return tuple(get_objective(name) for name in names)


def dominates(left: Sequence[float], right: Sequence[float], objectives: Sequence[Objective]) -> bool:
    """``left`` is at least as good on every objective and better on one."""
    no_worse = all(not o.better(r, lt) for o, lt, r in zip(objectives, left, right, strict=True))
    better = any(o.better(lt, r) for o, lt, r in zip(objectives, left, right, strict=True))
    return no_worse and better


def pareto_front(points: Mapping[int, Sequence[float]], objectives: Sequence[Objective]) -> list[int]:
    """The keys of ``points`` no other point dominates, in key order."""
    return [
        key
        for key, values in sorted(points.items())
        if not any(dominates(other, values, objectives) for k, other in points.items() if k != key)
    ]
