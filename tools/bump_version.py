"""Sets one version on every package and keeps the inter-package pins compatible (``>=X.Y.0,<X.(Y+1)``).

Why: the meta-package must pin its siblings to versions that exist together; bumping by hand drifts.
Usage: python tools/bump_version.py 0.2.0
"""

from __future__ import annotations

import re
import sys

from workspace import load_packages


def main() -> int:
    if len(sys.argv) != 2 or not re.fullmatch(r"\d+\.\d+\.\d+", sys.argv[1]):
        print("usage: bump_version.py MAJOR.MINOR.PATCH", file=sys.stderr)
        return 2
    version = sys.argv[1]
    major, minor, _ = (int(part) for part in version.split("."))
    pin = f">={major}.{minor}.0,<{major}.{minor + 1}"
    packages = load_packages()
    names = "|".join(re.escape(p.name) for p in packages)
    for package in packages:
        text = package.pyproject.read_text()
        text = re.sub(r'(?m)^version = "[^"]+"', f'version = "{version}"', text, count=1)
        # requirement strings only (a name followed by a specifier), never the `name = "..."` field
        text = re.sub(rf'"({names})(?=[<>=~!])[^"]*"', lambda m: f'"{m.group(1)}{pin}"', text)
        package.pyproject.write_text(text)
        init = package.directory / package.import_name / "__init__.py"
        if init.exists():
            init.write_text(re.sub(r'__version__ = "[^"]+"', f'__version__ = "{version}"', init.read_text()))
        print(f"{package.name} -> {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
