"""Checks that the packages can be released together: one version everywhere, sibling pins that admit it,
``__version__`` in step, and for every package an sdist plus a wheel in dist/ (run `make wheels` first).
"""

from __future__ import annotations

import importlib.util
import re
import sys

from workspace import DIST_DIR, load_packages, requirement_name


def _admits(specifier: str, version: str) -> bool:
    from packaging.specifiers import SpecifierSet

    return version in SpecifierSet(specifier)


def main() -> int:
    packages = load_packages()
    problems = []
    versions = {p.version for p in packages}
    if len(versions) != 1:
        problems.append(f"packages disagree on the version: {sorted(versions)}")
    by_name = {p.name: p for p in packages}
    for package in packages:
        for requirement in package.dependencies:
            name = requirement_name(requirement)
            if name in by_name:
                specifier = requirement[len(name) :].strip()
                if not _admits(specifier, by_name[name].version):
                    wanted = by_name[name].version
                    problems.append(f"{package.name} pins {requirement!r}, not {name} {wanted}")
        spec = importlib.util.find_spec(package.import_name)
        init = package.directory / package.import_name / "__init__.py"
        match = re.search(r'__version__ = "([^"]+)"', init.read_text()) if init.exists() else None
        if spec is None or match is None or match.group(1) != package.version:
            problems.append(f"{init} does not declare __version__ = {package.version!r}")
        stem = package.name.replace("-", "_") + "-" + package.version
        if not list(DIST_DIR.glob(f"{stem}.tar.gz")) or not list(DIST_DIR.glob(f"{stem}-*.whl")):
            problems.append(f"dist/ lacks the sdist or a wheel of {package.name} {package.version}")
    for problem in problems:
        print("FAIL:", problem, file=sys.stderr)
    if not problems:
        print(f"release check: {len(packages)} packages at {packages[0].version}, ready")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
