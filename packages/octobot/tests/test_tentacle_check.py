"""The equivalence check: every shipped tentacle and built-in profile behaves the same in a backtest as
live on real data, and tentacles that do not are reported precisely (candle time, both values)."""

from __future__ import annotations

import contextlib
import dataclasses
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

import octobot
import octobot_backtesting as ob
import octobot_evaluators as oe
import octobot_trading as ot
from octobot.errors import ExitCode
from octobot.record_comparison import Difference
from octobot.tentacle_check import RUN_KINDS, check_profile_async, check_tentacle_async
from octobot.tentacle_contract import class_problems
from octobot.tentacle_kind import TentacleKind
from octobot.testing import assert_tentacle_equivalent_async

from .helpers import run_cli, shared_data
from .telegram_bot_api import TelegramBotAPI
from .test_notifiers import TOKEN as SERVICE_TOKEN
from .test_notifiers import JsonEndpoint

#: a slice of real candles: enough for the default strategy to trade, quick enough for every tentacle
CANDLES = 150


@pytest.fixture
def btc_file() -> Path:
    """Real binance BTC/USDT candles (OctoBot data file, 14 time frames, April 2018)."""
    path = shared_data() / "octobot" / "AbstractExchangeHistoryCollector_1581774962.1269426.data"
    if not path.is_file():
        pytest.skip(f"real market data not found at {path}: set OCTOBOT_SHARED_DATA")
    return path


SHIPPED = octobot.TentacleRegistry.discover(entry_points=True)


def test_the_shipped_tentacles_are_all_found() -> None:
    expected = {
        "RSIMomentumEvaluator",
        "DoubleMovingAverageTrendEvaluator",
        "SimpleStrategyEvaluator",
        "DailyTradingMode",
        "LogNotifier",
    }
    assert expected <= set(SHIPPED.names())


#: shipped tentacles the check finds different, and why (strict: fixing it makes the test fail until the
#: entry is removed). Empty: orders a mode creates when one of its orders fills inside a candle (a grid's
#: mirror, a dip buy's staged sells) meet the rest of that candle in a backtest too, as live
KNOWN_DIFFERENT: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_DIFFERENT[name], strict=True))
        if name in KNOWN_DIFFERENT
        else name
        for name in SHIPPED.names()
        if SHIPPED.get(name).kind in RUN_KINDS
    ],
)
async def test_every_shipped_tentacle_behaves_the_same_in_a_backtest_and_live(
    home: octobot.UserHome, btc_file: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with contextlib.AsyncExitStack() as services:
        # the interfaces and notifiers reaching a service reach one on loopback, as a user's would
        if SHIPPED.get(name).kind in (TentacleKind.INTERFACE, TentacleKind.NOTIFIER):
            api = await services.enter_async_context(TelegramBotAPI(SERVICE_TOKEN))
            endpoint = await services.enter_async_context(JsonEndpoint.serving())
            monkeypatch.setenv("OCTOBOT_SERVICE_TELEGRAM_TOKEN", SERVICE_TOKEN)
            monkeypatch.setenv("OCTOBOT_SERVICE_TELEGRAM_CHAT_IDS", "424242")
            monkeypatch.setenv("OCTOBOT_SERVICE_TELEGRAM_API_URL", api.url)
            monkeypatch.setenv("OCTOBOT_SERVICE_APPRISE_URLS", endpoint.url)
        report = await check_tentacle_async(name, btc_file, registry=SHIPPED, candles=CANDLES, home=home)
    assert report.ok, "\n".join(report.lines())
    assert report.candles >= CANDLES and report.evaluations > 0


async def test_a_shipped_service_feed_gets_the_contract_checks_only(
    home: octobot.UserHome, btc_file: Path
) -> None:
    report = await check_tentacle_async("WebhookFeed", btc_file, registry=SHIPPED, home=home)
    assert report.ok and report.contract == [] and report.candles == 0
    assert "contract checks only" in report.notes[0]


#: built-in profiles the check finds different, and why (strict, as KNOWN_DIFFERENT)
PROFILE_KNOWN_DIFFERENT: dict[str, str] = {}
#: the real data each built-in profile is checked on when it is not the BTC/USDT file
PROFILE_DATA = {
    "grid": ("freqtrade", "ETH_BTC-5m.csv"),
    "staggered": ("freqtrade", "ETH_BTC-5m.csv"),
    "index": ("octobot", "ExchangeHistoryDataCollector_1711122002.311132.data"),
}


#: built-in profiles whose mode trades from a live source only: `octobot backtest` refuses them
NOT_BACKTESTABLE = {"tradingview", "remote_signals"}
#: built-in profiles checked on order books derived from the real candles (a book around each close:
#: `ob.write_derived_market_data`), replayed in the backtest and fed at the same instants live
PROFILES_ON_BOOKS = {"market_making"}
#: built-in profiles the check cannot pass, and why (their backtests are tested in
#: test_market_data_profiles.py; test_the_arbitrage_profile_decides_inside_candles_live shows the reason)
PROFILES_NOT_CHECKED = {
    "arbitrage": (
        "ArbitrageTradingMode acts on every ticker (TickerChannel): live it compares the two exchanges on "
        "each price of a candle's path (the check's live-like run feeds them as a live feed does), while a "
        "backtest compares them only at the prices it replays (candle closes; ../shared/data holds no "
        "recorded tickers of two exchanges): live enters inside a candle, at another price, as a real-time "
        "evaluator's decisions differ (shown by test_the_arbitrage_profile_decides_inside_candles_live)"
    ),
}


def _profile_param(name: str) -> Any:
    if name in PROFILES_NOT_CHECKED:
        return pytest.param(name, marks=pytest.mark.skip(reason=PROFILES_NOT_CHECKED[name]))
    if name in PROFILE_KNOWN_DIFFERENT:
        return pytest.param(name, marks=pytest.mark.xfail(reason=PROFILE_KNOWN_DIFFERENT[name], strict=True))
    return name


@pytest.mark.parametrize(
    "profile_id",
    [
        _profile_param(name)
        for name in sorted(p.name for p in octobot.builtin_profiles_dir().iterdir())
        if name not in NOT_BACKTESTABLE
    ],
)
async def test_every_builtin_profile_behaves_the_same_in_a_backtest_and_live(
    home: octobot.UserHome, btc_file: Path, profile_id: str, tmp_path: Path
) -> None:
    profile = octobot.load_profile(profile_id, SHIPPED, home)
    data = shared_data().joinpath(*PROFILE_DATA[profile_id]) if profile_id in PROFILE_DATA else btc_file
    if profile_id in PROFILES_ON_BOOKS:
        data = _eth_btc_file(tmp_path / "books.sqlite", "binance", _eth_btc(), books=True)
    report = await check_profile_async(profile, data, candles=2 * CANDLES, home=home)
    # the comparison is not vacuous: the profile trades on this slice
    assert report.trades > 0 and report.orders >= report.trades
    assert report.ok, "\n".join(report.lines())


def _eth_btc() -> np.ndarray:
    path = shared_data() / "freqtrade" / "ETH_BTC-5m.csv"
    if not path.is_file():
        pytest.skip(f"real market data not found at {path}: set OCTOBOT_SHARED_DATA")
    return ob.read_candle_files([path]).series[("ETH/BTC", "5m")][: 4 * CANDLES]


def _eth_btc_file(path: Path, exchange: str, candles: np.ndarray, *, books: bool) -> Path:
    with ob.DataFileWriter(path, exchange=exchange, origin="test: freqtrade ETH/BTC 5m") as writer:
        writer.write_ohlcv("ETH/BTC", "5m", candles)
        if books:
            ob.write_derived_market_data(writer, "ETH/BTC", candles, spread=0.0005, levels=5)
    return path


async def test_the_arbitrage_profile_decides_inside_candles_live(
    home: octobot.UserHome, tmp_path: Path
) -> None:
    """Why the arbitrage profile is not in the check (PROFILES_NOT_CHECKED): run on its two exchanges
    (kraken: the same real candles one candle late), live enters inside candles, the backtest at closes."""
    candles = _eth_btc()
    late = candles.copy()
    late[1:, 1:5] = candles[:-1, 1:5]
    files = [
        _eth_btc_file(tmp_path / "binance.sqlite", "binance", candles, books=False),
        _eth_btc_file(tmp_path / "kraken.sqlite", "kraken", late, books=False),
    ]
    profile = octobot.load_profile("arbitrage", SHIPPED, home)
    report = await check_profile_async(profile, files, candles=CANDLES, home=home)
    assert report.pairs == ["ETH/BTC"] and report.trades > 0 and report.determinism == []
    assert not report.ok
    first = next(d for d in report.differences if d.aspect == "order")
    backtest, live = first.left, first.right
    # live decided earlier, on a price inside a candle the backtest never sees
    assert live.created_at < backtest.created_at and live.created_at % 300_000 == 0
    assert live.price != backtest.price


@pytest.mark.parametrize("profile_id", sorted(NOT_BACKTESTABLE))
def test_a_profile_trading_from_a_live_source_is_refused_by_backtest_saying_why(
    home: octobot.UserHome, btc_file: Path, profile_id: str
) -> None:
    profile = octobot.load_profile(profile_id, SHIPPED, home)
    assert "Not backtestable" in profile.description
    code, _, err = run_cli("backtest", "--profile", profile_id, "--data", str(btc_file))
    assert code == ExitCode.NOT_BACKTESTABLE == 17
    assert (
        f"octobot: error: profile '{profile_id}' cannot be backtested: {profile.trading_mode} takes its "
        in err
    )
    assert "octobot paper" in err


async def test_several_pairs_trade_the_same_in_a_backtest_and_live(home: octobot.UserHome) -> None:
    path = shared_data() / "octobot" / "ExchangeHistoryDataCollector_1711122002.311132.data"
    if not path.is_file():
        pytest.skip(f"real market data not found at {path}: set OCTOBOT_SHARED_DATA")
    pairs = ["BTC/USDT", "ETH/USDT", "SOL/USDT"]
    report = await check_tentacle_async(
        "DailyTradingMode", path, registry=SHIPPED, pairs=pairs, time_frames=["4h"], home=home, candles=200
    )
    assert report.ok, "\n".join(report.lines())
    assert report.pairs == pairs and report.trades > 0 and report.candles == 3 * 200


# ----------------------------------------------------------------------------- tentacles that differ
class CallCountingEvaluator(oe.TechnicalEvaluator):
    """Keeps state in the class: a second run in the same process starts elsewhere."""

    CALLS: ClassVar[int] = 0

    def evaluate(self, candles: ot.CandleBuffer, *, forming: bool) -> float:
        type(self).CALLS += 1
        return (type(self).CALLS % 7) / 7


class WallClockEvaluator(oe.TechnicalEvaluator):
    """Reads the wall clock instead of the candles."""

    def evaluate(self, candles: ot.CandleBuffer, *, forming: bool) -> float:
        return (time.perf_counter_ns() % 1_000_003) / 1_000_003


class TickEvaluator(oe.RealTimeEvaluator):
    """Bullish on every tick, bearish when a candle closes: live, the strategy acts inside candles."""

    def on_price(self, price: Any) -> float:
        return 1.0

    def on_candle(self, candle: ot.Candle, *, closed: bool) -> float | Any:
        return -1.0 if closed else oe.UNCHANGED


async def test_a_stateful_evaluator_is_reported_with_the_candle_and_both_values(
    home: octobot.UserHome, btc_file: Path
) -> None:
    report = await check_tentacle_async(CallCountingEvaluator, btc_file, candles=30, home=home)
    assert not report.ok
    first = report.determinism[0]
    assert (first.aspect, first.subject) == ("evaluation", "TA CallCountingEvaluator BTC/USDT 1h")
    assert first.time_ms == report.start_ms + 3_600_000  # the first candle closing in the run
    assert first.left != first.right and (first.left_name, first.right_name) == ("run 1", "run 2")
    assert str(first).startswith(
        f"evaluation TA CallCountingEvaluator BTC/USDT 1h at {ot.ms_to_iso(first.time_ms)}: run 1 "
    )
    live = report.differences[0]
    assert live.subject == "TA CallCountingEvaluator BTC/USDT 1h" and live.left_name == "backtest"
    lines = report.lines(limit=3)
    assert lines[-1] == "NOT EQUIVALENT" and any("... and" in line for line in lines)


async def test_a_wall_clock_evaluator_is_reported(home: octobot.UserHome, btc_file: Path) -> None:
    report = await check_tentacle_async(WallClockEvaluator, btc_file, candles=20, home=home)
    assert not report.ok
    subjects = {difference.subject for difference in report.determinism + report.differences}
    assert "TA WallClockEvaluator BTC/USDT 1h" in subjects


async def test_an_evaluator_acting_inside_candles_live_is_told_apart_and_fails_its_profile(
    home: octobot.UserHome, btc_file: Path
) -> None:
    report = await check_tentacle_async(TickEvaluator, btc_file, candles=30, home=home)
    # its own evaluation per closed candle is the same both ways: the evaluator passes
    assert report.ok and report.determinism == [] and report.differences == []
    # the strategy and the mode act on its intra-candle evaluations live, which a backtest never feeds
    orders = [difference for difference in report.other_differences if difference.aspect == "order"]
    assert any(str(difference).split(": backtest ")[1].startswith("nothing,") for difference in orders)
    assert any("(not counted)" in line for line in report.lines())
    registry = octobot.TentacleRegistry.discover()
    registry.add(TickEvaluator)
    base = octobot.load_profile("default", registry, home)
    profile = dataclasses.replace(
        base,
        evaluators=[*base.evaluators, "TickEvaluator"],
        tentacles={**base.tentacles, "TickEvaluator": registry.get("TickEvaluator")},
    )
    whole = await check_profile_async(profile, btc_file, candles=30, home=home)
    assert not whole.ok and any(difference.aspect == "order" for difference in whole.differences)


# ----------------------------------------------------------------------------- the contract
class PlanningWithSideEffectsMode(ot.DailyTradingMode):
    """Locks funds while planning: plan_orders must only return a plan."""

    NAME: ClassVar[str | None] = "PlanningWithSideEffectsMode"

    def plan_orders(self, symbol: str, state: ot.TradingModeState, evaluation: float) -> ot.OrderPlan:
        portfolio = self.exchange_manager.portfolio
        if portfolio.available("USDT") >= 1:
            portfolio.lock("USDT", Decimal(1))
        return super().plan_orders(symbol, state, evaluation)


class StartingWithSideEffectsMode(ot.DailyTradingMode):
    """Locks funds in its start hook: plan_on_start must only return a plan."""

    NAME: ClassVar[str | None] = "StartingWithSideEffectsMode"

    def plan_on_start(self, symbol: str) -> ot.OrderPlan | None:
        portfolio = self.exchange_manager.portfolio
        if portfolio.available("USDT") >= 1:
            portfolio.lock("USDT", Decimal(1))
        return None


class BadDefaultsMode(ot.DailyTradingMode):
    NAME: ClassVar[str | None] = "BadDefaultsMode"
    DEFAULT_CONFIG: ClassVar[dict] = {**ot.DailyTradingMode.DEFAULT_CONFIG, "order_type": "iceberg"}


class AsyncPlanMode(ot.DailyTradingMode):
    NAME: ClassVar[str | None] = "AsyncPlanMode"

    async def plan_orders(self, symbol, state, evaluation):  # type: ignore[override]
        return ot.OrderPlan(symbol)


async def test_a_plan_orders_with_side_effects_breaks_the_contract(
    home: octobot.UserHome, btc_file: Path
) -> None:
    report = await check_tentacle_async(PlanningWithSideEffectsMode, btc_file, candles=20, home=home)
    assert not report.ok
    assert any(
        "PlanningWithSideEffectsMode.plan_orders('BTC/USDT', evaluation=1.0) changed the portfolio" in line
        for line in report.contract
    )


async def test_a_start_hook_with_side_effects_breaks_the_contract(
    home: octobot.UserHome, btc_file: Path
) -> None:
    report = await check_tentacle_async(StartingWithSideEffectsMode, btc_file, candles=20, home=home)
    assert report.contract == [
        "StartingWithSideEffectsMode.plan_on_start('BTC/USDT') changed the portfolio: it must only return "
        "an OrderPlan (the framework executes it)"
    ]


def test_contract_problems_of_a_class_name_the_attribute_and_the_fix() -> None:
    assert class_problems(ot.DailyTradingMode) == []
    (defaults,) = class_problems(BadDefaultsMode)
    assert "BadDefaultsMode.DEFAULT_CONFIG does not satisfy CONFIG_SCHEMA at 'order_type'" in defaults
    (plain,) = class_problems(AsyncPlanMode)
    assert "AsyncPlanMode.plan_orders is async: write it as a plain method" in plain


async def test_a_class_the_registry_refuses_is_reported_not_run(
    home: octobot.UserHome, btc_file: Path
) -> None:
    report = await check_tentacle_async(BadDefaultsMode, btc_file, candles=20, home=home)
    assert not report.ok and report.candles == 0
    assert "DEFAULT_CONFIG does not satisfy CONFIG_SCHEMA" in report.contract[0]


def test_differences_read_as_sentences() -> None:
    difference = Difference("evaluation", "TA RSI BTC/USDT 1h", 3_600_000, 0.25, None)
    assert str(difference) == (
        "evaluation TA RSI BTC/USDT 1h at 1970-01-01T01:00:00.000Z: backtest 0.25, live None"
    )


# ----------------------------------------------------------------------------- the pytest helper
async def test_the_pytest_helper_passes_quietly_and_fails_with_the_report(
    home: octobot.UserHome, btc_file: Path
) -> None:
    report = await assert_tentacle_equivalent_async(
        "RSIMomentumEvaluator", btc_file, candles=40, home=home, registry=SHIPPED
    )
    assert report.ok and report.evaluations > 0
    with pytest.raises(AssertionError) as failure:
        await assert_tentacle_equivalent_async(CallCountingEvaluator, btc_file, candles=20, home=home)
    text = str(failure.value)
    assert "evaluation TA CallCountingEvaluator BTC/USDT 1h at 20" in text and text.endswith("NOT EQUIVALENT")


async def test_the_pytest_helper_finds_data_in_the_environment_folders(
    home: octobot.UserHome, btc_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCTOBOT_CHECK_DATA", str(btc_file.parent))
    report = await assert_tentacle_equivalent_async("RSIMomentumEvaluator", candles=20, home=home)
    assert report.data_file is not None and report.data_file.parent == home.data


# ----------------------------------------------------------------------------- the command
COUNTING_TENTACLE = """
from typing import ClassVar

import octobot_evaluators as oe


class CountingEvaluator(oe.TechnicalEvaluator):
    CALLS: ClassVar[int] = 0

    def evaluate(self, candles, *, forming):
        type(self).CALLS += 1
        return (type(self).CALLS % 7) / 7  # 7: not a divisor of the calls per run (it would repeat)
"""


def test_the_command_exits_0_when_equivalent(home: octobot.UserHome, btc_file: Path) -> None:
    code, out, err = run_cli(
        "tentacles", "check", "RSIMomentumEvaluator", "--data-dir", str(btc_file.parent), "--candles", "40"
    )
    assert code == ExitCode.OK, out + err
    assert "RSIMomentumEvaluator (ta) on " in out and out.rstrip().endswith("EQUIVALENT")


def test_the_command_lists_the_differences_and_exits_not_equivalent(
    home: octobot.UserHome, btc_file: Path
) -> None:
    (home.tentacles / "counting.py").write_text(COUNTING_TENTACLE, encoding="utf-8")
    code, out, err = run_cli(
        "tentacles", "check", "CountingEvaluator", "--data", str(btc_file), "--candles", "20", "--limit", "2"
    )
    assert code == ExitCode.NOT_EQUIVALENT == 20
    assert "two backtests differ (hidden state or wall clock?)" in out
    assert "  evaluation TA CountingEvaluator BTC/USDT 1h at 2018-" in out and "... and" in out
    assert err.splitlines()[-1].startswith("octobot: error: CountingEvaluator is not equivalent: ")


def test_the_command_names_a_missing_data_file(home: octobot.UserHome) -> None:
    code, _, err = run_cli("tentacles", "check", "RSIMomentumEvaluator", "--data", "nowhere.sqlite")
    assert code == ExitCode.NOT_FOUND and "data file 'nowhere.sqlite' not found" in err


async def test_a_csv_file_is_imported_once_under_the_profile_exchange(home: octobot.UserHome) -> None:
    path = shared_data() / "freqtrade" / "XRP_ETH-5m.csv"
    if not path.is_file():
        pytest.skip(f"real market data not found at {path}: set OCTOBOT_SHARED_DATA")
    report = await check_tentacle_async(
        "RSIMomentumEvaluator",
        path,
        registry=SHIPPED,
        pairs=["XRP/ETH"],
        time_frames=["5m"],
        candles=50,
        home=home,
    )
    assert report.ok and report.data_file == home.data / "imported-XRP_ETH-5m.sqlite"
    with ob.DataFileReader(report.data_file) as reader:
        assert reader.description.exchange == "binance"


def test_the_test_helpers_import_without_pytest() -> None:
    """pytest is a test requirement: octobot.testing imports without it (the fixtures are then absent)."""
    code = (
        "import sys; sys.modules['pytest'] = None; import octobot.testing as t; "
        "print(callable(t.assert_tentacle_equivalent), hasattr(t, 'octobot_home'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
