"""Runs every package's benchmarks on the pure and on the compiled build and prints them side by side.

Each benchmark script writes ``{"package", "compiled", "rows": [{"case", "unit", "ours", "baselines":
{name: value}}]}`` with ``--json PATH``; baselines are measured in the same run as ours. Higher is better
for every figure (throughputs). Scripts in ``benchmarks/`` whose name starts with ``bench_`` are run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from workspace import ROOT, load_packages


def _run(python: str, script: Path, label: str) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        print(f"--- {script.relative_to(ROOT)} ({label})", flush=True)
        completed = subprocess.run([python, str(script), "--json", output.name], cwd=script.parent.parent)
        if completed.returncode != 0:
            print(f"!!! {script.name} failed on the {label} build (exit {completed.returncode})")
            return None
        return json.loads(Path(output.name).read_text())


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.3g}"


def _table(pure: dict | None, compiled: dict | None) -> list[str]:
    rows: dict[str, dict] = {}
    for build, result in (("pure", pure), ("compiled", compiled)):
        for row in (result or {}).get("rows", []):
            entry = rows.setdefault(row["case"], {"unit": row["unit"], "baselines": {}})
            entry[build] = row["ours"]
            for name, value in row.get("baselines", {}).items():
                entry["baselines"].setdefault(name, value)
    lines = []
    for case, entry in rows.items():
        pure_value, compiled_value = entry.get("pure"), entry.get("compiled")
        speedup = f"{compiled_value / pure_value:.2f}x" if pure_value and compiled_value else "-"
        best = compiled_value or pure_value
        ratios = ", ".join(
            f"{name} {_fmt(value)} ({best / value:.1f}x)" if value and best else f"{name} -"
            for name, value in entry["baselines"].items()
        )
        lines.append(
            f"{case:<44} {entry['unit']:<10} pure {_fmt(pure_value):>12}  compiled {_fmt(compiled_value):>12}"
            f"  compiled/pure {speedup:>6}  | {ratios}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pure", required=True, help="python of the pure (editable) environment")
    parser.add_argument("--compiled", required=True, help="python of the compiled environment")
    parser.add_argument("--only", default="", help="run only this package directory, e.g. channel")
    args = parser.parse_args()
    # absolute, but not resolved: a venv's python is a link whose location selects the environment
    pure, compiled = os.path.abspath(args.pure), os.path.abspath(args.compiled)
    report: list[str] = []
    for package in load_packages():
        if args.only and package.directory.name != args.only:
            continue
        for script in sorted((package.directory / "benchmarks").glob("bench_*.py")):
            pure_result = _run(pure, script, "pure")
            compiled_result = _run(compiled, script, "compiled")
            report.append(f"\n## {package.name}: {script.name}")
            report.extend(_table(pure_result, compiled_result))
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
