# cython: annotation_typing=False
"""The incremental indicator protocol: O(1) update per candle, replace or peek the forming candle.

Why snapshots: a real-time evaluator re-evaluates the candle still forming many times before it closes.
Before each committed update the indicator keeps a snapshot of its state (a shallow copy of its scalars
and an O(1) snapshot of each ring buffer), so `update(..., replace=True)` rewinds to it and applies the
new value, and `peek` computes without committing anything.

Why `STEP_STATE`: the snapshot is taken on every update, so it must be cheap. An indicator class that
names the attributes its `_step` assigns gets a snapshot of just those (one C call); one that names
nothing (any indicator written in Python, by default) gets a copy of its whole instance ``__dict__``,
which is right whatever `_step` changes. In the compiled build the shipped indicators keep their state in
typed C fields (see the .pxd files), which are not in ``__dict__``: they must declare it.

Why `_keep`/`_rewind`: the undo of `update` is taken once per candle, and a snapshot object per candle
(a tuple of boxed floats, one per ring buffer) was most of an SMA's update. A shipped indicator whose state
is a few fields defines `_keep` (copy them into shadow fields: C doubles in the compiled build, no object
made) and `_rewind` (copy them back), and its module registers the class with `_own_undo`. They are C
methods in the compiled build (no Python override check per call), so only the registered classes
themselves use them: any other class, a user's indicator or a user's subclass of a shipped one (whose
`_step` may change more), gets the generic snapshot above, which is right whatever `_step` changes.
`peek` always uses the generic snapshot (it must not disturb the kept undo; it is not per closed candle).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from operator import attrgetter
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
    floats, NaN during warm-up). Optionally `STEP_STATE`: see the module docstring.
    """

    NAME: ClassVar[str] = "indicator"
    INPUTS: ClassVar[tuple[str, ...]] = ("close",)
    #: the attributes `_step` assigns (besides the children's state); () = copy the whole ``__dict__``.
    #: A subclass that declares it names its own attributes only: its bases' declarations are added.
    STEP_STATE: ClassVar[tuple[str, ...]] = ()
    lookback: int = 0

    def __init__(self) -> None:
        self._value: Any = self._nan_value()
        self._undo: tuple | None = None  # the generic undo snapshot (classes without their own _keep)
        self._kept_value: Any = self._value  # the value before the last committed update (own _keep)
        self._has_undo = False  # a committed update exists: replace=True has something to rewind
        self._children: tuple = ()
        # reads the state `_step` changes (None: copy the whole __dict__), chosen once per class
        self._save_state: Callable[[Indicator], Any] | None = _state_saver(type(self))
        # this very class keeps its own undo (a registered shipped indicator, not a subclass of one)
        self._keeps_own = type(self) in _OWN_UNDO
        self._arity = len(self.INPUTS)  # read once: update checks it per candle

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
            if len(values) != self._arity:
                self._inputs(values)  # raises the arity error
        if replace:
            if not self._has_undo:
                raise NothingToReplaceError(f"{self.NAME}: replace=True needs a committed update first")
            self._undo_last()
        elif self._keeps_own:  # a shipped indicator: its fields copied aside, no object made
            self._kept_value = self._value
            self._keep()
        else:
            self._undo = None  # the snapshot must not chain to the previous one (memory)
            self._undo = self._snapshot()
        value = self._step(values[0]) if self._arity == 1 else self._step(*values)
        self._value = value
        self._has_undo = True
        return value

    def peek(self, *values: float, replace: bool = False) -> Any:
        """What `update` would return, without changing the indicator."""
        inputs = self._inputs(values)
        snapshot = self._snapshot()
        try:
            if replace:
                if not self._has_undo:
                    raise NothingToReplaceError(f"{self.NAME}: replace=True needs a committed update first")
                self._undo_last()
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

    def _step(self, *values: Any, **_: Any) -> Any:
        """Consumes one candle's values (``INPUTS`` order) and returns the output: each subclass defines
        it with its own parameters, hence the loose signature here."""
        raise NotImplementedError(f"{type(self).__name__} must define _step")

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

    def _undo_last(self) -> None:
        """Back to the state before the last committed update (which stays undoable)."""
        if self._keeps_own:
            self._rewind()
            self._value = self._kept_value
        else:
            undo = self._undo
            assert undo is not None  # _has_undo: a committed update made it
            self._restore(undo)  # a whole-__dict__ copy puts back the protocol's fields as they were too
            self._undo = undo
            self._has_undo = True

    def _keep(self) -> None:
        """Copy aside what `_step` changes (only used by a registered class: see `_own_undo`)."""
        raise NotImplementedError(f"{type(self).__name__} defines no _keep")

    def _rewind(self) -> None:
        """Put back what `_keep` copied aside (the value excepted: `update` keeps that)."""
        raise NotImplementedError(f"{type(self).__name__} defines no _rewind")

    def _snapshot(self) -> tuple:
        """(value, own state, children's snapshots or None); the own state is a ``__dict__`` copy, the
        declared attributes' values (a tuple), or both (a list) for a subclass of a declaring class
        that declares nothing itself."""
        save = self._save_state
        children = self._children
        return (
            self._value,
            vars(self).copy() if save is None else save(self),
            [child._snapshot() for child in children] if children else None,
        )

    def _restore(self, snapshot: tuple) -> None:
        value, state, children = snapshot
        kind = type(state)
        if kind is dict:
            vars(self).update(state)
        elif kind is tuple:
            self._set_declared(state)
        else:  # [declared, dict copy]
            self._set_declared(state[0])
            vars(self).update(state[1])
        self._value = value
        if children:
            for child, child_state in zip(self._children, children, strict=True):
                child._restore(child_state)

    def _set_declared(self, values: tuple) -> None:
        for name, field in zip(_STATE_NAMES[type(self)], values, strict=True):
            setattr(self, name, field)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(value={self._value!r})"


#: per indicator class: the attribute names its snapshot reads (its own and its bases' `STEP_STATE`)
_STATE_NAMES: dict[type, tuple[str, ...]] = {}


#: the shipped indicator classes whose undo is their own `_keep`/`_rewind` (exact classes, see `_own_undo`)
_OWN_UNDO: set[type] = set()


def _own_undo(*classes: type) -> None:
    """Register shipped indicator classes whose `_keep`/`_rewind` save and restore all that their `_step`
    changes. Only for classes compiled as cdef classes (their `_keep` is a C method): a Python class's
    `_keep` is not what the compiled `update` calls."""
    _OWN_UNDO.update(classes)


def _state_saver(cls: type) -> Callable[[Indicator], Any] | None:
    """How `cls`'s instances save their own state: None (copy ``__dict__``: nothing declared), the
    declared attributes as a tuple (`cls` declares `STEP_STATE`), or both in a list (only its bases do:
    what the subclass adds is not declared)."""
    names = _STATE_NAMES.get(cls)
    if names is None:
        declared: list[str] = []
        for klass in reversed(cls.__mro__):
            for name in vars(klass).get("STEP_STATE", ()):
                if name not in declared:
                    declared.append(name)
        names = _STATE_NAMES[cls] = tuple(declared)
    if not names:
        return None
    getter: Callable[[Any], Any] = attrgetter(*names)
    if len(names) == 1:  # attrgetter of one name returns the value, not a tuple
        getter = _one_tuple(getter)
    if "STEP_STATE" in vars(cls):
        return getter
    return _with_dict(getter)


def _one_tuple(getter: Callable[[Any], Any]) -> Callable[[Any], tuple]:
    def get(indicator: Any) -> tuple:
        return (getter(indicator),)

    return get


def _with_dict(getter: Callable[[Any], Any]) -> Callable[[Any], list]:
    def get(indicator: Any) -> list:
        return [getter(indicator), vars(indicator).copy()]

    return get
