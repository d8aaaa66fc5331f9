"""Installs the monorepo's packages into a virtual environment without ever letting an index resolve ours.

Why: PyPI also holds distributions named octobot, octobot-trading, ... (the original OctoBot project,
with higher versions). Third-party requirements come from the index; ours come only from the work tree
(editable) or from dist/ with --no-index, and the result is checked.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from workspace import DIST_DIR, ROOT, load_packages, requirement_name, third_party_requirements

_VERIFY = r"""
import importlib, importlib.metadata as md, json, sys
expected = json.loads(sys.argv[1])
for name, (version, import_name) in expected.items():
    installed = md.version(name)
    if installed != version:
        sys.exit(f"{name} {installed} is installed, not ours ({version}): an index resolved it")
    module = importlib.import_module(import_name)
    print(f"  {name} {installed} compiled={getattr(module, 'COMPILED', None)} from {module.__file__}")
"""


def _run(command: list[str], env: dict | None = None, label: str | None = None) -> None:
    print("+", label or " ".join(command), flush=True)
    subprocess.run(command, check=True, env=env, cwd=ROOT)


def _pure_wheel(name: str, version: str) -> Path:
    wheel = DIST_DIR / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    if not wheel.is_file():
        sys.exit(f"install: error: {wheel} is missing: run `make wheels` first")
    return wheel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True, help="interpreter of the target virtual environment")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--editable", action="store_true", help="install ours editable, pure Python")
    mode.add_argument("--from-dist", action="store_true", help="install ours from dist/ (--no-index)")
    parser.add_argument("--pure", action="store_true", help="with --from-dist: the pure py3-none-any wheels")
    parser.add_argument("--extras", default="", help="comma-separated extras, e.g. test,bench")
    parser.add_argument("--only", default="", help="install just this distribution (with what it needs)")
    args = parser.parse_args()
    if args.pure and not args.from_dist:
        parser.error("--pure goes with --from-dist (an editable install is always pure)")

    packages = load_packages()
    if args.only:
        wanted = {args.only}
        # the closure of the wanted distribution over our own dependencies
        by_name = {p.name: p for p in packages}
        pending = [args.only]
        while pending:
            for requirement in by_name[pending.pop()].dependencies:
                name = requirement_name(requirement)
                if name in by_name and name not in wanted:
                    wanted.add(name)
                    pending.append(name)
        packages_to_install = [p for p in packages if p.name in wanted]
    else:
        packages_to_install = packages
    extras = tuple(e for e in args.extras.split(",") if e)
    # --no-compile: no byte-compiling of every installed file (plotly alone has thousands); Python
    # compiles what is imported
    pip = [args.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]

    requirements = third_party_requirements(packages_to_install, extras)
    if requirements:
        _run([*pip, *requirements])

    if args.editable:
        env = {**os.environ, "OCTOBOT_PURE_PYTHON": "1"}
        editables = [arg for p in packages_to_install for arg in ("-e", str(p.directory))]
        _run([*pip, "--no-index", "--no-deps", "--no-build-isolation", *editables], env=env)
    elif args.pure:
        # pip prefers a platform wheel to a py3-none-any one: name each pure wheel instead
        wheels = [str(_pure_wheel(p.name, p.version)) for p in packages_to_install]
        _run([*pip, "--no-index", *wheels])
    else:
        # the environment is new: third-party requirements are already there, ours come from dist/ only
        # (pip takes the platform wheel, compiled, over the pure one)
        wanted = [f"{p.name}=={p.version}" for p in packages_to_install]
        _run([*pip, "--no-index", "--find-links", str(DIST_DIR), *wanted])

    expected = {p.name: (p.version, p.import_name) for p in packages_to_install}
    print("installed:")
    _run([args.python, "-c", _VERIFY, json.dumps(expected)], label="check that every installed one is ours")
    return 0


if __name__ == "__main__":
    sys.exit(main())
