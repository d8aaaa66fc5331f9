# cython: annotation_typing=False
"""The incremental indicator protocol: O(1) update per candle, replace or peek the forming candle.

Why snapshots: a real-time evaluator re-evaluates the candle still forming many times before it closes.
Before each committed update the indicator keeps a snapshot of its state (a shallow copy of its scalars
and an O(1) snapshot of each ring buffer), so `update(..., replace=True)` rewinds to it and applies the
new value, and `peek` computes without committing anything.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from octobot_evaluators.indicators._inputs import as_same_length, as_value
from octobot_evaluators.indicators.errors import NothingToReplaceError

if TYPE_CHECKING:
    from typing import Self  # Python 3.11+, only for type checkers


class Indicator:
    """Base of the incremental indicators.

    Subclasses set `NAME`, `INPUTS` (names of the values one candle gives, in `update`'s order),
    `lookback` (index of the first non-NaN output) and `_children` (the indicators and windows they own),
    and implement `_step`, which consumes one candle and returns the output (a float or a NamedTuple of
    floats, NaN during warm-up).
    """

    NAME: ClassVar[str] = "indicator"
    INPUTS: ClassVar[tuple[str, ...]] = ("close",)
    lookback: int = 0

    def __init__(self) -> None:
        self._value: Any = self._nan_value()
        self._undo: tuple | None = None
        self._children: tuple = ()

    # ----- public protocol -----
    @property
    def value(self) -> Any:
        """The last committed output (NaN, or a tuple of NaN, until warm)."""
        return self._value

    @property
    def ready(self) -> bool:
        """True once the warm-up is over and every output field is a number."""
        value = self._value
        if isinstance(value, tuple):
            return not any(math.isnan(field) for field in value)
        return not math.isnan(value)

    def update(self, *values: float, replace: bool = False) -> Any:
        """Consume one candle (values in `INPUTS` order); `replace=True` replaces the last one instead."""
        for number in values:  # fast path: finite Python floats, as many as INPUTS (the common case)
            if type(number) is not float or number - number != 0.0:
                values = self._inputs(values)
                break
        else:
            if len(values) != len(self.INPUTS):
                self._inputs(values)  # raises the arity error
        if replace:
            undo = self._undo
            if undo is None:
                raise NothingToReplaceError(f"{self.NAME}: replace=True needs a committed update first")
            self._restore(undo)
        else:
            self._undo = None  # the snapshot must not chain to the previous one (memory)
            # _snapshot inlined for an indicator without children (most): one call less per candle
            undo = (self.__dict__.copy(), ()) if not self._children else self._snapshot()
        value = self._step(*values)
        self._value = value
        self._undo = undo
        return value

    def peek(self, *values: float, replace: bool = False) -> Any:
        """What `update` would return, without changing the indicator."""
        inputs = self._inputs(values)
        snapshot = self._snapshot()
        try:
            if replace:
                if self._undo is None:
                    raise NothingToReplaceError(f"{self.NAME}: replace=True needs a committed update first")
                self._restore(self._undo)
            return self._step(*inputs)
        finally:
            self._restore(snapshot)

    def warm_up(self, *series: Sequence[float] | np.ndarray) -> Self:
        """Feed a history (one array per input, candle-aligned, oldest first); returns the indicator."""
        if len(series) != len(self.INPUTS):
            raise TypeError(f"{self.NAME}.warm_up takes {len(self.INPUTS)} series: {', '.join(self.INPUTS)}")
        arrays = as_same_length(self.NAME, **dict(zip(self.INPUTS, series, strict=True)))
        if len(arrays[0]) == 0:
            return self
        step = self._step
        rows = list(zip(*(array.tolist() for array in arrays), strict=True))
        for row in rows[:-1]:
            step(*row)
        self.update(*rows[-1])  # the last one through update: it can be replaced afterwards
        return self

    @classmethod
    def from_history(cls, *series: Sequence[float] | np.ndarray, **parameters: Any) -> Self:
        """A new indicator built with `parameters` and warmed up on `series`."""
        return cls(**parameters).warm_up(*series)

    # ----- for subclasses -----
    def _nan_value(self) -> Any:
        return math.nan

    #: consumes one candle's values (``INPUTS`` order) and returns the output: each subclass defines it with
    #: its own parameters, hence a loose type here
    _step: Callable[..., Any]

    def _inputs(self, values: tuple) -> tuple:
        if len(values) != len(self.INPUTS):
            raise TypeError(f"{self.NAME}.update takes {len(self.INPUTS)} values: {', '.join(self.INPUTS)}")
        try:
            inputs = tuple(map(float, values))
        except (TypeError, ValueError):
            inputs = ()
        for number in inputs:
            if number - number != 0.0:  # NaN or infinity: the one check on the hot path
                break
        else:
            if inputs:
                return inputs
        # slow path, only to name the bad input in the error
        pairs = zip(self.INPUTS, values, strict=True)
        return tuple(as_value(self.NAME, name, value) for name, value in pairs)

    def _snapshot(self) -> tuple:
        children = self._children
        if not children:
            return self.__dict__.copy(), ()
        return self.__dict__.copy(), [child._snapshot() for child in children]

    def _restore(self, snapshot: tuple) -> None:
        state, children = snapshot
        self.__dict__.update(state)
        if children:
            for child, child_state in zip(self._children, children, strict=True):
                child._restore(child_state)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(value={self._value!r})"
