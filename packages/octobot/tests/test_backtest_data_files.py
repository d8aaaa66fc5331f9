"""What a backtest does with the data files a user gives: foreign formats imported once, gaps of the
run window reported, every fix of octobot-backtesting's errors worded with the command's flags."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import octobot_backtesting as ob
from octobot.data_errors import cli_message
from octobot.errors import ExitCode

from .helpers import run_cli, shared_data

BACKTESTING_SOURCES = Path(__file__).resolve().parents[2] / "backtesting" / "octobot_backtesting"


@pytest.fixture
def eth_btc_csv() -> Path:
    path = shared_data() / "freqtrade" / "ETH_BTC-5m.csv"
    if not path.is_file():
        pytest.skip(f"real market data not found at {path}")
    return path


@pytest.fixture
def eth_profile(home, builtin_tentacles) -> str:
    """The default profile on ETH/BTC 5m, valued in BTC."""
    assert run_cli("profiles", "copy", "default", "eth")[0] == ExitCode.OK
    path = home.profiles / "eth" / "profile.json"
    content = json.loads(path.read_text())
    content.update(pairs=["ETH/BTC"], time_frames=["5m"], reference_market="BTC")
    content["simulator"]["starting_portfolio"] = {"BTC": 1}
    path.write_text(json.dumps(content))
    return "eth"


def test_a_csv_given_to_data_is_imported_once_and_reused(home, eth_profile, eth_btc_csv, tmp_path):
    first = run_cli("backtest", "--profile", eth_profile, "--data", str(eth_btc_csv), "--report", "json")
    assert first[0] == ExitCode.OK, first[2]
    imported = home.data / "imported-ETH_BTC-5m.sqlite"
    stamp = imported.stat().st_mtime_ns
    second = run_cli("backtest", "--profile", eth_profile, "--data", str(eth_btc_csv), "--report", "json")
    assert second[0] == ExitCode.OK and imported.stat().st_mtime_ns == stamp
    assert json.loads(first[1])["metadata"]["data_files"] == {"binance": str(imported)}
    assert json.loads(first[1])["data_warnings"] == []


def test_a_gap_in_the_run_window_is_a_warning_of_the_run_and_of_the_report(
    home, eth_profile, eth_btc_csv, tmp_path
):
    rows = eth_btc_csv.read_text().splitlines()
    holed = tmp_path / "ETH_BTC-5m.csv"
    holed.write_text("\n".join(rows[:1001] + rows[1051:1600]) + "\n")  # 50 candles missing
    code, out, err = run_cli("backtest", "--profile", eth_profile, "--data", str(holed))
    assert code == ExitCode.OK, err
    warning = re.search(r"ETH/BTC 5m: 50 candle\(s\) missing from \S+ up to \S+ in the run window", err)
    assert warning is not None
    assert "Data warnings (1)" in out and warning.group(0) in out


def _fix_keys() -> set[str]:
    keys = set()
    for path in BACKTESTING_SOURCES.rglob("*.py"):
        keys |= set(re.findall(r'fix_key="([a-z_]+)"', path.read_text()))
    return keys


def test_every_fix_of_octobot_backtesting_has_its_command_line_wording():
    keys = _fix_keys()
    assert {"overwrite", "exchange", "timestamp_unit", "window", "import", "rewrite"} <= keys
    for key in keys:
        error = ob.BacktestingError("something is wrong", fix_key=key, fix="pass some_parameter=1")
        worded = cli_message(error)
        assert worded.startswith("something is wrong; ") and "some_parameter" not in worded, key
        assert worded != str(error) and "=" not in worded, key  # no Python parameter named
