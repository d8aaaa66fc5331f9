"""`octobot backtest`: the default profile replayed on a real data file, reported, deterministic."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from octobot.errors import ExitCode

from .helpers import run_cli


def test_backtest_of_the_default_profile_on_real_data(home, builtin_tentacles, btc_data_file, tmp_path):
    html, figures = tmp_path / "report.html", tmp_path / "report.json"
    code, out, _ = run_cli("backtest", "--data", "btc", "--html", str(html), "--json", str(figures))
    assert code == 0, out
    assert "Run 2018-04-07T15:00:00.000Z -> 2018-04-28T11:00:00.000Z  (reference market USDT)" in out
    assert "start value           1000 USDT" in out
    assert "candles               500 in" in out
    report = json.loads(figures.read_text())
    trades = report["trades"]
    assert trades and {trade["side"] for trade in trades} == {"buy", "sell"}
    assert all(trade["symbol"] == "BTC/USDT" for trade in trades)
    # 0.1 % fees, as the default profile says
    for trade in trades:
        price, amount, fee = (float(trade[key]) for key in ("price", "amount", "fee"))
        expected = amount * 0.001 if trade["side"] == "buy" else amount * price * 0.001
        assert abs(fee - expected) <= expected * 1e-6
    assert html.read_text().lstrip().lower().startswith("<!doctype html")
    assert (home.logs / "octobot.log").is_file()


def test_two_runs_give_the_same_figures(home, builtin_tentacles, btc_data_file, tmp_path):
    """A backtest is a deterministic function of profile, settings and data: bit for bit."""
    figures = []
    for index in range(2):
        path = tmp_path / f"run{index}.json"
        assert run_cli("backtest", "--data", "btc", "--json", str(path))[0] == 0
        report = json.loads(path.read_text())
        report.pop("run", None)  # durations
        figures.append(json.dumps(report, sort_keys=True).replace(str(path), ""))
    assert figures[0] == figures[1]
    assert json.loads(figures[0])["trades"]  # the run traded: the comparison covers orders


def test_a_window_narrows_the_run(home, builtin_tentacles, btc_data_file):
    code, out, _ = run_cli("backtest", "--data", "btc", "--start", "2018-04-20", "--end", "2018-04-25")
    assert code == 0
    assert "Run 2018-04-20T00:00:00.000Z -> 2018-04-25T00:00:00.000Z" in out


def test_a_data_file_without_the_profiles_pairs_is_refused(home, builtin_tentacles, btc_data_file):
    run_cli("profiles", "copy", "default", "eth")
    profile_file = home.profiles / "eth" / "profile.json"
    profile_file.write_text(profile_file.read_text().replace('"BTC/USDT"', '"ETH/USDT"'))
    code, _, err = run_cli("backtest", "--profile", "eth", "--data", "btc")
    assert code == ExitCode.DATA_ERROR
    assert "btc.sqlite has no candles of ETH/USDT (it holds BTC/USDT)" in err


def test_unknown_data_file(home, builtin_tentacles):
    code, _, err = run_cli("backtest", "--data", "nothing-here")
    assert code == ExitCode.NOT_FOUND and "data file 'nothing-here' not found" in err


def test_a_notifier_listed_in_the_profile_reports_every_trade(
    home, builtin_tentacles, btc_data_file, tmp_path
):
    run_cli("profiles", "copy", "default", "notified")
    profile_file = home.profiles / "notified" / "profile.json"
    content = json.loads(profile_file.read_text())
    content["interfaces"] = ["LogNotifier"]
    profile_file.write_text(json.dumps(content))
    figures = tmp_path / "figures.json"
    code, _, _ = run_cli("backtest", "--profile", "notified", "--data", "btc", "--json", str(figures))
    assert code == 0
    trades = json.loads(figures.read_text())["trades"]
    lines = (home.logs / "octobot.log").read_text().splitlines()
    notified = [line for line in lines if " order_filled: " in line]
    assert len(notified) == len(trades) > 0
    assert all("BTC/USDT at" in line for line in notified)


def test_an_interface_entry_must_name_an_interface_or_notifier(home, builtin_tentacles):
    run_cli("profiles", "copy", "default", "wrong")
    profile_file = home.profiles / "wrong" / "profile.json"
    content = json.loads(profile_file.read_text())
    content["interfaces"] = ["DailyTradingMode"]
    profile_file.write_text(json.dumps(content))
    code, _, err = run_cli("profiles", "validate", "wrong")
    assert code == ExitCode.UNKNOWN_TENTACLE
    assert (
        "interfaces[0]: 'DailyTradingMode' is a trading_mode tentacle; expected kind here: interface or"
        in err
    )


def test_user_config_log_levels_apply(home, builtin_tentacles, btc_data_file):
    run_cli("profiles", "copy", "default", "notified")
    profile_file = home.profiles / "notified" / "profile.json"
    content = json.loads(profile_file.read_text())
    content["interfaces"] = ["LogNotifier"]
    profile_file.write_text(json.dumps(content))
    home.user_config.write_text(json.dumps({"logging": {"levels": {"octobot.notifiers": "WARNING"}}}))
    home.user_config.chmod(0o600)
    assert run_cli("backtest", "--profile", "notified", "--data", "btc")[0] == 0
    log = (home.logs / "octobot.log").read_text()
    assert "bot-" in log and " order_filled: " not in log


def test_report_option_prints_json_figures(home, builtin_tentacles, btc_data_file):
    code, out, err = run_cli("backtest", "--data", "btc", "--report", "json", "--no-progress")
    assert code == 0, err
    figures = json.loads(out)
    assert figures["profitability"]["start_value"] == "1000"
    assert "%|" not in err  # no progress bar when asked not to draw one


def test_report_html_writes_the_default_file_and_progress_reaches_the_end(
    home, builtin_tentacles, btc_data_file, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("backtest", "--data", "btc", "--report", "html", "--progress")
    assert code == 0, err
    assert "report written to reports/backtest.html" in out
    assert (tmp_path / "reports" / "backtest.html").read_text().lstrip().lower().startswith("<!doctype html")
    assert "backtest: 100%" in err


def test_a_backtest_process_never_imports_ccxt(home, builtin_tentacles, btc_data_file):
    # ccxt's import costs seconds of CPU per process (every exchange class): a backtest needs none of it
    code = (
        "import sys\n"
        "from octobot.cli import main\n"
        f"code = main(['backtest', '--profile', 'default', '--data', {str(btc_data_file)!r}])\n"
        "print('ccxt imported:', 'ccxt' in sys.modules)\n"
        "sys.exit(code)\n"
    )
    path = os.pathsep.join([str(builtin_tentacles), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": path},
    )
    assert done.returncode == ExitCode.OK, done.stderr
    assert "profitability" in done.stdout and "ccxt imported: False" in done.stdout
