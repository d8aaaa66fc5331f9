"""`octobot tentacles new`: every kind's skeleton loads, passes its own generated tests (the equivalence
check included, on real data), and the evaluator, strategy and mode skeletons pass the check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import octobot
from octobot.errors import ExitCode
from octobot.notifications import DEFAULT_LEVELS
from octobot.tentacle_check import check_tentacle_async
from octobot.tentacle_template import TEMPLATE_KINDS

from .helpers import run_cli, shared_data

#: kind -> (class name, module, default config, generated tests)
KINDS = {
    "ta": ("MyMomentumEvaluator", "my_momentum_evaluator", {"period": 10}, 5),
    "real_time": ("MyCandleBodyEvaluator", "my_candle_body_evaluator", {"min_range_percent": 0.1}, 5),
    "social": ("MyCallsEvaluator", "my_calls_evaluator", {"feed": "WebhookFeed", "strength": 0.8}, 4),
    "strategy": ("MyAverageStrategy", "my_average_strategy", {"min_opinions": 1}, 4),
    "trading_mode": ("MyMarketMode", "my_market_mode", {"threshold": 0.3, "buy_amount": "25a%"}, 4),
    "notifier": ("MyFileNotifier", "my_file_notifier", {"notifications": DEFAULT_LEVELS, "path": ""}, 3),
    "interface": ("MyStatusInterface", "my_status_interface", {"host": "127.0.0.1", "port": 0}, 2),
    "service_feed": ("MyItemsFeed", "my_items_feed", {**octobot.POLLING_DEFAULTS, "path": "/items"}, 3),
}
#: the kinds the equivalence check runs in a bot
CHECKED = ("ta", "real_time", "social", "strategy", "trading_mode")


def test_every_kind_has_a_template_and_the_help_lists_them() -> None:
    assert {kind.value for kind in TEMPLATE_KINDS} == set(KINDS)
    code, out, _ = run_cli("tentacles", "new", "--help")
    assert code == ExitCode.OK
    for kind in KINDS:
        assert f"  {kind} " in out


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every kind generated into one user tentacles folder (as a user would, through the command)."""
    root = tmp_path_factory.mktemp("templates") / "octobot-home"
    previous = os.environ.get(octobot.HOME_ENV)
    os.environ[octobot.HOME_ENV] = str(root)
    try:
        for kind, (name, module, _, _) in KINDS.items():
            code, out, err = run_cli("tentacles", "new", "--kind", kind, name)
            assert code == 0, err
            assert f"created {root / 'tentacles' / f'{module}.py'}" in out
    finally:
        if previous is None:
            del os.environ[octobot.HOME_ENV]
        else:
            os.environ[octobot.HOME_ENV] = previous
    return root


def test_the_registry_loads_every_generated_kind(generated: Path) -> None:
    registry = octobot.TentacleRegistry.discover(generated / "tentacles", entry_points=False)
    assert registry.errors == []
    for kind, (name, _, defaults, _) in KINDS.items():
        info = registry.get(name)
        assert (info.kind.value, info.version, info.default_config) == (kind, "0.1.0", defaults)


def test_every_generated_file_is_clean_python(generated: Path) -> None:
    """Syntax errors, undefined or unused names (pyflakes' rules, through ruff)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "E9,F", "."],
        capture_output=True,
        text=True,
        cwd=generated / "tentacles",
        timeout=120,
    )
    if "No module named ruff" in result.stderr:
        pytest.skip("ruff is not installed")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_generated_test_passes(generated: Path) -> None:
    """One pytest subprocess for every generated test file, with real candles for the equivalence tests."""
    data = shared_data() / "octobot" / "AbstractExchangeHistoryCollector_1581774962.1269426.data"
    if not data.is_file():
        pytest.skip(f"real market data not found at {data}: set OCTOBOT_SHARED_DATA")
    tests = generated / "tentacles" / "tests"
    # a generated test that hangs fails inside the child with its stack (--timeout), well before this
    # test's own limit: the child's output says which one and where
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "--timeout=120"]
    try:
        result = subprocess.run(
            [*command, str(tests)],
            capture_output=True,
            text=True,
            cwd=generated / "tentacles",
            env={**os.environ, octobot.HOME_ENV: str(generated), "OCTOBOT_CHECK_DATA": str(data)},
            timeout=270,
        )
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"").decode() if isinstance(expired.stdout, bytes) else expired.stdout
        pytest.fail(f"the generated tests did not end in 270 s; their output so far:\n{output}")
    assert result.returncode == 0, result.stdout + result.stderr
    expected = sum(count for *_, count in KINDS.values())
    assert f"{expected} passed" in result.stdout and "skipped" not in result.stdout


@pytest.mark.parametrize("kind", CHECKED)
async def test_the_evaluator_strategy_and_mode_templates_pass_the_equivalence_check(
    generated: Path, home: octobot.UserHome, kind: str
) -> None:
    data = shared_data() / "octobot" / "AbstractExchangeHistoryCollector_1581774962.1269426.data"
    if not data.is_file():
        pytest.skip(f"real market data not found at {data}: set OCTOBOT_SHARED_DATA")
    registry = octobot.TentacleRegistry.discover(generated / "tentacles")
    name = KINDS[kind][0]
    report = await check_tentacle_async(name, data, registry=registry, candles=200, home=home)
    assert report.ok, "\n".join(report.lines())
    assert report.kind == kind and report.candles >= 200
    if kind == "trading_mode":
        assert report.trades > 0  # it really trades on this slice
    else:
        assert report.evaluations > 0


def test_existing_files_are_not_overwritten_without_force(home: octobot.UserHome) -> None:
    assert run_cli("tentacles", "new", "--kind", "ta", "MyMomentumEvaluator")[0] == 0
    source = home.tentacles / "my_momentum_evaluator.py"
    source.write_text(source.read_text() + "\n# my edits\n")
    code, _, err = run_cli("tentacles", "new", "--kind", "ta", "MyMomentumEvaluator")
    assert code == ExitCode.ALREADY_EXISTS and "use --force" in err
    assert source.read_text().endswith("# my edits\n")
    assert run_cli("tentacles", "new", "--kind", "ta", "MyMomentumEvaluator", "--force")[0] == 0
    assert not source.read_text().endswith("# my edits\n")


def test_bad_names_and_kinds_are_clear_errors(home: octobot.UserHome) -> None:
    code, _, err = run_cli("tentacles", "new", "--kind", "ta", "my evaluator")
    assert code == ExitCode.INVALID_CONFIG and "use a CamelCase class name" in err
    code, _, err = run_cli("tentacles", "new", "--kind", "wizard", "MyEvaluator")
    assert code == ExitCode.USAGE and "unknown tentacle kind 'wizard'" in err
    code, _, err = run_cli("tentacles", "new", "--kind", "importer", "MyImporter")
    assert code == ExitCode.INVALID_CONFIG and "no template for kind 'importer'; available: ta, " in err
