"""The few names of Cython's pure-Python mode that the framework's modules use, for when Cython is absent.

Why: Cython is a build requirement, not a runtime one. A pure wheel runs where Cython is not installed,
so a module that uses ``cython.compiled`` or ``cython.cast`` imports it guarded::

    try:
        import cython
    except ImportError:  # pure build without Cython installed
        from octobot_channel import cython_shim as cython

Cython's compiler still sees ``import cython`` (and the augmenting ``.pxd``'s ``cimport cython``), so the
compiled build keeps its C casts and its compile-time ``cython.compiled``. Here every name behaves as
Cython's own shadow module does in pure mode. ``tools/check_cython.py`` refuses an unguarded import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

#: False: this module only exists for code that is running as plain Python.
compiled: bool = False

# C types, as the Python types that hold their values in pure mode
bint = bool
longlong = int
Py_ssize_t = int
double = float


def cast(type_: Callable[[Any], Any], value: Any, typecheck: bool = False) -> Any:
    """``cython.cast(T, value)``: converts through the Python type standing for ``T``."""
    return type_(value)


def declare(type_: Any = None, value: Any = None, **_: Any) -> Any:
    """``cython.declare(T, value)``: the value itself (an undeclared variable in pure mode)."""
    return value


def _keep(function: _F) -> _F:
    return function


def locals(**_: Any) -> Callable[[_F], _F]:
    """``@cython.locals(...)``: no effect in pure mode."""
    return _keep


def boundscheck(_: bool) -> Callable[[_F], _F]:
    """``@cython.boundscheck(flag)``: no effect in pure mode."""
    return _keep


def wraparound(_: bool) -> Callable[[_F], _F]:
    """``@cython.wraparound(flag)``: no effect in pure mode."""
    return _keep
