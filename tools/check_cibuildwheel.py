"""Checks that every package's ``[tool.cibuildwheel]`` is the same recipe (run by `make lint`).

Why: hosted CI builds and tests each package's compiled wheels with its own block; a package whose block
drifted (tests skipped, a sibling missing from the test install, tests left out of the sdist) would ship
wheels nobody tested. The recipe: the same platform matrix everywhere; the package's own tests run on the
installed wheel from a copy of ``tests`` (never the source tree), with the package's ``test`` extra; the
siblings it depends on installed first from the wheelhouse, without an index; the sdist carries the tests.
Also: every folder of packages/ is in tools/workspace.py's list, which the workflow reads.
"""

from __future__ import annotations

import sys

from workspace import PACKAGE_DIRS, PACKAGES_DIR, ROOT, Package, load_packages, requirement_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

WORKFLOW = ROOT / ".github" / "workflows" / "wheels.yml"
EXPECTED = {
    "test-extras": ["test"],
    "test-sources": ["tests", "pyproject.toml"],
    "test-command": "python -m pytest tests -q -p no:cacheprovider",
}
SHARED_KEYS = ("build", "skip")
FORBIDDEN_KEYS = ("test-requires", "test-skip")


def _siblings(package: Package, by_name: dict[str, Package]) -> list[str]:
    """The packages of ours that ``package`` needs installed, in dependency order."""
    wanted: set[str] = set()
    pending = [package]
    while pending:
        for requirement in pending.pop().dependencies:
            name = requirement_name(requirement)
            if name in by_name and name not in wanted:
                wanted.add(name)
                pending.append(by_name[name])
    return [name for name in by_name if name in wanted]


def problems_of(package: Package, by_name: dict[str, Package], reference: dict) -> list[str]:
    where = f"{package.pyproject.relative_to(ROOT)} [tool.cibuildwheel]"
    config = tomllib.loads(package.pyproject.read_text()).get("tool", {}).get("cibuildwheel")
    if config is None:
        return [f"{where} is missing"]
    problems = []
    for key, value in EXPECTED.items():
        if config.get(key) != value:
            problems.append(f"{where}: {key} is {config.get(key)!r}, expected {value!r}")
    for key in SHARED_KEYS:
        if config.get(key) != reference.get(key):
            problems.append(f"{where}: {key} is {config.get(key)!r}, not {reference.get(key)!r} as elsewhere")
    for key in FORBIDDEN_KEYS:
        if key in config:
            problems.append(f"{where}: remove {key} (tests come from the 'test' extra and always run)")
    siblings = _siblings(package, by_name)
    expected_before = f"pip install --no-index --no-deps {' '.join(siblings)}" if siblings else None
    if config.get("before-test") != expected_before:
        problems.append(
            f"{where}: before-test is {config.get('before-test')!r}, expected {expected_before!r}"
        )
    if "test" not in package.extras:
        problems.append(
            f"{package.pyproject.relative_to(ROOT)}: no 'test' extra for the test step to install"
        )
    tests = package.directory / "tests"
    if not (tests / "__init__.py").is_file():
        problems.append(
            f"{tests.relative_to(ROOT)}/__init__.py is missing: the tests folder must be a package"
        )
    manifest = package.directory / "MANIFEST.in"
    if not manifest.is_file() or "graft tests" not in manifest.read_text().splitlines():
        problems.append(f"{manifest.relative_to(ROOT)} must say `graft tests`: the sdist carries the tests")
    return problems


def main() -> int:
    packages = load_packages()
    by_name = {p.name: p for p in packages}
    problems = []
    on_disk = sorted(path.parent.name for path in PACKAGES_DIR.glob("*/pyproject.toml"))
    unlisted = [name for name in on_disk if name not in PACKAGE_DIRS]
    if unlisted:
        problems.append(f"packages/{unlisted} not in PACKAGE_DIRS of tools/workspace.py: add them there")
    if "tools/workspace.py" not in WORKFLOW.read_text():
        problems.append(f"{WORKFLOW.relative_to(ROOT)} must take the package list from tools/workspace.py")
    reference = tomllib.loads(packages[0].pyproject.read_text()).get("tool", {}).get("cibuildwheel", {})
    for package in packages:
        problems += problems_of(package, by_name, reference)
    for problem in problems:
        print("FAIL:", problem, file=sys.stderr)
    if not problems:
        print(f"check_cibuildwheel: {len(packages)} packages, one recipe")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
