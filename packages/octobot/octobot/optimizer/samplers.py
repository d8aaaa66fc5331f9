"""Samplers: which settings the next trial tries. Optuna's (ask/tell) for tpe, nsga2 and random; a grid.

Why ask/tell: the study, not optuna, runs the trials (on a pool or a cluster) and decides when a result
is told, in trial order, so that a seed gives the same trials whatever runs them (see `study`).
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from typing import Any, Protocol

from octobot.errors import UsageError
from octobot.optimizer.objectives import Objective
from octobot.optimizer.space import Parameter, SearchSpace

SAMPLERS = ("tpe", "random", "grid", "nsga2")
DEFAULT_SAMPLER = "tpe"
#: a grid is walked in a seeded random order, listed whole: above this size, use another sampler
MAX_GRID = 1_000_000


class Sampler(Protocol):
    def ask(self) -> tuple[Any, dict[str, Any]] | None:
        """(a token for `tell`, the settings of the next trial); None when there is nothing left to try."""

    def tell(self, token: Any, values: Sequence[float] | None) -> None:
        """The objective values of the trial asked with ``token``; None: it has none (refused, failed)."""


def _primitive(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


class OptunaSampler:
    """An optuna study in memory, driven by ask/tell."""

    def __init__(self, space: SearchSpace, objectives: Sequence[Objective], sampler: Any) -> None:
        import optuna

        optuna.logging.set_verbosity(logging.WARNING)
        self._space = space
        self._optuna = optuna
        directions: list[Any] = [objective.direction for objective in objectives]
        self._study = optuna.create_study(directions=directions, sampler=sampler)

    def ask(self) -> tuple[Any, dict[str, Any]]:
        trial = self._study.ask()
        return trial, {
            parameter.name: self._suggest(trial, parameter) for parameter in self._space.parameters
        }

    def _suggest(self, trial: Any, parameter: Parameter) -> Any:
        if parameter.kind == "bool":
            return trial.suggest_categorical(parameter.name, [False, True])
        if parameter.kind == "choice":
            if all(_primitive(choice) for choice in parameter.choices):
                return trial.suggest_categorical(parameter.name, list(parameter.choices))
            encoded = [json.dumps(choice) for choice in parameter.choices]
            return json.loads(trial.suggest_categorical(parameter.name, encoded))
        assert parameter.low is not None and parameter.high is not None
        if parameter.kind == "int":
            return trial.suggest_int(
                parameter.name,
                int(parameter.low),
                int(parameter.high),
                step=int(parameter.step or 1),
                log=parameter.log,
            )
        value = trial.suggest_float(
            parameter.name, parameter.low, parameter.high, step=parameter.step, log=parameter.log
        )
        return round(value, 10)

    def tell(self, token: Any, values: Sequence[float] | None) -> None:
        if values is None:
            self._study.tell(token, state=self._optuna.trial.TrialState.FAIL)
        else:
            self._study.tell(token, list(values))


class GridSampler:
    """Every combination of the parameters' values once, in an order shuffled by the seed."""

    def __init__(self, space: SearchSpace, seed: int) -> None:
        self._values = [parameter.values() for parameter in space.parameters]
        self._names = space.names
        size = space.grid_size()
        if size > MAX_GRID:
            raise UsageError(
                f"--sampler grid: the space holds {size:,} combinations (at most {MAX_GRID:,}); use "
                "--sampler tpe or random, or coarser steps"
            )
        self._order = list(range(size))
        random.Random(seed).shuffle(self._order)
        self._next = 0

    def ask(self) -> tuple[Any, dict[str, Any]] | None:
        if self._next >= len(self._order):
            return None
        index = self._order[self._next]
        self._next += 1
        settings = {}
        for name, values in reversed(list(zip(self._names, self._values, strict=True))):
            index, position = divmod(index, len(values))
            settings[name] = values[position]
        return None, {name: settings[name] for name in self._names}

    def tell(self, token: Any, values: Sequence[float] | None) -> None:
        pass


def make_sampler(
    name: str, space: SearchSpace, objectives: Sequence[Objective], seed: int, pending: int
) -> Sampler:
    """The sampler called ``name``, seeded. NSGA-II breeds generations of twice ``pending`` trials."""
    if name == "grid":
        return GridSampler(space, seed)
    import optuna

    if name == "tpe":
        sampler: Any = optuna.samplers.TPESampler(seed=seed)
    elif name == "nsga2":
        sampler = optuna.samplers.NSGAIISampler(seed=seed, population_size=max(2 * pending, 4))
    elif name == "random":
        sampler = optuna.samplers.RandomSampler(seed=seed)
    else:
        raise UsageError(f"--sampler: unknown sampler '{name}' (choose one of {', '.join(SAMPLERS)})")
    return OptunaSampler(space, objectives, sampler)
