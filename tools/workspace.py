"""What the monorepo holds: its packages in dependency order and their metadata (single source of truth)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES_DIR = ROOT / "packages"
DIST_DIR = ROOT / "dist"
#: The one list of the packages (folders of packages/), in dependency order: a package only depends on
#: packages before it. The Makefile and the CI workflow read it (`python tools/workspace.py`).
PACKAGE_DIRS = ("channel", "trading", "evaluators", "backtesting", "emulator", "octobot")

_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Package:
    directory: Path
    name: str
    import_name: str
    version: str
    dependencies: tuple[str, ...]
    extras: dict[str, tuple[str, ...]]

    @property
    def pyproject(self) -> Path:
        return self.directory / "pyproject.toml"

    def hot_modules(self) -> list[str]:
        """Dotted names of the modules the compiled build must compile (those with a ``.pxd``)."""
        modules = []
        for pxd in sorted((self.directory / self.import_name).rglob("*.pxd")):
            if pxd.with_suffix(".py").exists():
                relative = pxd.with_suffix("").relative_to(self.directory)
                modules.append(".".join(relative.parts))
        return modules


def requirement_name(requirement: str) -> str:
    match = _NAME_RE.match(requirement)
    if not match:
        raise ValueError(f"cannot read a distribution name from requirement {requirement!r}")
    return match.group(1).lower().replace("_", "-")


def load_packages() -> list[Package]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    packages = []
    for directory in PACKAGE_DIRS:
        path = PACKAGES_DIR / directory
        project = tomllib.loads((path / "pyproject.toml").read_text())["project"]
        name = project["name"]
        packages.append(
            Package(
                directory=path,
                name=name,
                import_name=name.replace("-", "_"),
                version=project["version"],
                dependencies=tuple(project.get("dependencies", ())),
                extras={k: tuple(v) for k, v in project.get("optional-dependencies", {}).items()},
            )
        )
    return packages


def own_names(packages: list[Package]) -> set[str]:
    return {package.name for package in packages}


def third_party_requirements(packages: list[Package], extras: tuple[str, ...]) -> list[str]:
    """Every requirement of the given packages (and extras) that is not one of ours, deduplicated."""
    ours = own_names(packages)
    seen: dict[str, None] = {}
    for package in packages:
        requirements = list(package.dependencies)
        for extra in extras:
            requirements += package.extras.get(extra, ())
        for requirement in requirements:
            if requirement_name(requirement) not in ours:
                seen.setdefault(requirement, None)
    return list(seen)


if __name__ == "__main__":
    # for the Makefile and the CI workflow: the package folders (stdlib only: runs before any install), or
    # with --compiled the import names of the packages that have hot modules (what cibuildwheel builds)
    if sys.argv[1:] == ["--compiled"]:
        print(" ".join(p.import_name for p in load_packages() if p.hot_modules()))
    else:
        print(" ".join(PACKAGE_DIRS))
