"""The emulator's command line: every data format, random faults from a seed, and one clear error line
(exit code 2, no traceback) for every bad argument."""

from __future__ import annotations

import socket
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import aiohttp
import ccxt.async_support as ccxt_async
import pytest

import octobot_backtesting as ob
from octobot_exchange_emulator import ExchangeEmulator, RandomFaults, load_candles
from octobot_exchange_emulator.__main__ import build_emulator, main, parse_args

from .helpers import ETH_BTC_FILE, SHARED_DATA, needs_eth_btc

pytestmark = needs_eth_btc
LTC_BTC_FILE = SHARED_DATA / "freqtrade" / "LTC_BTC-5m.csv"
ONE = ["--data", "x.csv", "--symbol", "ETH/BTC"]
#: two files for three symbols
THREE = [
    "--data",
    "a.csv",
    "--data",
    "b.csv",
    "--symbol",
    "ETH/BTC",
    "--symbol",
    "LTC/BTC",
    "--symbol",
    "X/Y",
]


def _error_line(capsys: pytest.CaptureFixture, argv: list[str]) -> str:
    """The one stderr line of a refused command line, which must exit 2."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("octobot-exchange-emulator: error: ")
    return lines[0]


def test_a_symbol_without_slash_names_the_flag_and_the_expected_form_without_a_traceback():
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "octobot_exchange_emulator",
            "--data",
            str(ETH_BTC_FILE),
            "--symbol",
            "ETHBTC",
        ],
        capture_output=True,
        text=True,
        # a hang guard, not a timing: the process imports ccxt (about 4 s of CPU) before it reads its
        # arguments, and took 60 s on 2 cores under load 15 (pytest-timeout stops the test at 300)
        timeout=240,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    (line,) = completed.stderr.strip().splitlines()
    assert "--symbol" in line and "'ETHBTC'" in line and "ETH/BTC" in line


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--symbol", "ETH/BTC"], "--data"),
        (["--data", "x.csv", "--symbol", "BTC-USDT"], "--symbol"),
        (["--data", "x.csv", "--symbol", "ETH/BTC", "--time-frame", "5 minutes"], "--time-frame"),
        (["--data", "x.csv", "--symbol", "ETH/BTC", "--error-rate", "1.5"], "--error-rate"),
        (["--data", "x.csv", "--symbol", "ETH/BTC", "--lost-answer-rate", "often"], "--lost-answer-rate"),
        (["--data", "x.csv", "--symbol", "ETH/BTC", "--latency-ms", "-5"], "--latency-ms"),
        (["--data", "x.csv", "--symbol", "ETH/BTC", "--partial-fill", "0"], "--partial-fill"),
        (["--data", "x.csv", "--symbol", "ETH/BTC", "--balance", "USDT"], "--balance"),
        (["--data", "x.csv", "--symbol", "ETH/BTC", "--port", "70000"], "--port"),
        (["--data", "x.csv", "--symbol", "ETH/BTC", "--speed", "0"], "--speed"),
        (
            [
                "--data",
                "a.csv",
                "--data",
                "b.csv",
                "--symbol",
                "ETH/BTC",
                "--symbol",
                "LTC/BTC",
                "--symbol",
                "X/Y",
            ],
            "--data",
        ),
        (
            ["--data", "x.csv", "--symbol", "ETH/BTC", "--error-rate", "0.6", "--disconnect-rate", "0.6"],
            "add up",
        ),
    ],
)
def test_bad_arguments_give_one_error_line_naming_the_flag(capsys, argv, named):
    assert named in _error_line(capsys, argv)


def test_data_errors_exit_2_with_one_line_naming_the_file(capsys, tmp_path):
    missing = tmp_path / "none.csv"
    assert main(["--data", str(missing), "--symbol", "ETH/BTC", "--port", "0"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("octobot-exchange-emulator: error: ") and str(missing) in line
    assert main(["--data", str(ETH_BTC_FILE), "--symbol", "ETH/BTC", "--history", "999999"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "history" in line


def test_a_symbol_the_data_file_lacks_names_what_it_holds(capsys, tmp_path):
    native = tmp_path / "eth.sqlite"
    ob.import_files(ETH_BTC_FILE, native, exchange="binance")
    assert main(["--data", str(native), "--symbol", "XRP/BTC", "--port", "0"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert str(native) in line and "holds ETH/BTC 5m" in line


def test_a_taken_port_names_the_flag(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--data", str(ETH_BTC_FILE), "--symbol", "ETH/BTC", "--port", str(port)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "--port" in line and str(port) in line


def test_one_native_data_file_serves_several_symbols(tmp_path):
    native = tmp_path / "binance.sqlite"
    ob.import_files([ETH_BTC_FILE, LTC_BTC_FILE], native, exchange="binance")
    emulator = build_emulator(
        parse_args(["--data", str(native), "--symbol", "ETH/BTC", "--symbol", "LTC/BTC", "--history", "50"])
    )
    assert sorted(emulator.markets) == ["ETH/BTC", "LTC/BTC"] and emulator.time_frame == "5m"
    eth = load_candles(ETH_BTC_FILE)
    assert emulator.last_price("ETH/BTC") == Decimal(repr(float(eth[49, 4])))


def test_fault_flags_arm_seeded_random_faults_and_partial_fills():
    emulator = build_emulator(
        parse_args(
            [
                "--data", str(ETH_BTC_FILE), "--symbol", "ETH/BTC", "--seed", "7", "--latency-ms", "5",
                "--jitter-ms", "3", "--error-rate", "0.1", "--rate-limit-rate", "0.05", "--retry-after", "2",
                "--disconnect-rate", "0.02", "--lost-answer-rate", "0.01", "--partial-fill", "0.25",
            ]
        )
    )  # fmt: skip
    assert emulator.faults.random is not None
    assert emulator.faults.random.faults == RandomFaults(
        seed=7,
        latency_ms=5,
        jitter_ms=3,
        error_rate=0.1,
        rate_limit_rate=0.05,
        disconnect_rate=0.02,
        lost_answer_rate=0.01,
        retry_after=2,
    )
    assert emulator.faults.partial_fills == {None: Decimal("0.25")}
    no_faults = build_emulator(parse_args(["--data", str(ETH_BTC_FILE), "--symbol", "ETH/BTC"]))
    assert no_faults.faults.random is None


async def _ping_statuses(seed: int, count: int) -> list[int]:
    candles = load_candles(ETH_BTC_FILE)[:300]
    async with ExchangeEmulator({"ETH/BTC": candles}, history=100) as emulator:
        emulator.faults.randomize(RandomFaults(seed=seed, error_rate=0.3, rate_limit_rate=0.2))
        async with aiohttp.ClientSession() as session:
            statuses = []
            for _ in range(count):
                async with session.get(f"{emulator.url}/api/v3/ping") as answer:
                    statuses.append(answer.status)
                    if answer.status == 429:
                        assert answer.headers["Retry-After"] == "1"
        assert [r.status for r in emulator.requests_to("/api/v3/ping")] == statuses
        return statuses


async def test_the_same_seed_draws_the_same_faults():
    first, again, other = (
        await _ping_statuses(3, 40),
        await _ping_statuses(3, 40),
        await _ping_statuses(4, 40),
    )
    assert first == again
    assert first != other
    assert {200, 429, 503} <= set(first)


async def test_a_lost_answer_leaves_the_order_on_the_exchange_and_reads_stay_answered():
    candles = load_candles(ETH_BTC_FILE)[:300]
    async with ExchangeEmulator({"ETH/BTC": candles}, balances={"BTC": Decimal(1)}, history=100) as emulator:
        emulator.faults.randomize(RandomFaults(seed=1, lost_answer_rate=1.0))
        exchange = ccxt_async.binance({**emulator.ccxt_config(), "enableRateLimit": False})
        try:
            assert (await exchange.fetch_balance())["BTC"]["free"] == 1  # GET: never "lost"
            price = float(emulator.last_price("ETH/BTC")) * 0.5
            with pytest.raises(ccxt_async.NetworkError):
                await exchange.create_order("ETH/BTC", "limit", "buy", 1, round(price, 5))
            assert len(emulator.account.open_orders()) == 1
        finally:
            await exchange.close()


def test_random_fault_rates_are_checked():
    with pytest.raises(ValueError, match="error_rate"):
        RandomFaults(error_rate=2)
    with pytest.raises(ValueError, match="add up"):
        RandomFaults(error_rate=0.7, disconnect_rate=0.7)


def test_help_lists_the_fault_flags(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--seed", "--latency-ms", "--error-rate", "--rate-limit-rate", "--disconnect-rate",
                 "--lost-answer-rate", "--partial-fill", ".sqlite"):  # fmt: skip
        assert flag in out


def test_the_console_script_is_declared():
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert 'octobot-exchange-emulator = "octobot_exchange_emulator.__main__:main"' in pyproject
