"""Whether modules run compiled: every package of the framework reports it the same way."""

from __future__ import annotations

import sysconfig
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from types import ModuleType

_EXTENSION_SUFFIXES = tuple(EXTENSION_SUFFIXES)


def is_extension_module(module: ModuleType) -> bool:
    """True when ``module`` was loaded from a compiled extension rather than from its ``.py``."""
    return str(getattr(module, "__file__", "") or "").endswith(_EXTENSION_SUFFIXES)


def all_compiled(*modules: ModuleType) -> bool:
    """True when every given hot module is compiled (False for an empty list: nothing is compiled)."""
    return bool(modules) and all(is_extension_module(module) for module in modules)


def is_installed(module: ModuleType) -> bool:
    """True when ``module`` was imported from the environment's site-packages (an installed wheel), False
    when it comes from a source tree (an editable install, or a folder on ``sys.path``).

    Why: the test runs of `make test` must exercise what users install, not the work tree.
    """
    location = Path(str(getattr(module, "__file__", "") or "")).resolve()
    return any(location.is_relative_to(folder) for folder in _site_folders())


def _site_folders() -> set[Path]:
    paths = sysconfig.get_paths()
    return {Path(paths[key]).resolve() for key in ("purelib", "platlib")}
