"""Fails on any unguarded import of Cython in the packages' sources, and on a ``.pxd`` that cimports
another package of the framework (run by `make lint`).

Why: Cython is a build requirement only. A pure wheel is installed where Cython is not, so an
``import cython`` that is not inside ``try: ... except ImportError:`` breaks every user of that wheel at
import time (issue 13). The guard falls back to ``octobot_channel.cython_shim``.
Why no cimport across packages: each package is published and installed on its own, compiled or pure; a
compiled module that cimports another package's class checks that class's C layout at import, so it
fails beside a pure build or another version of that package.
"""

from __future__ import annotations

import ast
import re
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


_CIMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+cimport|cimport\s+([\w.]+))", re.MULTILINE)


def foreign_cimports(text: str, own_package: str, framework: set[str]) -> Iterator[tuple[int, str]]:
    """(line, module) of each cimport in a ``.pxd`` text of another framework package than its own."""
    for match in _CIMPORT.finditer(text):
        module = match.group(1) or match.group(2)
        top = module.split(".")[0]
        if top in framework and top != own_package:
            yield text.count("\n", 0, match.start()) + 1, module


def main() -> int:
    failures = []
    checked = 0
    packages = load_packages()
    framework = {package.import_name for package in packages}
    for package in packages:
        for declarations in sorted((package.directory / package.import_name).rglob("*.pxd")):
            for line, module in foreign_cimports(declarations.read_text(), package.import_name, framework):
                failures.append(
                    f"{declarations.relative_to(ROOT)}:{line}: cimport of {module}: another package's "
                    "compiled layout; packages are installed compiled or pure on their own: use it untyped"
                )
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
        print(f"check_cython: {checked} modules, no unguarded Cython import, no cimport across packages")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
