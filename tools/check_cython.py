"""Fails on any unguarded import of Cython in the packages' sources (run by `make lint`).

Why: Cython is a build requirement only. A pure wheel is installed where Cython is not, so an
``import cython`` that is not inside ``try: ... except ImportError:`` breaks every user of that wheel at
import time (issue 13). The guard falls back to ``octobot_channel.cython_shim``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator

from workspace import ROOT, load_packages

_CYTHON_MODULES = {"cython", "Cython"}
_GUARDING_ERRORS = {"ImportError", "ModuleNotFoundError"}


def _imported_cython(node: ast.AST) -> str | None:
    """The Cython module a statement imports, if it imports one."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] in _CYTHON_MODULES:
                return alias.name
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        if node.module.split(".")[0] in _CYTHON_MODULES:
            return node.module
    return None


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return any(isinstance(name, ast.Name) and name.id in _GUARDING_ERRORS for name in names)


def unguarded_imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, module) of each Cython import not in the body of a ``try`` that catches ImportError."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
            for statement in node.body:
                guarded.update(id(inner) for inner in ast.walk(statement))
    for node in ast.walk(tree):
        module = _imported_cython(node)
        if module and id(node) not in guarded:
            yield node.lineno, module


def main() -> int:
    failures = []
    checked = 0
    for package in load_packages():
        for source in sorted((package.directory / package.import_name).rglob("*.py")):
            checked += 1
            tree = ast.parse(source.read_text(), filename=str(source))
            for line, module in unguarded_imports(tree):
                where = source.relative_to(ROOT)
                failures.append(
                    f"{where}:{line}: unguarded `import {module}`: a pure wheel runs without Cython; "
                    "wrap it in try/except ImportError and fall back to octobot_channel.cython_shim"
                )
    for failure in failures:
        print(failure, file=sys.stderr)
    if not failures:
        print(f"check_cython: {checked} modules, no unguarded Cython import")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
