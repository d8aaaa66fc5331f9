"""Loading the Python files and packages of the user tentacles folder by path.

Why by path, each under its own module name: the folder is not on sys.path and need not be a package;
one broken file must not prevent loading the others, so each is imported alone and its failure is
reported with the file and line where it happened.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

logger = logging.getLogger(__name__)

MODULE_PREFIX = "octobot_user_tentacles"
_SKIPPED = {"tests", "__pycache__"}


@dataclass(frozen=True)
class TentacleLoadError:
    """Why one tentacle source could not be loaded: where (file, line) and the exception."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


def user_sources(folder: Path) -> list[Path]:
    """The ``*.py`` files and packages (folders with ``__init__.py``) of ``folder``, sorted, no tests."""
    if not folder.is_dir():
        return []
    sources = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "_", "test_")) or path.name in _SKIPPED:
            continue
        if (path.is_file() and path.suffix == ".py") or (path.is_dir() and (path / "__init__.py").is_file()):
            sources.append(path)
    return sources


def error_location(error: BaseException, files: tuple[Path, ...] | Path) -> tuple[str, int | None]:
    """The (file, line) inside ``files`` (a file or a package folder) where ``error`` happened.

    A SyntaxError carries its own location; otherwise the deepest traceback frame in the user's code wins.
    """
    roots = files if isinstance(files, tuple) else (files,)
    if isinstance(error, SyntaxError) and error.filename:
        return error.filename, error.lineno
    found: tuple[str, int | None] | None = None
    for frame in traceback.extract_tb(error.__traceback__):
        frame_path = Path(frame.filename)
        if any(frame_path == root or root in frame_path.parents for root in roots):
            found = (frame.filename, frame.lineno)
    return found or (str(roots[0]), None)


def load_user_module(path: Path) -> ModuleType:
    """Import one file or package of the user folder under ``octobot_user_tentacles.<name>``."""
    name = f"{MODULE_PREFIX}.{path.stem if path.is_file() else path.name}"
    if path.is_dir():
        spec = importlib.util.spec_from_file_location(
            name, path / "__init__.py", submodule_search_locations=[str(path)]
        )
    else:
        spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    if MODULE_PREFIX not in sys.modules:  # the parent, so that relative imports inside packages work
        parent = ModuleType(MODULE_PREFIX)
        parent.__path__ = []
        sys.modules[MODULE_PREFIX] = parent
    # a folder loaded again (another study's job in a long-lived optimizer worker, a reload) must not
    # reuse the submodules an earlier load of a package of this name left behind
    for loaded in [key for key in sys.modules if key.startswith(name + ".")]:
        del sys.modules[loaded]
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        for loaded in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
            del sys.modules[loaded]
        raise
    return module
