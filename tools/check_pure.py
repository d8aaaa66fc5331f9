"""Fails unless the environment holds what a user of the pure wheels gets: no Cython, every package
installed from its ``py3-none-any`` wheel, and every module of every package importable as plain Python.

Run by `make test` with the interpreter of the pure environment, before its tests: a pure run that
imported the source tree, a compiled wheel, or only worked because Cython was at hand must not pass.
"""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import importlib.util
import pkgutil
import sys
import sysconfig
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from workspace import load_packages

sys.path = [entry for entry in sys.path if not entry.endswith("/tools")]  # import installed packages only

_SITE = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}


def _wheel_tags(distribution: metadata.Distribution) -> list[str]:
    wheel = distribution.read_text("WHEEL") or ""
    return [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]


def _problems_of(package_name: str, import_name: str) -> tuple[int, list[str]]:
    problems = []
    distribution = metadata.distribution(package_name)
    tags = _wheel_tags(distribution)
    if tags != ["py3-none-any"]:
        problems.append(f"{package_name} was installed from a wheel tagged {tags}, not the pure py3-none-any")
    extensions = [str(f) for f in distribution.files or () if str(f).endswith(tuple(EXTENSION_SUFFIXES))]
    if extensions:
        problems.append(f"{package_name} installed compiled files: {extensions}")
    top = importlib.import_module(import_name)
    names = [import_name] + [info.name for info in pkgutil.walk_packages(top.__path__, f"{import_name}.")]
    for name in names:
        try:
            module = importlib.import_module(name)
        except Exception as error:  # any failure to import is what this check is for
            problems.append(f"{name} does not import: {type(error).__name__}: {error}")
            continue
        location = Path(module.__file__ or "").resolve()
        if location.suffix != ".py":
            problems.append(f"{name} was imported from {location}, not from its .py")
        elif not any(location.is_relative_to(site) for site in _SITE):
            problems.append(f"{name} was imported from {location}, outside the environment's site-packages")
    if getattr(top, "COMPILED", None) is not False:
        problems.append(f"{import_name}.COMPILED is {getattr(top, 'COMPILED', None)!r}, not False")
    return len(names), problems


def main() -> int:
    failures = []
    for module in ("cython", "Cython"):
        if importlib.util.find_spec(module) is not None:
            failures.append(f"{module} is importable: a pure environment must not have it")
    for package in load_packages():
        count, problems = _problems_of(package.name, package.import_name)
        failures += problems
        print(f"{package.name}: {count} modules, all pure, from the py3-none-any wheel")
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
