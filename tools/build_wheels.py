"""Builds, for every package, an sdist, a compiled platform wheel (from that sdist) and a pure wheel.

Why from the sdist: it proves the sdist is complete (the shared setup.py travels inside it). The compiled
wheel falls back to pure Python if no compiler is usable; `check_compiled.py` then catches it in
`make test`. Ends with `twine check` on every artifact.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from workspace import DIST_DIR, ROOT, load_packages


def _build(args: list[str], env: dict[str, str] | None = None) -> None:
    command = [sys.executable, "-m", "build", "--no-isolation", *args]
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def main() -> int:
    shutil.rmtree(DIST_DIR, ignore_errors=True)
    DIST_DIR.mkdir()
    pure_env = {**os.environ, "OCTOBOT_PURE_PYTHON": "1"}
    compiled_env = {k: v for k, v in os.environ.items() if k != "OCTOBOT_PURE_PYTHON"}
    for package in load_packages():
        # sdist, then the compiled wheel built from it (build's default two-step flow)
        _build(["--outdir", str(DIST_DIR), str(package.directory)], env=compiled_env)
        # the pure wheel, into a scratch folder so build does not clobber the sdist
        with tempfile.TemporaryDirectory() as scratch:
            _build(["--wheel", "--outdir", scratch, str(package.directory)], env=pure_env)
            for wheel in Path(scratch).glob("*-py3-none-any.whl"):
                shutil.move(str(wheel), DIST_DIR / wheel.name)
        shutil.rmtree(package.directory / "build", ignore_errors=True)
        for generated in (package.directory / package.import_name).rglob("*.c"):
            generated.unlink()  # Cython's output for the sdist; the tree stays pure for editable installs
    artifacts = sorted(str(path) for path in DIST_DIR.iterdir())
    print("+ twine check", flush=True)
    subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *artifacts], check=True)
    print("\n".join(Path(a).name for a in artifacts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
