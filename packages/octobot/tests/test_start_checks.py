"""`profiles validate` and the start of a backtest run the same checks, before any candle is read.

Each case is a profile that used to validate and then fail during or after the run; now both commands
refuse it with the same line (file, key, fix) and exit code.
"""

from __future__ import annotations

import json

import pytest

from octobot.errors import ExitCode
from octobot.profile_store import builtin_profiles_dir

from .helpers import run_cli

CASES = [
    pytest.param(
        {
            "simulator": {
                "starting_portfolio": {"USDT": 1000},
                "fees": {"maker_percent": 0.1, "taker_percent": 150},
            }
        },
        {},
        ExitCode.BAD_PORTFOLIO,
        ("profile.json", "simulator.fees.taker_percent", "below 100"),
        id="taker-fee-150%",
    ),
    pytest.param(
        {"reference_market": "EUR"},
        {},
        ExitCode.INVALID_CONFIG,
        ("profile.json", "reference_market 'EUR'", "add BTC/EUR"),
        id="reference-market-without-price",
    ),
    pytest.param(
        {},
        {"buy_amount": "500%"},
        ExitCode.INVALID_CONFIG,
        ("DailyTradingMode.json", "buy_amount", "at most 100%"),
        id="buy-amount-500%",
    ),
    pytest.param(
        {},
        {"buy_amount": "0"},
        ExitCode.INVALID_CONFIG,
        ("DailyTradingMode.json", "buy_amount", "must be positive"),
        id="buy-amount-0",
    ),
    pytest.param(
        {},
        {"buy_threshold": -0.5, "sell_threshold": 0.5},
        ExitCode.INVALID_CONFIG,
        ("DailyTradingMode.json", "buy_threshold", "e.g. -0.8, -0.3, 0.3, 0.8"),
        id="thresholds-crossed",
    ),
    pytest.param(
        {"pairs": ["XRP/USDT:USDT"]},
        {},
        ExitCode.BAD_SYMBOL,
        ("profile.json", "pairs[0]", "use the spot pair 'XRP/USDT'"),
        id="futures-pair-in-spot-profile",
    ),
    pytest.param(
        {},
        {"buy_amount": "lots"},
        ExitCode.INVALID_CONFIG,
        ("DailyTradingMode.json", "buy_amount", "like 0.1 (base units)"),
        id="amount-not-matching-the-syntax",
    ),
]


def _broken_copy(home, profile_change: dict, mode_change: dict) -> None:
    assert run_cli("profiles", "copy", "default", "broken")[0] == ExitCode.OK
    folder = home.profiles / "broken"
    for name, change in (("profile.json", profile_change), ("DailyTradingMode.json", mode_change)):
        content = json.loads((folder / name).read_text())
        content.update(change)
        (folder / name).write_text(json.dumps(content))


@pytest.mark.parametrize(("profile_change", "mode_change", "code", "words"), CASES)
def test_validate_and_backtest_refuse_the_same_way(
    home, builtin_tentacles, profile_change, mode_change, code, words
):
    _broken_copy(home, profile_change, mode_change)
    validated = run_cli("profiles", "validate", "broken")
    # a --data file that does not exist: a profile error first proves no data was even looked at
    started = run_cli("backtest", "--profile", "broken", "--data", "no-such-file")
    assert validated[0] == started[0] == code
    assert validated[2] == started[2]
    lines = validated[2].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("octobot: error: ")
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in validated[2] + started[2]


@pytest.mark.parametrize(
    "profile", sorted(path.name for path in builtin_profiles_dir().iterdir() if path.is_dir())
)
def test_every_builtin_profile_passes_the_start_checks(home, builtin_tentacles, profile):
    code, out, err = run_cli("profiles", "validate", profile)
    assert code == ExitCode.OK and err == "" and "is valid" in out
