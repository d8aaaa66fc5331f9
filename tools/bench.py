"""Runs every package's benchmarks on the pure and on the compiled build and prints them side by side.

Each benchmark script writes ``{"package", "compiled", "rows": [{"case", "unit", "ours", "baselines":
{name: value}}]}`` with ``--json PATH``; baselines are measured in the same run as ours, so each build's
ratio is taken against the baselines of its own run. Higher is better for every figure (throughputs).
Scripts in ``benchmarks/`` whose name starts with ``bench_`` are run.

Optional row fields:
- ``check``: results that must be identical on both builds (trade count, final equity, a digest of the
  trades); a difference is reported and makes the run fail;
- ``targets``: ``{"compiled": 10, "pure": 2.5}``, the ratio to the first baseline each build should reach
  (reported as met or missed; a missed target does not fail the run: figures move with the machine's load);
- ``memory_mb`` and ``memory_limit_mb``: a peak memory and its target, reported the same way.
The machine's load (``os.getloadavg``) is printed before and after: the figures depend on it.
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

BUILDS = ("pure", "compiled")


def _run(python: str, script: Path, label: str) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        print(f"--- {script.relative_to(ROOT)} ({label})", flush=True)
        completed = subprocess.run([python, str(script), "--json", output.name], cwd=script.parent.parent)
        text = Path(output.name).read_text()
        if completed.returncode != 0:
            # a failed check (exit 1 after writing its figures) still shows its figures
            print(f"!!! {script.name} failed on the {label} build (exit {completed.returncode})")
            return {**json.loads(text), "failed": True} if text.strip() else None
        if not text.strip():  # a script without --json support: its own output above is the report
            return {"rows": [], "no_json": True}
        return json.loads(text)


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.3g}"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _rows(results: dict[str, dict | None]) -> dict[str, dict[str, dict]]:
    """case -> build -> row."""
    rows: dict[str, dict[str, dict]] = {}
    for build, result in results.items():
        for row in (result or {}).get("rows", []):
            rows.setdefault(row["case"], {})[build] = row
    return rows


def _table(results: dict[str, dict | None]) -> tuple[list[str], list[str]]:
    """The report lines, and the differences between builds (each a failure)."""
    lines, problems = [], []
    for case, by_build in _rows(results).items():
        pure, compiled = by_build.get("pure"), by_build.get("compiled")
        unit = (pure or compiled or {}).get("unit", "")
        pure_value = pure["ours"] if pure else None
        compiled_value = compiled["ours"] if compiled else None
        speedup = f"{compiled_value / pure_value:.2f}x" if pure_value and compiled_value else "-"
        ratios = []
        for name in dict.fromkeys(name for row in by_build.values() for name in row.get("baselines", {})):
            parts = []
            for build, row in by_build.items():
                value = row.get("baselines", {}).get(name)
                parts.append(f"{build} {row['ours'] / value:.2f}x" if value else f"{build} -")
            values = [
                row["baselines"][name] for row in by_build.values() if row.get("baselines", {}).get(name)
            ]
            ratios.append(f"{name} {_fmt(values[0] if values else None)} ({', '.join(parts)})")
        lines.append(
            f"{case:<48} {unit:<10} pure {_fmt(pure_value):>10}  compiled {_fmt(compiled_value):>10}"
            f"  compiled/pure {speedup:>6}  | {'; '.join(ratios)}"
        )
        lines.extend(_targets(by_build))
        if pure and compiled and pure.get("check") != compiled.get("check"):
            problems.append(
                f"{case}: the builds differ: pure {pure.get('check')}, compiled {compiled.get('check')}"
            )
        elif pure and pure.get("check"):
            lines.append(f"    same results on both builds: {pure['check']}")
    return lines, problems


def _targets(by_build: dict[str, dict]) -> list[str]:
    lines = []
    for build, row in by_build.items():
        target = row.get("targets", {}).get(build)
        baselines = row.get("baselines", {})
        if target is not None and baselines:
            name, value = next(iter(baselines.items()))
            ratio = row["ours"] / value if value else 0.0
            verdict = "met" if ratio >= target else "MISSED"
            lines.append(f"    target {build}: >= {target}x {name}: {ratio:.2f}x, {verdict}")
        limit, memory = row.get("memory_limit_mb"), row.get("memory_mb")
        if limit is not None and memory is not None:
            verdict = "met" if memory <= limit else "MISSED"
            lines.append(f"    target {build}: peak memory <= {limit:,.0f} MB: {memory:,.0f} MB, {verdict}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pure", required=True, help="python of the pure (editable) environment")
    parser.add_argument("--compiled", required=True, help="python of the compiled environment")
    parser.add_argument("--only", default="", help="run only this package directory, e.g. channel")
    parser.add_argument("--script", default="", help="run only the scripts whose name contains this")
    args = parser.parse_args()
    # absolute, but not resolved: a venv's python is a link whose location selects the environment
    pythons = {"pure": os.path.abspath(args.pure), "compiled": os.path.abspath(args.compiled)}
    report: list[str] = [f"machine at the start: {_load()}"]
    failures: list[str] = []
    for package in load_packages():
        if args.only and package.directory.name != args.only:
            continue
        for script in sorted((package.directory / "benchmarks").glob("bench_*.py")):
            if args.script not in script.name:
                continue
            results = {build: _run(pythons[build], script, build) for build in BUILDS}
            failures.extend(
                f"{script.name} failed on the {build} build"
                for build, result in results.items()
                if not result or result.get("failed")
            )
            lines, problems = _table(results)
            report.append(f"\n## {package.name}: {script.name}")
            report.extend(lines)
            if any(result and result.get("no_json") for result in results.values()):
                report.append("(writes no --json figures: see its output above)")
            failures.extend(problems)
    report.append(f"\nmachine at the end: {_load()}")
    print("\n".join(report))
    for failure in failures:
        print(f"!!! {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
