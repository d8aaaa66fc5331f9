"""Tests of TemplateTentacle; run them with:

python -m pytest TEMPLATE_TEST_PATH
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

import octobot
from octobot.bot import OctoBot

TENTACLES_FOLDER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TENTACLES_FOLDER))

from template_tentacle import TemplateTentacle  # noqa: E402


def test_the_registry_loads_it_from_the_user_folder():
    registry = octobot.TentacleRegistry.discover(TENTACLES_FOLDER, entry_points=False)
    assert registry.get("TemplateTentacle").kind is octobot.TentacleKind.INTERFACE


def test_it_answers_the_status_of_a_running_bot_on_the_loopback():
    async def scenario() -> tuple[int, dict, int]:
        registry = octobot.TentacleRegistry.discover()
        registry.add(TemplateTentacle)
        profile = octobot.load_profile("default", registry)
        async with OctoBot(profile) as bot:
            interface = TemplateTentacle(bot)
            await interface.start()
            try:
                async with aiohttp.ClientSession() as session:
                    async with session.get(f"http://127.0.0.1:{interface.port}/status") as response:
                        answer = (response.status, await response.json())
                    async with session.get(f"http://127.0.0.1:{interface.port}/nothing") as response:
                        missing = response.status
            finally:
                await interface.stop()
        return (*answer, missing)

    status, body, missing = asyncio.run(scenario())
    assert status == 200 and missing == 404
    assert body["profile"] == "default"
    assert body["exchanges"]["binance"] == {"portfolio": {"USDT": "1000"}, "open_orders": 0}
