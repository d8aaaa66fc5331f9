"""Fails unless every hot module (a ``.py`` with an augmenting ``.pxd``) is imported as a compiled extension.

Run by `make test` with the interpreter of the compiled environment: a "compiled" test run that silently
fell back to pure Python must not pass.
"""

from __future__ import annotations

import importlib
import sys

from workspace import load_packages

sys.path = [entry for entry in sys.path if not entry.endswith("/tools")]  # import installed packages only


def main() -> int:
    failures = []
    for package in load_packages():
        modules = package.hot_modules()
        top = importlib.import_module(package.import_name)
        compiled_flag = getattr(top, "COMPILED", None)
        for name in modules:
            module = importlib.import_module(name)
            location = getattr(module, "__file__", "") or ""
            if location.endswith(".py"):
                failures.append(f"{name} was imported from {location}, not from a compiled extension")
        if modules and compiled_flag is not True:
            flag = f"{package.import_name}.COMPILED is {compiled_flag!r}"
            failures.append(f"{flag} with {len(modules)} hot modules")
        print(f"{package.name}: {len(modules)} hot modules compiled, COMPILED={compiled_flag}")
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
