"""The bot: the default profile's real tentacles wired in order, fed real candles, stopped in reverse."""

from __future__ import annotations

import asyncio
import json
import threading
from decimal import Decimal

import numpy as np
import pytest

import octobot
import octobot_backtesting as ob
import octobot_channel as oc
import octobot_evaluators as oe
from octobot.bot import OctoBot

from .helpers import run_cli

HOUR_MS = 3_600_000


def _default_profile(home, name: str = "default") -> octobot.Profile:
    registry = octobot.TentacleRegistry.discover(home.tentacles)
    assert registry.errors == []
    return octobot.load_profile(name, registry, home)


def _hour_candles(path) -> np.ndarray:
    with ob.DataFileReader(path) as reader:
        return reader.read_ohlcv("BTC/USDT", "1h")


def _scopes(bot: OctoBot) -> list[str]:
    return [manager.exchange_id for manager in bot.exchange_managers.values()] + [bot.matrix.matrix_id]


def _other_tasks() -> set[asyncio.Task]:
    return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}


async def _feed(bot: OctoBot, clock: ob.SimulatedClock, sync: oc.Synchronizer, candles: np.ndarray) -> None:
    manager = bot.exchange_managers["binance"]
    for row in candles:
        clock.advance_to(int(row[0]) + HOUR_MS)  # a candle is visible at its close
        await manager.push_candle("BTC/USDT", "1h", [int(row[0]), *map(float, row[1:])])
        await sync.drain()


def test_the_default_profile_loads_with_the_builtin_tentacles(home, builtin_tentacles):
    profile = _default_profile(home)
    kinds = {name: info.kind.value for name, info in profile.tentacles.items()}
    assert kinds == {
        "DailyTradingMode": "trading_mode",
        "SimpleStrategyEvaluator": "strategy",
        "RSIMomentumEvaluator": "ta",
        "DoubleMovingAverageTrendEvaluator": "ta",
    }
    folder = octobot.builtin_profiles_dir() / "default"
    for name in kinds:
        assert profile.tentacle_config(name) == json.loads((folder / f"{name}.json").read_text())
    code, out, _ = run_cli("profiles", "validate", "default")
    assert code == 0 and "DailyTradingMode, SimpleStrategyEvaluator" in out


async def test_the_bot_wires_the_chain_and_trades_on_real_candles(home, builtin_tentacles, btc_data_file):
    profile = _default_profile(home)
    candles = _hour_candles(btc_data_file)
    sync = oc.Synchronizer()
    clock = ob.SimulatedClock(int(candles[0][0]))
    tasks_before, threads_before = _other_tasks(), threading.active_count()
    bot = OctoBot(profile, clock=clock, synchronizer=sync)
    await bot.start()
    scopes = _scopes(bot)
    assert all(oc.list_channels(scope) for scope in scopes)
    assert threading.active_count() == threads_before  # one event loop, no thread of its own
    manager, matrix = bot.exchange_managers["binance"], bot.matrix

    await _feed(bot, clock, sync, candles)

    def value(kind, name, time_frame):
        return matrix.get_value(oe.MatrixKey("binance", kind, name, "BTC", "BTC/USDT", time_frame))

    rsi = value(oe.EvaluatorType.TA, "RSIMomentumEvaluator", "1h")
    trend = value(oe.EvaluatorType.TA, "DoubleMovingAverageTrendEvaluator", "1h")
    strategy = value(oe.EvaluatorType.STRATEGY, "SimpleStrategyEvaluator", None)
    assert -1 <= rsi <= 1 and -1 <= trend <= 1
    assert strategy == pytest.approx((rsi + trend) / 2)  # the strategy averaged the two
    assert bot.trading_modes["binance"].evaluations["BTC/USDT"] == pytest.approx(strategy)
    trades = manager.trader.trades()
    assert {trade.side.value for trade in trades} == {"buy", "sell"}
    assert manager.portfolio.total("USDT") != Decimal(1000)

    await bot.stop()
    assert not bot.running and bot.exchange_managers == {}
    assert not any(oc.list_channels(scope) for scope in scopes)
    assert _other_tasks() == tasks_before
    await bot.stop()  # a second stop is harmless


async def test_a_failure_during_start_unwinds_everything(home, builtin_tentacles):
    run_cli("profiles", "copy", "default", "broken")
    profile = _default_profile(home, "broken")
    # each valid, together impossible: refused by the profile's load, and by the mode itself when a
    # profile built in Python skips that load
    profile.tentacle_configs["DailyTradingMode"].update(buy_threshold=-0.5, sell_threshold=0.5)
    tasks_before = _other_tasks()
    bot = OctoBot(profile, clock=ob.SimulatedClock(0), synchronizer=oc.Synchronizer())
    with pytest.raises(octobot.BotError, match=r"failed to start: .*threshold"):
        await bot.start()
    assert not bot.running
    assert not any(oc.list_channels(scope) for scope in (f"{bot.bot_id}-binance", f"{bot.bot_id}-matrix"))
    assert _other_tasks() == tasks_before


@pytest.mark.parametrize(("policy", "left_open"), [("cancel", 0), ("keep", 1)])
async def test_open_orders_at_shutdown_follow_the_profile(
    home, builtin_tentacles, btc_data_file, policy, left_open
):
    run_cli("profiles", "copy", "default", "orders")
    profile_file = home.profiles / "orders" / "profile.json"
    content = json.loads(profile_file.read_text())
    content["shutdown"] = {"open_orders": policy}
    profile_file.write_text(json.dumps(content))
    profile = _default_profile(home, "orders")
    candles = _hour_candles(btc_data_file)[:30]
    sync = oc.Synchronizer()
    clock = ob.SimulatedClock(int(candles[0][0]))
    bot = OctoBot(profile, clock=clock, synchronizer=sync)
    await bot.start()
    await _feed(bot, clock, sync, candles)
    manager = bot.exchange_managers["binance"]
    far_below = Decimal(str(candles[-1][4])) / 2
    await manager.trader.create_order("BTC/USDT", "buy", "limit", Decimal("0.001"), far_below)
    assert len(manager.trader.open_orders("BTC/USDT")) == 1
    await bot.stop()
    assert len(manager.trader.open_orders("BTC/USDT")) == left_open


async def test_a_bot_in_normal_mode_starts_and_stops_without_threads_or_leftover_tasks(
    home, builtin_tentacles
):
    profile = _default_profile(home)
    tasks_before, threads_before = _other_tasks(), threading.active_count()
    async with OctoBot(profile) as bot:
        assert bot.running and threading.active_count() == threads_before
        assert threading.active_count() < 10  # the design's budget for a standard setup
        scopes = _scopes(bot)
    assert not any(oc.list_channels(scope) for scope in scopes)
    assert _other_tasks() == tasks_before
