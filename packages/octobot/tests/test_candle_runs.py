"""Candle runs: a backtest that takes quiet candles in one call gives the same results as one by one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import shared_data

import octobot
import octobot_backtesting as ob
import octobot_channel as oc
from octobot import backtest as backtest_module
from octobot.backtest import run_backtest
from octobot.candle_runs import CandleRunCoordinator

PROFILE = {
    "schema_version": 1,
    "name": "rsi-1m",
    "description": "RSI(14) zones on 1m candles, market orders",
    "exchanges": ["binance"],
    "pairs": ["BTC/USDT"],
    "time_frames": ["1m"],
    "trading_mode": "DailyTradingMode",
    "strategies": ["SimpleStrategyEvaluator"],
    "evaluators": ["RSIMomentumEvaluator"],
    "risk": 1,
    "reference_market": "USDT",
    "simulator": {
        "enabled": True,
        "starting_portfolio": {"USDT": 10000},
        "fees": {"maker_percent": 0.1, "taker_percent": 0.1},
    },
    "shutdown": {"open_orders": "cancel"},
}
TENTACLES = {
    "RSIMomentumEvaluator": {"period": 14, "oversold": 30.0, "overbought": 70.0},
    "DailyTradingMode": {
        "trigger": "evaluations",
        "buy_threshold": 0.5,
        "sell_threshold": -0.5,
        "order_type": "market",
        "buy_amount": "99a%",
        "sell_amount": "100a%",
        "act_on_state_change_only": True,
    },
}


@pytest.fixture
def rsi_backtest(tmp_path: Path, builtin_tentacles: Path) -> tuple[octobot.Profile, Path]:
    """The profile above and a data file of real 1m candles (freqtrade's UNITTEST/BTC, as BTC/USDT)."""
    source = shared_data() / "freqtrade" / "UNITTEST_BTC-1m.json"
    if not source.is_file():
        pytest.skip(f"real market data not found at {source}: set OCTOBOT_SHARED_DATA")
    candles = ob.read_json_candles(source)
    _, first = np.unique(candles[:, 0], return_index=True)
    candles = candles[np.sort(first)][:4000]
    data = tmp_path / "rsi.data"
    with ob.DataFileWriter(data, exchange="binance", origin="test: freqtrade UNITTEST/BTC 1m") as writer:
        writer.write_ohlcv("BTC/USDT", "1m", candles)
    folder = tmp_path / "rsi-1m"
    folder.mkdir()
    (folder / "profile.json").write_text(json.dumps(PROFILE))
    for name, config in TENTACLES.items():
        (folder / f"{name}.json").write_text(json.dumps(config))
    return octobot.load_profile(folder, registry=octobot.TentacleRegistry.discover()), data


def _trades(outcome: backtest_module.BacktestOutcome) -> list[tuple]:
    return [
        (trade["time_ms"], trade["side"], trade["price"], trade["amount"], trade["fee"])
        for trade in outcome.report.to_dict()["trades"]
    ]


def _equity(outcome: backtest_module.BacktestOutcome) -> tuple[np.ndarray, np.ndarray]:
    result = outcome.report.result
    return np.asarray(result.equity_times_ms), np.asarray(result.equity_values, dtype=np.float64)


async def test_runs_give_the_trades_portfolio_and_equity_of_one_by_one(rsi_backtest, monkeypatch):
    profile, data = rsi_backtest
    coordinators: list[CandleRunCoordinator] = []
    original = CandleRunCoordinator.for_bot

    def recording(*args, **kwargs):
        coordinator = original(*args, **kwargs)
        coordinators.append(coordinator)
        return coordinator

    monkeypatch.setattr(CandleRunCoordinator, "for_bot", recording)
    with_runs = await run_backtest(profile, [data])
    one_by_one = await run_backtest(profile, [data], candle_runs=False)
    (coordinator,) = coordinators
    assert coordinator is not None and coordinator.runs > 10
    assert coordinator.candles_taken > with_runs.replay.candles_pushed // 2  # most candles went in runs
    assert with_runs.replay.candles_pushed == one_by_one.replay.candles_pushed
    assert with_runs.replay.steps == one_by_one.replay.steps
    trades = _trades(with_runs)
    assert len(trades) > 10 and trades == _trades(one_by_one)
    figures, reference = with_runs.report.to_dict(), one_by_one.report.to_dict()
    assert figures["profitability"]["end_value"] == reference["profitability"]["end_value"]
    times, values = _equity(with_runs)
    reference_times, reference_values = _equity(one_by_one)
    assert np.array_equal(times, reference_times)
    np.testing.assert_allclose(values, reference_values, rtol=1e-14)  # floats: a few ulps at most


async def test_an_unknown_consumer_of_the_candles_turns_runs_off(rsi_backtest, monkeypatch):
    """Someone else reading every candle (an interface, a user's consumer) must get every candle."""
    profile, data = rsi_backtest
    seen: list[int] = []
    original = backtest_module._record_equity

    async def with_a_listener(manager, symbol, time_frame):
        async def listen(message: dict) -> None:
            seen.append(int(message["candle"][0]))

        await manager.get_channel("OHLCVChannel").new_consumer(listen, priority=oc.Priority.OPTIONAL)
        return await original(manager, symbol, time_frame)

    monkeypatch.setattr(backtest_module, "_record_equity", with_a_listener)
    outcome = await run_backtest(profile, [data])
    assert len(seen) == outcome.replay.candles_pushed
    assert seen == sorted(set(seen))


@pytest.mark.parametrize(
    ("time_frames", "order_type"),
    [(["1h", "4h"], "limit"), (["30m", "2h", "4h"], "market"), (["5m"], "market")],
)
async def test_runs_across_time_frames_give_the_trades_of_one_by_one(
    home, builtin_tentacles, btc_data_file, tmp_path, time_frames, order_type
):
    """A strategy over several time frames: runs of the smallest one keep the others' evaluations."""
    folder = tmp_path / "multi"
    folder.mkdir()
    profile = {
        **PROFILE,
        "name": "multi",
        "time_frames": time_frames,
        "evaluators": ["RSIMomentumEvaluator", "DoubleMovingAverageTrendEvaluator"],
        "simulator": {**PROFILE["simulator"], "starting_portfolio": {"USDT": 1000}},
    }
    (folder / "profile.json").write_text(json.dumps(profile))
    mode = {"order_type": order_type, "buy_threshold": 0.2, "sell_threshold": -0.2}
    (folder / "DailyTradingMode.json").write_text(json.dumps(mode))
    loaded = octobot.load_profile(folder, registry=octobot.TentacleRegistry.discover(home.tentacles))
    with_runs = await run_backtest(loaded, [btc_data_file])
    one_by_one = await run_backtest(loaded, [btc_data_file], candle_runs=False)
    trades = _trades(with_runs)
    assert trades and trades == _trades(one_by_one)
    figures, reference = with_runs.report.to_dict(), one_by_one.report.to_dict()
    assert figures["end_portfolio"] == reference["end_portfolio"]
    assert with_runs.replay.steps == one_by_one.replay.steps
