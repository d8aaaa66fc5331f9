"""Whether modules run compiled: every package of the framework reports it the same way."""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from types import ModuleType

_EXTENSION_SUFFIXES = tuple(EXTENSION_SUFFIXES)


def is_extension_module(module: ModuleType) -> bool:
    """True when ``module`` was loaded from a compiled extension rather than from its ``.py``."""
    return str(getattr(module, "__file__", "") or "").endswith(_EXTENSION_SUFFIXES)


def all_compiled(*modules: ModuleType) -> bool:
    """True when every given hot module is compiled (False for an empty list: nothing is compiled)."""
    return bool(modules) and all(is_extension_module(module) for module in modules)
