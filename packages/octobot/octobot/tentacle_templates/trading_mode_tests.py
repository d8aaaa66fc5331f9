"""Tests of TemplateTentacle; run them with:

python -m pytest TEMPLATE_TEST_PATH

The last test runs the equivalence check on real candles: point $OCTOBOT_CHECK_DATA at a data file or a
folder holding BTC/USDT 1h candles (or collect them with `octobot data collect`); it is skipped otherwise.
"""

from __future__ import annotations

import asyncio
import sys
from decimal import Decimal
from pathlib import Path

import octobot
import octobot_channel as oc
import octobot_trading as ot
from octobot.testing import assert_tentacle_equivalent, check_sources_or_skip

TENTACLES_FOLDER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TENTACLES_FOLDER))

from template_tentacle import TemplateTentacle, decide  # noqa: E402

HOUR_MS = 3_600_000


def test_evaluations_become_states():
    assert decide(0.5, 0.3) is ot.TradingModeState.LONG
    assert decide(-0.3, 0.3) is ot.TradingModeState.SHORT
    assert decide(0.1, 0.3) is ot.TradingModeState.NEUTRAL


def test_the_registry_loads_it_from_the_user_folder():
    registry = octobot.TentacleRegistry.discover(TENTACLES_FOLDER, entry_points=False)
    assert registry.get("TemplateTentacle").kind is octobot.TentacleKind.TRADING_MODE


def test_it_plans_without_acting_then_buys_and_sells_through_the_framework():
    async def scenario() -> tuple[ot.OrderPlan, dict, Decimal, Decimal]:
        synchronizer = oc.Synchronizer()
        clock = ot.WallClock()
        markets = ot.Markets({"BTC/USDT": ot.MarketRules.default("BTC/USDT")})
        manager = ot.ExchangeManager(
            "binance", markets, portfolio={"USDT": Decimal(1000)}, synchronizer=synchronizer, clock=clock
        )
        await manager.start()
        mode = TemplateTentacle(manager, ["BTC/USDT"])
        await mode.start()
        try:
            await manager.push_price("BTC/USDT", Decimal(100))
            before = dict(manager.portfolio.totals())
            plan = mode.plan_orders("BTC/USDT", ot.TradingModeState.LONG, 0.9)  # planning only
            untouched = dict(manager.portfolio.totals())
            assert untouched == before and not manager.trader.open_orders()
            await mode.set_evaluation("BTC/USDT", 0.9)  # LONG: the framework executes the plan
            await synchronizer.drain()
            await manager.push_price("BTC/USDT", Decimal(100))  # the market order fills
            await synchronizer.drain()
            bought = manager.portfolio.total("BTC")
            await mode.set_evaluation("BTC/USDT", -0.9)  # SHORT: sells everything
            await synchronizer.drain()
            await manager.push_price("BTC/USDT", Decimal(110))
            await synchronizer.drain()
            return plan, before, bought, manager.portfolio.total("BTC")
        finally:
            await mode.stop()
            await manager.stop()

    plan, before, bought, left = asyncio.run(scenario())
    assert [(r.side, r.kind, r.amount) for r in plan.create] == [
        (ot.OrderSide.BUY, ot.OrderKind.MARKET, "25a%")
    ]
    assert before == {"USDT": Decimal(1000)}
    assert bought > 0 and left == 0


def test_it_behaves_the_same_in_a_backtest_and_live(tmp_path):
    report = assert_tentacle_equivalent(
        TemplateTentacle, sources=check_sources_or_skip(), candles=200, home=octobot.UserHome(tmp_path)
    )
    assert report.orders > 0
