"""The stand-in for Cython's pure-mode names behaves as Cython's own shadow module does."""

from __future__ import annotations

import importlib.util

import pytest

from octobot_channel import cython_shim


def test_shim_says_it_is_not_compiled() -> None:
    assert cython_shim.compiled is False


def test_cast_converts_through_the_python_type() -> None:
    assert cython_shim.cast(cython_shim.longlong, 1_700_000_000_000.0) == 1_700_000_000_000
    assert type(cython_shim.cast(cython_shim.longlong, 3.0)) is int
    assert cython_shim.cast(cython_shim.double, 2) == 2.0
    assert cython_shim.cast(cython_shim.bint, 0) is False


def test_declare_returns_the_value() -> None:
    assert cython_shim.declare(cython_shim.Py_ssize_t, 7) == 7
    assert cython_shim.declare(cython_shim.double) is None


def test_decorators_leave_the_function_unchanged() -> None:
    def add(a: int, b: int) -> int:
        return a + b

    decorators = (cython_shim.locals(a=int), cython_shim.boundscheck(False), cython_shim.wraparound(False))
    for decorator in decorators:
        assert decorator(add) is add


@pytest.mark.skipif(importlib.util.find_spec("cython") is None, reason="Cython is not installed here")
def test_same_answers_as_cythons_shadow_module() -> None:
    import cython

    assert cython_shim.compiled == cython.compiled  # running as plain Python, Cython says so too
    for value in (0.0, 12.0, -3.0, 1_700_000_000_000.0):
        assert cython_shim.cast(cython_shim.longlong, value) == cython.cast(cython.longlong, value)
    assert cython_shim.declare(cython_shim.double, 1.5) == cython.declare(cython.double, 1.5)
