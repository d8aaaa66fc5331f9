"""The bad-input matrix: every user mistake ends with its documented exit code and exactly one
`octobot: error:` line naming the file, key or flag and the fix, no traceback, and nothing written or
changed in the user's folders (the rotating log of `backtest` aside).

Each case prepares its inputs, then the home folder and the inputs are snapshotted around one
in-process run of `octobot.cli.main`. A few run through `python -m octobot` (a real process).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import octobot
from octobot.errors import ExitCode

from .helpers import run_cli, shared_data, write_profile

Setup = Callable[[octobot.UserHome, Path], list[str]]
FREQTRADE_CSV = "freqtrade/ETH_BTC-5m.csv"


def _snapshot(*roots: Path) -> dict[str, tuple[int, int, int]]:
    """Size, modification time and mode of every file and folder under ``roots`` (logs aside)."""
    found = {}
    for root in roots:
        for path in [root, *root.rglob("*")]:
            if "logs" in path.relative_to(root).parts:
                continue
            status = path.lstat()
            found[str(path)] = (status.st_size if path.is_file() else 0, status.st_mtime_ns, status.st_mode)
    return found


def _profile(change: dict | None = None, **tentacle_files: object) -> Setup:
    """A user profile 'mine' (the default one, changed) validated by `profiles validate mine`."""

    def setup(home: octobot.UserHome, _: Path) -> list[str]:
        assert run_cli("profiles", "copy", "default", "mine")[0] == ExitCode.OK
        folder = home.profiles / "mine"
        content = json.loads((folder / "profile.json").read_text())
        content.update(change or {})
        (folder / "profile.json").write_text(json.dumps(content))
        for name, value in tentacle_files.items():
            path = folder / f"{name}.json"
            if isinstance(value, dict) and path.exists():
                value = {**json.loads(path.read_text()), **value}
            path.write_text(value if isinstance(value, str) else json.dumps(value))
        return ["profiles", "validate", "mine"]

    return setup


def _raw_profile(text: str) -> Setup:
    def setup(home: octobot.UserHome, _: Path) -> list[str]:
        write_profile(home, text)
        return ["profiles", "validate", "mine"]

    return setup


def _argv(*argv: str) -> Setup:
    return lambda home, tmp: [part.format(home=home.root, tmp=tmp) for part in argv]


def _file(name: str, content: bytes | str, *argv: str) -> Setup:
    """A file ``name`` in the test folder, then ``argv`` where {file} is its path."""

    def setup(home: octobot.UserHome, tmp: Path) -> list[str]:
        path = tmp / "inputs" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return [part.format(file=path, home=home.root, tmp=tmp) for part in argv]

    return setup


def _real(name: str, *argv: str) -> Setup:
    """A real market data file (read in place), then ``argv`` where {file} is its path."""

    def setup(home: octobot.UserHome, tmp: Path) -> list[str]:
        path = shared_data() / name
        if not path.is_file():
            pytest.skip(f"real market data not found at {path}")
        return [part.format(file=path) for part in argv]

    return setup


def _truncated_data_file(home: octobot.UserHome, tmp: Path) -> list[str]:
    source = shared_data() / FREQTRADE_CSV
    if not source.is_file():
        pytest.skip(f"real market data not found at {source}")
    whole = tmp / "whole.sqlite"
    assert run_cli("data", "import", str(source), "--exchange", "binance", "--to", str(whole))[0] == 0
    cut = tmp / "inputs" / "cut.sqlite"
    cut.parent.mkdir(exist_ok=True)
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    return ["backtest", "--data", str(cut)]


def _existing_data_file(*argv: str) -> Setup:
    def setup(home: octobot.UserHome, tmp: Path) -> list[str]:
        source = shared_data() / FREQTRADE_CSV
        if not source.is_file():
            pytest.skip(f"real market data not found at {source}")
        assert run_cli("data", "import", str(source), "--exchange", "binance", "--to", "eth")[0] == 0
        return [part.format(source=source) for part in argv]

    return setup


def _btc_data_file(*argv: str) -> Setup:
    """The real OctoBot BTC/USDT file imported as ``btc`` (the default profile's pair), then ``argv``."""

    def setup(home: octobot.UserHome, tmp: Path) -> list[str]:
        source = shared_data() / "octobot" / "AbstractExchangeHistoryCollector_1581774962.1269426.data"
        if not source.is_file():
            pytest.skip(f"real market data not found at {source}")
        assert run_cli("data", "import", str(source), "--to", "btc")[0] == 0
        return list(argv)

    return setup


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _no_network(home: octobot.UserHome, tmp: Path) -> list[str]:
    """The exchange's every URL on a closed loopback port: no request leaves the machine."""
    from octobot.paper import exchange_url_config

    config = {"exchanges": {"binance": {"ccxt": exchange_url_config(f"http://127.0.0.1:{_closed_port()}")}}}
    home.user_config.write_text(json.dumps(config))
    home.user_config.chmod(0o600)
    flags = ["--exchange", "binance", "--symbol", "BTC/USDT", "--time-frame", "1h", "--start", "2024-01-01"]
    return ["data", "collect", *flags, "--to", "btc"]


def _insecure_user_config(home: octobot.UserHome, _: Path) -> list[str]:
    home.user_config.write_text("{}")
    home.user_config.chmod(0o644)
    return ["config", "show"]


# (setup, exit code, words the one error line must hold)
CASES = {
    # --- profiles
    "profile-not-found": (_argv("profiles", "validate", "nope"), ExitCode.NOT_FOUND, ["'nope'"]),
    "profile-malformed-json": (
        _raw_profile('{"name": "mine",'),
        ExitCode.MALFORMED_JSON,
        ["profile.json", "line"],
    ),
    "profile-unknown-key": (
        _profile({"pairz": ["BTC/USDT"]}),
        ExitCode.INVALID_CONFIG,
        ["profile.json", "'pairz'", "did you mean 'pairs'"],
    ),
    "profile-bad-time-frame": (
        _profile({"time_frames": ["1hr"]}),
        ExitCode.BAD_TIME_FRAME,
        ["time_frames[0]", "did you mean '1h'"],
    ),
    "profile-bad-symbol": (_profile({"pairs": ["BTCUSDT"]}), ExitCode.BAD_SYMBOL, ["pairs[0]", "BTC/USDT"]),
    "profile-futures-pair": (
        _profile({"pairs": ["XRP/USDT:USDT"]}),
        ExitCode.BAD_SYMBOL,
        ["pairs[0]", "'XRP/USDT'"],
    ),
    "profile-negative-amount": (
        _profile({"simulator": {"starting_portfolio": {"USDT": -5}}}),
        ExitCode.BAD_PORTFOLIO,
        ["simulator.starting_portfolio.USDT", "amount >= 0"],
    ),
    "profile-fee-150%": (
        _profile({"simulator": {"starting_portfolio": {"USDT": 1}, "fees": {"taker_percent": 150}}}),
        ExitCode.BAD_PORTFOLIO,
        ["simulator.fees.taker_percent", "below 100"],
    ),
    "profile-risk-as-text": (
        _profile({"risk": "half"}),
        ExitCode.INVALID_CONFIG,
        ["at risk", "decimal number like 0.1"],
    ),
    "profile-reference-market": (
        _profile({"reference_market": "EUR"}),
        ExitCode.INVALID_CONFIG,
        ["reference_market", "add BTC/EUR"],
    ),
    "profile-unknown-tentacle": (
        _profile({"evaluators": ["RSIMomentumEvaluatr", "DoubleMovingAverageTrendEvaluator"]}),
        ExitCode.UNKNOWN_TENTACLE,
        ["evaluators[0]", "did you mean"],
    ),
    "profile-missing-evaluator": (
        _profile({"evaluators": []}),
        ExitCode.MISSING_REQUIREMENT,
        ["SimpleStrategyEvaluator", '"evaluators"'],
    ),
    "profile-unknown-exchange": (
        _profile({"exchanges": ["binanse"]}),
        ExitCode.INVALID_CONFIG,
        ["exchanges[0]", "did you mean 'binance'"],
    ),
    # --- tentacle configs
    "tentacle-amount-500%": (
        _profile(DailyTradingMode={"buy_amount": "500%"}),
        ExitCode.INVALID_CONFIG,
        ["DailyTradingMode.json", "buy_amount", "at most 100%"],
    ),
    "tentacle-amount-0": (
        _profile(DailyTradingMode={"sell_amount": "0"}),
        ExitCode.INVALID_CONFIG,
        ["DailyTradingMode.json", "sell_amount", "must be positive"],
    ),
    "tentacle-amount-syntax": (
        _profile(DailyTradingMode={"buy_amount": "lots"}),
        ExitCode.INVALID_CONFIG,
        ["buy_amount", "25q (quote units)"],
    ),
    "tentacle-thresholds-crossed": (
        _profile(DailyTradingMode={"buy_threshold": -0.5}),
        ExitCode.INVALID_CONFIG,
        ["DailyTradingMode.json", "buy_threshold", "e.g."],
    ),
    "tentacle-out-of-range": (
        _profile(RSIMomentumEvaluator={"period": -3}),
        ExitCode.INVALID_CONFIG,
        ["RSIMomentumEvaluator.json", "period"],
    ),
    "tentacle-malformed-json": (
        _profile(DailyTradingMode='{"buy_amount": '),
        ExitCode.MALFORMED_JSON,
        ["DailyTradingMode.json", "line"],
    ),
    "tentacle-not-an-object": (
        _profile(DailyTradingMode="[1]"),
        ExitCode.INVALID_CONFIG,
        ["DailyTradingMode.json", "JSON object"],
    ),
    "tentacle-file-of-unknown-tentacle": (
        _profile(RSIMomentumEvaluatr={}),
        ExitCode.UNKNOWN_TENTACLE,
        ["RSIMomentumEvaluatr.json", "did you mean"],
    ),
    # --- data files given to a backtest
    "backtest-missing-data-file": (
        _argv("backtest", "--data", "nope"),
        ExitCode.NOT_FOUND,
        ["'nope'", "octobot data list"],
    ),
    "backtest-text-file": (
        _file("notes.sqlite", "hello", "backtest", "--data", "{file}"),
        ExitCode.DATA_ERROR,
        ["notes.sqlite", "neither a data file nor a candle file"],
    ),
    "backtest-empty-file": (
        _file("empty.sqlite", b"", "backtest", "--data", "{file}"),
        ExitCode.DATA_ERROR,
        ["empty.sqlite is empty", "octobot data delete"],
    ),
    "backtest-csv-without-its-name": (
        _file(
            "candles.csv",
            "timestamp,open,high,low,close,volume\n1700000000000,1,1,1,1,1\n",
            "backtest",
            "--data",
            "{file}",
        ),
        ExitCode.DATA_ERROR,
        ["candles.csv", "--symbol ETH/BTC --time-frame 5m"],
    ),
    "backtest-truncated-file": (
        _truncated_data_file,
        ExitCode.DATA_ERROR,
        ["cut.sqlite is a damaged data file", "delete it"],
    ),
    "backtest-file-without-the-pairs": (
        _existing_data_file("backtest", "--data", "eth"),
        ExitCode.DATA_ERROR,
        ["BTC/USDT", "octobot data collect"],
    ),
    "backtest-of-a-profile-trading-from-alerts": (
        _btc_data_file("backtest", "--profile", "tradingview", "--data", "btc"),
        ExitCode.NOT_BACKTESTABLE,
        ["'tradingview' cannot be backtested", "TradingView alerts", "octobot paper"],
    ),
    "backtest-window-outside-the-data": (
        _btc_data_file("backtest", "--data", "btc", "--start", "2030-01-01"),
        ExitCode.DATA_ERROR,
        ["holds no candle of the data", "--start and --end"],
    ),
    "backtest-start-after-end": (
        _btc_data_file("backtest", "--data", "btc", "--start", "2018-04-20", "--end", "2018-04-10"),
        ExitCode.USAGE,
        ["--start 2018-04-20 is not before --end 2018-04-10"],
    ),
    # --- data import / collect / validate
    "import-unknown-exchange": (
        _real(FREQTRADE_CSV, "data", "import", "{file}", "--exchange", "binanse", "--to", "x"),
        ExitCode.USAGE,
        ["--exchange", "did you mean 'binance'"],
    ),
    "import-without-exchange": (
        _real(FREQTRADE_CSV, "data", "import", "{file}", "--to", "x"),
        ExitCode.DATA_ERROR,
        ["--exchange binance"],
    ),
    "import-over-existing-file": (
        _existing_data_file("data", "import", "{source}", "--exchange", "binance", "--to", "eth"),
        ExitCode.DATA_ERROR,
        ["eth.sqlite already exists", "--overwrite"],
    ),
    "import-seconds-as-ms": (
        _file(
            "BTC_USDT-1d.csv",
            "timestamp,open,high,low,close,volume\n1704067200,1,2,1,2,5\n",
            "data",
            "import",
            "{file}",
            "--exchange",
            "binance",
            "--to",
            "x",
        ),
        ExitCode.DATA_ERROR,
        ["--timestamp-unit s"],
    ),
    "import-5m-candles-named-1h": (
        _file(
            "ETH_BTC-1h.csv",
            "timestamp,open,high,low,close,volume\n"
            + "".join(f"{1700000400000 + i * 300000},1,2,1,2,5\n" for i in range(30)),
            "data",
            "import",
            "{file}",
            "--exchange",
            "binance",
            "--to",
            "x",
        ),
        ExitCode.DATA_ERROR,
        ["candles are 5m apart, not 1h", "--time-frame"],
    ),
    "import-csv-without-its-name": (
        _file(
            "candles.csv",
            "timestamp,open,high,low,close,volume\n1700000000000,1,1,1,1,1\n",
            "data",
            "import",
            "{file}",
            "--exchange",
            "binance",
            "--to",
            "x",
        ),
        ExitCode.DATA_ERROR,
        ["candles.csv", "--symbol and --time-frame"],
    ),
    "import-missing-source": (
        _argv("data", "import", "{tmp}/none.csv", "--to", "x"),
        ExitCode.NOT_FOUND,
        ["none.csv"],
    ),
    "import-bad-resample": (
        _real(
            FREQTRADE_CSV,
            "data",
            "import",
            "{file}",
            "--exchange",
            "binance",
            "--resample",
            "1hr",
            "--to",
            "x",
        ),
        ExitCode.BAD_TIME_FRAME,
        ["--resample", "did you mean '1h'"],
    ),
    "collect-unknown-exchange": (
        _argv(
            "data",
            "collect",
            "--exchange",
            "binanse",
            "--symbol",
            "BTC/USDT",
            "--time-frame",
            "1h",
            "--start",
            "2024-01-01",
            "--to",
            "x",
        ),
        ExitCode.USAGE,
        ["--exchange", "did you mean 'binance'"],
    ),
    "collect-1hr": (
        _argv(
            "data",
            "collect",
            "--exchange",
            "binance",
            "--symbol",
            "BTC/USDT",
            "--time-frame",
            "1hr",
            "--start",
            "2024-01-01",
            "--to",
            "x",
        ),
        ExitCode.BAD_TIME_FRAME,
        ["--time-frame", "did you mean '1h'"],
    ),
    "collect-bad-symbol": (
        _argv(
            "data",
            "collect",
            "--exchange",
            "binance",
            "--symbol",
            "BTCUSDT",
            "--time-frame",
            "1h",
            "--start",
            "2024-01-01",
            "--to",
            "x",
        ),
        ExitCode.BAD_SYMBOL,
        ["--symbol", "BTC/USDT"],
    ),
    "collect-bad-date": (
        _argv(
            "data",
            "collect",
            "--exchange",
            "binance",
            "--symbol",
            "BTC/USDT",
            "--time-frame",
            "1h",
            "--start",
            "yesterday",
            "--to",
            "x",
        ),
        ExitCode.USAGE,
        ["--start", "2024-01-01"],
    ),
    "collect-no-network": (_no_network, ExitCode.DATA_ERROR, ["cannot reach binance", "network connection"]),
    "validate-not-a-data-file": (
        _real(FREQTRADE_CSV, "data", "validate", "{file}"),
        ExitCode.DATA_ERROR,
        ["ETH_BTC-5m.csv", "not a data file", "octobot data import"],
    ),
    # --- command line
    "cli-unknown-command": (_argv("frobnicate"), ExitCode.USAGE, ["invalid choice", "octobot --help"]),
    "cli-bad-choice": (
        _argv("backtest", "--report", "xml"),
        ExitCode.USAGE,
        ["backtest: argument --report", "octobot backtest --help"],
    ),
    "cli-missing-argument": (_argv("profiles", "copy", "default"), ExitCode.USAGE, ["required", "target"]),
    "cli-unknown-kind": (
        _argv("tentacles", "list", "--kind", "indicator"),
        ExitCode.USAGE,
        ["argument --kind", "valid kinds: ta, real_time"],
    ),
    "cli-bad-log-option": (
        _argv("--log", "ccxt", "config", "path"),
        ExitCode.USAGE,
        ["--log expects LOGGER=LEVEL"],
    ),
    "cli-copy-over-builtin": (
        _argv("profiles", "copy", "default", "default"),
        ExitCode.USAGE,
        ["built-in profile", "--force"],
    ),
    "cli-copy-over-existing": (
        lambda home, tmp: _profile()(home, tmp) and ["profiles", "copy", "default", "mine"],
        ExitCode.ALREADY_EXISTS,
        ["'mine' already exists", "--force"],
    ),
    "cli-bad-exchange-url": (
        _argv("run", "--exchange-url", "not a url"),
        ExitCode.BOT_ERROR,
        ["--exchange-url", "http://127.0.0.1:8000"],
    ),
    "web-exposed-without-password": (
        _argv("web", "--host", "0.0.0.0"),
        ExitCode.WEB_ERROR,
        ["0.0.0.0", "without a password", "--set-password"],
    ),
    "user-config-readable-by-others": (
        _insecure_user_config,
        ExitCode.INSECURE_USER_CONFIG,
        ["user_config.json", "chmod 600"],
    ),
}


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused connection is retried in milliseconds, not seconds (the error stays the same)."""
    from octobot_trading.ccxt_connector import RetryPolicy, public_market_data

    monkeypatch.setattr(
        public_market_data, "RetryPolicy", lambda: RetryPolicy(base_delay_s=0.001, max_delay_s=0.01)
    )


@pytest.mark.parametrize(("setup", "code", "words"), list(CASES.values()), ids=list(CASES))
def test_a_bad_input_gives_its_code_one_error_line_and_changes_nothing(
    home, builtin_tentacles, fast_retries, tmp_path, setup, code, words
):
    argv = setup(home, tmp_path)
    before = _snapshot(home.root, tmp_path)
    result, _, err = run_cli(*argv)
    assert result == code, err
    lines = err.strip().splitlines()
    errors = [line for line in lines if line.startswith("octobot: error: ")]
    assert len(errors) == 1, err
    assert "Traceback" not in err and "unexpected" not in errors[0] and "report it" not in errors[0]
    for word in words:
        assert word in errors[0]
    assert "^" not in errors[0] and "pass overwrite=" not in errors[0]  # no raw regex, no Python parameter
    assert _snapshot(home.root, tmp_path) == before


def test_every_documented_exit_code_has_a_case_or_a_test_below():
    covered = {code for _, code, _ in CASES.values()}
    documented = {code for code in ExitCode if code not in (ExitCode.OK,)}
    # 1, 12 and 130 have their own tests below, 20 in test_tentacle_check.py; the others are in the matrix
    assert documented - covered == {
        ExitCode.UNEXPECTED,
        ExitCode.TENTACLE_LOAD_ERROR,
        ExitCode.INTERRUPTED,
        ExitCode.NOT_EQUIVALENT,
    }


def test_the_readme_documents_every_exit_code():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for code in ExitCode:
        if code is not ExitCode.OK:
            assert f"| {int(code)} |" in readme, code


def _failing_handler(error: BaseException, monkeypatch: pytest.MonkeyPatch) -> None:
    from octobot.cli import config_command

    def handler(args: object, context: object) -> int:
        raise error

    monkeypatch.setattr(config_command, "run", handler)


def test_a_bug_is_exit_1_and_asks_for_a_report(home, monkeypatch):
    _failing_handler(RuntimeError("boom"), monkeypatch)
    code, _, err = run_cli("config", "path")
    assert code == ExitCode.UNEXPECTED == 1
    hint = "(run again with --debug for the traceback, and report it)"
    assert err.strip() == f"octobot: error: unexpected RuntimeError: boom {hint}"


def test_a_tentacle_error_is_exit_12(home, monkeypatch):
    _failing_handler(
        octobot.TentacleError("my_tentacle.py: MyEvaluator.TENTACLE_VERSION must be a string"), monkeypatch
    )
    code, _, err = run_cli("config", "path")
    assert code == ExitCode.TENTACLE_LOAD_ERROR == 12
    assert err.strip().startswith("octobot: error: my_tentacle.py")


def test_an_interruption_is_exit_130(home, monkeypatch):
    _failing_handler(KeyboardInterrupt(), monkeypatch)
    code, _, err = run_cli("config", "path")
    assert code == ExitCode.INTERRUPTED == 130 and err == "octobot: interrupted\n"


def test_success_is_exit_0(home, builtin_tentacles):
    assert run_cli("profiles", "validate", "default")[0] == ExitCode.OK == 0


@pytest.mark.parametrize(
    ("argv", "code", "words"),
    [
        (["data", "import", "nope.csv", "--to", "x"], ExitCode.NOT_FOUND, "nope.csv"),
        (["profiles", "copy", "default", "default"], ExitCode.USAGE, "built-in profile"),
        (["backtest", "--report", "xml"], ExitCode.USAGE, "argument --report"),
    ],
)
def test_a_real_process_exits_with_the_code_and_one_line(home, tmp_path, argv, code, words):
    before = _snapshot(home.root)
    result = subprocess.run(
        [sys.executable, "-m", "octobot", *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "OCTOBOT_HOME": str(home.root)},
        timeout=120,
    )
    assert result.returncode == code
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if line.startswith("octobot: error: ")
    ]
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
    assert _snapshot(home.root) == before


def test_the_help_of_kind_lists_every_kind():
    code, out, _ = run_cli("tentacles", "list", "--help")
    assert code == ExitCode.OK
    help_text = " ".join(out.split())
    for kind in octobot.TentacleKind:
        assert kind.value in help_text
