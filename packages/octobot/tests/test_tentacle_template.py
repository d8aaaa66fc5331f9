"""`octobot tentacles new`: the generated skeleton loads, and passes its own generated test."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import octobot
from octobot.errors import ExitCode

from .helpers import run_cli


@pytest.mark.parametrize(
    ("kind", "name", "module", "defaults", "tests"),
    [
        ("ta", "MyMomentumEvaluator", "my_momentum_evaluator", {"period": 10}, 4),
        ("strategy", "MyAverageStrategy", "my_average_strategy", {"min_opinions": 1}, 3),
    ],
)
def test_the_generated_skeleton_passes_its_own_test(home, kind, name, module, defaults, tests):
    code, out, _ = run_cli("tentacles", "new", "--kind", kind, name)
    assert code == 0
    source = home.tentacles / f"{module}.py"
    test = home.tentacles / "tests" / f"test_{module}.py"
    assert f"created {source}" in out and f"created {test}" in out

    registry = octobot.TentacleRegistry.discover(home.tentacles, entry_points=False)
    assert registry.errors == []
    info = registry.get(name)
    assert (info.kind.value, info.version, info.default_config) == (kind, "0.1.0", defaults)

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
        capture_output=True,
        text=True,
        cwd=home.tentacles,
        env={**os.environ, "OCTOBOT_HOME": str(home.root)},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{tests} passed" in result.stdout


def test_existing_files_are_not_overwritten_without_force(home):
    assert run_cli("tentacles", "new", "--kind", "ta", "MyMomentumEvaluator")[0] == 0
    source = home.tentacles / "my_momentum_evaluator.py"
    source.write_text(source.read_text() + "\n# my edits\n")
    code, _, err = run_cli("tentacles", "new", "--kind", "ta", "MyMomentumEvaluator")
    assert code == ExitCode.ALREADY_EXISTS and "use --force" in err
    assert source.read_text().endswith("# my edits\n")
    assert run_cli("tentacles", "new", "--kind", "ta", "MyMomentumEvaluator", "--force")[0] == 0
    assert not source.read_text().endswith("# my edits\n")


def test_bad_names_and_kinds_are_clear_errors(home):
    code, _, err = run_cli("tentacles", "new", "--kind", "ta", "my evaluator")
    assert code == ExitCode.INVALID_CONFIG and "use a CamelCase class name" in err
    code, _, err = run_cli("tentacles", "new", "--kind", "wizard", "MyEvaluator")
    assert code == ExitCode.USAGE and "unknown tentacle kind 'wizard'" in err
    code, _, err = run_cli("tentacles", "new", "--kind", "notifier", "MyNotifier")
    assert (
        code == ExitCode.INVALID_CONFIG
        and "no template for kind 'notifier' yet; available: ta, strategy" in err
    )
