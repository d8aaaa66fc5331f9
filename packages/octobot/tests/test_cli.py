"""The command line itself: version, usage errors, unexpected errors, the user data folder."""

from __future__ import annotations

import octobot
from octobot.errors import ExitCode

from .helpers import run_cli


def test_version():
    code, out, _ = run_cli("--version")
    assert code == 0 and out.strip() == f"octobot {octobot.__version__}"


def test_usage_errors_exit_2_with_one_line():
    code, _, err = run_cli("profiles", "frobnicate")
    assert code == ExitCode.USAGE == 2
    assert err.count("\n") == 1 and "invalid choice: 'frobnicate'" in err
    code, _, err = run_cli()
    assert code == ExitCode.USAGE and "required" in err


def test_home_option_overrides_the_environment(home, tmp_path):
    other = tmp_path / "elsewhere"
    code, out, _ = run_cli("--home", str(other), "config", "path")
    assert code == 0 and out.strip() == str(other / "user_config.json")
    code, out, _ = run_cli("config", "path")
    assert out.strip() == str(home.user_config)


def test_bad_log_option_is_a_usage_error(home):
    code, _, err = run_cli("--log", "ccxt", "profiles", "list")
    assert code == ExitCode.USAGE and "--log expects LOGGER=LEVEL" in err
    code, _, err = run_cli("--log", "ccxt=LOUD", "profiles", "list")
    assert code == ExitCode.INVALID_CONFIG and "unknown level 'LOUD'" in err
