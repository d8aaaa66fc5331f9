"""Tests of TemplateTentacle; run them with:

python -m pytest TEMPLATE_TEST_PATH
"""

from __future__ import annotations

import asyncio
import json
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import octobot
import octobot_channel as oc
import octobot_trading as ot

TENTACLES_FOLDER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TENTACLES_FOLDER))

from template_tentacle import TemplateTentacle, format_event  # noqa: E402


def test_an_event_is_one_json_line():
    line = format_event("trade", "buy 1 BTC/USDT", {"exchange": "binance-1"})
    assert json.loads(line) == {"event": "trade", "text": "buy 1 BTC/USDT", "exchange": "binance-1"}


def test_the_registry_loads_it_from_the_user_folder():
    registry = octobot.TentacleRegistry.discover(TENTACLES_FOLDER, entry_points=False)
    assert registry.get("TemplateTentacle").kind is octobot.TentacleKind.NOTIFIER


def test_every_trade_of_the_bot_is_written(tmp_path):
    path = tmp_path / "events.jsonl"

    async def scenario() -> None:
        synchronizer = oc.Synchronizer()
        markets = ot.Markets({"BTC/USDT": ot.MarketRules.default("BTC/USDT")})
        manager = ot.ExchangeManager(
            "binance", markets, portfolio={"USDT": Decimal(1000)}, synchronizer=synchronizer
        )
        await manager.start()
        bot = SimpleNamespace(exchange_managers={"binance": manager})  # what a notifier reads of the bot
        notifier = TemplateTentacle(bot, {"path": str(path)})
        await notifier.start()
        try:
            await manager.push_price("BTC/USDT", Decimal(100))
            await manager.trader.create_order("BTC/USDT", "buy", "market", Decimal("0.5"))
            await manager.push_price("BTC/USDT", Decimal(100))  # the market order fills
            await synchronizer.drain()
        finally:
            await notifier.stop()
            await manager.stop()

    asyncio.run(scenario())
    (event,) = [json.loads(line) for line in path.read_text().splitlines()]
    assert event["event"] == "trade" and "buy 0.5 BTC/USDT at 100" in event["text"]
