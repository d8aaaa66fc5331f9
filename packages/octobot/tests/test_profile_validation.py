"""Loading a profile: each bad case gives its own clear message and exit code, through the CLI."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import octobot
from octobot.errors import ExitCode

from .helpers import run_cli, valid_profile, write_profile

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def _validate(home) -> tuple[int, str]:
    code, _, err = run_cli("profiles", "validate", "mine")
    lines = err.strip().splitlines()
    return code, lines[-1] if lines else ""


def test_a_valid_profile_loads_with_money_as_decimal(home, user_tentacles):
    write_profile(home, valid_profile(), LastMoveEvaluator={"strength": 0.8})
    registry = octobot.TentacleRegistry.discover(home.tentacles, entry_points=False)
    profile = octobot.load_profile("mine", registry, home)
    assert profile.pairs == ["BTC/USDT", "ETH/USDT"] and profile.time_frames == ["1h"]
    assert profile.starting_portfolio == {"USDT": Decimal("1000"), "BTC": Decimal("0.05")}
    assert (profile.maker_fee, profile.taker_fee) == (Decimal("0.001"), Decimal("0.00075"))
    assert profile.risk == Decimal("0.4") and profile.open_orders_at_shutdown == "keep"
    assert profile.tentacle_config("LastMoveEvaluator") == {"strength": 0.8}  # file over defaults
    assert profile.tentacle_config("FollowBothMode") == {"trigger": "evaluations"}  # defaults only
    assert set(profile.tentacles) == {
        "FollowBothMode",
        "BothMovesStrategy",
        "LastMoveEvaluator",
        "VolumeUpEvaluator",
    }
    code, out, _ = run_cli("profiles", "validate", "mine")
    assert code == 0 and "is valid" in out


def test_time_frames_may_come_from_the_strategies(home, user_tentacles):
    write_profile(home, {**valid_profile(), "time_frames": "from_strategies"})
    registry = octobot.TentacleRegistry.discover(home.tentacles, entry_points=False)
    assert octobot.load_profile("mine", registry, home).time_frames == ["1h", "4h"]


def test_unknown_tentacle(home, user_tentacles):
    write_profile(home, {**valid_profile(), "evaluators": ["LastMoveEvaluator", "VolumeUpEvaluatr"]})
    code, line = _validate(home)
    assert code == ExitCode.UNKNOWN_TENTACLE == 6
    assert "profile.json: evaluators[1]: unknown " in line
    assert "'VolumeUpEvaluatr'; did you mean 'VolumeUpEvaluator'?" in line


def test_bad_time_frame_with_suggestion(home, user_tentacles):
    write_profile(home, {**valid_profile(), "time_frames": ["1hr"]})
    code, line = _validate(home)
    assert code == ExitCode.BAD_TIME_FRAME == 7
    assert "profile.json: bad value '1hr' at time_frames[0]; did you mean '1h'?" in line
    assert "expected a time frame among 1m, 3m" in line


def test_strategy_without_its_required_evaluator(home, user_tentacles):
    write_profile(home, {**valid_profile(), "evaluators": ["LastMoveEvaluator"]})
    code, line = _validate(home)
    assert code == ExitCode.MISSING_REQUIREMENT == 10
    assert (
        "strategy 'BothMovesStrategy' requires the evaluator 'VolumeUpEvaluator', which is not active" in line
    )
    assert 'add "VolumeUpEvaluator" to "evaluators"' in line


def test_trading_mode_without_its_strategy(home, user_tentacles):
    (home.tentacles / "other.py").write_text(
        "import octobot_evaluators as oe\n\n"
        "class OtherStrategy(oe.Strategy):\n"
        "    def evaluate(self, trigger):\n"
        "        return None\n"
    )
    write_profile(home, {**valid_profile(), "strategies": ["OtherStrategy"]})
    code, line = _validate(home)
    assert code == ExitCode.MISSING_REQUIREMENT
    assert (
        "trading_mode 'FollowBothMode' requires the strategy 'BothMovesStrategy', which is not active" in line
    )


def test_negative_portfolio(home, user_tentacles):
    profile = valid_profile()
    profile["simulator"]["starting_portfolio"]["USDT"] = -50
    write_profile(home, profile)
    code, line = _validate(home)
    assert code == ExitCode.BAD_PORTFOLIO == 9
    assert "bad value -50 at simulator.starting_portfolio.USDT (expected an amount >= 0" in line


def test_negative_portfolio_given_as_text(home, user_tentacles):
    profile = valid_profile()
    profile["simulator"]["starting_portfolio"]["BTC"] = "-0.5"
    write_profile(home, profile)
    code, line = _validate(home)
    assert code == ExitCode.BAD_PORTFOLIO
    assert "bad value '-0.5' at simulator.starting_portfolio.BTC" in line


def test_unknown_symbol_format(home, user_tentacles):
    write_profile(home, {**valid_profile(), "pairs": ["BTC/USDT", "ETHUSDT"]})
    code, line = _validate(home)
    assert code == ExitCode.BAD_SYMBOL == 8
    assert "bad value 'ETHUSDT' at pairs[1] (expected ccxt's unified symbol form 'BASE/QUOTE'" in line


def test_malformed_json_names_line_and_column(home, user_tentacles):
    write_profile(home, '{\n  "name": "mine",\n  "pairs": ["BTC/USDT",]\n}\n')
    code, line = _validate(home)
    assert code == ExitCode.MALFORMED_JSON == 4
    assert "mine/profile.json: malformed JSON at line 3, column 24" in line


def test_unknown_key_suggests_the_right_one(home, user_tentacles):
    profile = valid_profile()
    profile["trading_modes"] = profile.pop("trading_mode")
    write_profile(home, profile)
    code, line = _validate(home)
    assert code == ExitCode.INVALID_CONFIG == 5
    assert "unknown key 'trading_modes' at <root>; did you mean 'trading_mode'?" in line


def test_unknown_exchange_suggests_a_ccxt_id(home, user_tentacles):
    write_profile(home, {**valid_profile(), "exchanges": ["binanse"]})
    code, line = _validate(home)
    assert code == ExitCode.INVALID_CONFIG
    assert "unknown exchange 'binanse' at exchanges[0]; did you mean 'binance'?" in line


def test_tentacle_config_file_is_validated_against_its_schema(home, user_tentacles):
    write_profile(home, valid_profile(), LastMoveEvaluator={"strength": 3})
    code, line = _validate(home)
    assert code == ExitCode.INVALID_CONFIG
    assert "LastMoveEvaluator.json: bad value 3 at strength" in line


def test_a_config_file_for_an_unknown_tentacle_is_refused(home, user_tentacles):
    write_profile(home, valid_profile(), LastMoveEvaluatorr={"strength": 0.1})
    code, line = _validate(home)
    assert code == ExitCode.UNKNOWN_TENTACLE
    assert "LastMoveEvaluatorr.json: config file of: unknown tentacle 'LastMoveEvaluatorr'" in line
    assert "did you mean 'LastMoveEvaluator'?" in line


def test_unknown_profile_suggests_a_known_one(home):
    write_profile(home, valid_profile(), name="scalping")
    code, _, err = run_cli("profiles", "validate", "scalpnig")
    assert code == ExitCode.NOT_FOUND == 3
    assert "profile 'scalpnig' not found; did you mean 'scalping'?" in err


def test_the_default_profile_matches_the_issue():
    """DailyTradingMode + simple strategy + RSI and double moving average on BTC/USDT 1h, 1000 USDT, 0.1 %."""
    profile = octobot.load_profile("default", registry=None)
    assert profile.trading_mode == "DailyTradingMode"
    assert profile.strategies == ["SimpleStrategyEvaluator"]
    assert profile.evaluators == ["RSIMomentumEvaluator", "DoubleMovingAverageTrendEvaluator"]
    assert (profile.pairs, profile.time_frames) == (["BTC/USDT"], ["1h"])
    assert profile.starting_portfolio == {"USDT": Decimal(1000)}
    assert profile.maker_fee == profile.taker_fee == Decimal("0.001")


def test_python_dash_m_octobot_reports_one_line_and_the_exit_code(home, user_tentacles):
    write_profile(home, {**valid_profile(), "time_frames": ["4hours"]})
    result = subprocess.run(
        [sys.executable, "-m", "octobot", "profiles", "validate", "mine"],
        capture_output=True,
        text=True,
        cwd=PACKAGE_ROOT,
        env={**__import__("os").environ, "OCTOBOT_HOME": str(home.root)},
        timeout=120,
    )
    assert result.returncode == ExitCode.BAD_TIME_FRAME
    assert result.stderr.strip().splitlines()[-1].startswith("octobot: error: ")
    assert "bad value '4hours' at time_frames[0]; did you mean '4h'?" in result.stderr


@pytest.mark.parametrize("debug", [False, True])
def test_debug_adds_the_traceback(home, user_tentacles, debug):
    write_profile(home, {**valid_profile(), "pairs": ["nope"]})
    code, _, err = run_cli(*(["--debug"] if debug else []), "profiles", "validate", "mine")
    assert code == ExitCode.BAD_SYMBOL
    assert ("Traceback (most recent call last)" in err) is debug
