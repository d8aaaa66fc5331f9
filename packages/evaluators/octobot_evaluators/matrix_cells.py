# cython: annotation_typing=False
"""The matrix's storage: one cell per registered key, and live groups of cells that queries read.

Why cells: a key's current evaluation, its freshness grid and the fields of its messages are resolved once,
when the key registers; a write then replaces one field of the cell, and a group (the keys a strategy's
cycle or average covers) reads its cells' evaluations directly, with no dict lookup per key and candle.
"""

from __future__ import annotations

from typing import Any

from octobot_evaluators.evaluation_entry import Evaluation
from octobot_evaluators.matrix_key import MatrixKey
from octobot_evaluators.time_frames import EPOCH_GRID_MS


class MatrixCell:
    """The current evaluation of one registered key (``entry``, None until it evaluates or after a reset).

    ``heading`` holds the key's fields as the Matrix channel's messages carry them (then the evaluation's,
    set on each message); ``grid`` is the epoch
    grid step of the key's time frame (0: none, or off the grid: its freshness end is computed by name).
    """

    __slots__ = ("entry", "grid", "heading", "key", "time_frame")

    def __init__(self, key: MatrixKey, matrix_id: str) -> None:
        self.key = key
        self.time_frame: str | None = key.time_frame
        self.grid: int = 0 if key.time_frame is None else EPOCH_GRID_MS.get(key.time_frame, 0)
        self.entry: Evaluation | None = None
        self.heading: dict[str, Any] = {
            "key": key,
            "matrix_id": matrix_id,
            "exchange": key.exchange,
            "evaluator_type": key.evaluator_type,
            "evaluator_name": key.evaluator_name,
            "cryptocurrency": key.cryptocurrency,
            "symbol": key.symbol,
            "time_frame": key.time_frame,
            # the evaluation's fields, set on each message's copy: a copy already sized for them (no
            # resize of the copy per message)
            "evaluation": None,
            "evaluation_time": None,
            "valid_until": None,
            "refresh": False,
        }

    def __repr__(self) -> str:
        return f"MatrixCell({self.key!r}, {self.entry!r})"


class EvaluationGroup:
    """The registered cells of one (exchange, evaluator type, symbol), on ``time_frames`` (None: all of
    them), in registration order: what `EvaluationMatrix.group` returns.

    Live: the matrix adds the cell of a key registered later, so a strategy keeps its group and reads it
    on every candle without asking the matrix again.
    """

    def __init__(self, time_frames: frozenset[str] | None) -> None:
        self.time_frames = time_frames
        self.cells: tuple[MatrixCell, ...] = ()

    def admit(self, cell: MatrixCell) -> None:
        """Add ``cell`` when its time frame belongs to this group (the matrix calls it at registration)."""
        if self.time_frames is None or cell.time_frame in self.time_frames:
            self.cells += (cell,)

    def keys(self) -> list[MatrixKey]:
        return [cell.key for cell in self.cells]

    def entries(self) -> dict[MatrixKey, Evaluation | None]:
        """Every key of the group and its evaluation (None: not evaluated yet)."""
        return {cell.key: cell.entry for cell in self.cells}

    def opinions(self) -> list[float]:
        """The values of the group's evaluations that hold an opinion (skipping cells never evaluated and
        None), in registration order: a new list on each call, the caller may keep or change it."""
        values: list[float] = []
        for cell in self.cells:
            entry = cell.entry
            if entry is not None:
                value = entry.value
                if value is not None:
                    values.append(value)
        return values

    def is_complete(self, at_time: int) -> bool:
        """True when the group has cells and each holds an evaluation current at ``at_time``: made at or
        before it and not expired at it (no lag, see `EvaluationMatrix.is_cycle_complete`)."""
        cells = self.cells
        if not cells:
            return False
        for cell in cells:
            entry = cell.entry
            # entry.covers(at_time) inlined
            if entry is None or entry.time > at_time:
                return False
            until = entry.valid_until
            if until is not None and at_time >= until:
                return False
        return True

    def __len__(self) -> int:
        return len(self.cells)

    def __repr__(self) -> str:
        return f"EvaluationGroup({self.keys()!r})"
