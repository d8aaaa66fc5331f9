"""Tests of TemplateTentacle; run them with:

python -m pytest TEMPLATE_TEST_PATH
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp
import pytest

import octobot
import octobot_channel as oc
import octobot_evaluators as oe

TENTACLES_FOLDER = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TENTACLES_FOLDER))

from template_tentacle import BadSignalError, TemplateTentacle, to_signal  # noqa: E402


def test_a_call_body_becomes_a_signal():
    signal = to_signal({"symbol": "BTC/USDT", "side": "buy", "note": "breakout"}, "1.2.3.4", 1_000)
    assert signal == oe.Signal("1.2.3.4", {"side": "buy", "note": "breakout"}, 1_000, "BTC/USDT")
    with pytest.raises(BadSignalError, match="'symbol' must be a pair"):
        to_signal({"symbol": "BTCUSDT"}, "x", 0)


def test_the_registry_loads_it_from_the_user_folder():
    registry = octobot.TentacleRegistry.discover(TENTACLES_FOLDER, entry_points=False)
    assert registry.get("TemplateTentacle").kind is octobot.TentacleKind.SERVICE_FEED


def test_a_webhook_call_on_the_loopback_reaches_the_social_evaluators():
    async def scenario() -> tuple[list[int], list[dict]]:
        matrix = oe.EvaluationMatrix("template_tentacle-test")
        await matrix.start()  # normal mode, as live
        received: list[dict] = []
        arrived = asyncio.Event()

        async def on_signal(message: dict) -> None:  # where social evaluators listen
            received.append(message)
            arrived.set()

        channel = oc.get_channel(oe.SocialFeedChannel, scope=matrix.matrix_id)
        await channel.new_consumer(on_signal, filters={"feed": "webhook"})
        feed = TemplateTentacle(matrix.matrix_id, {"token": "s3cret"})
        await feed.start()
        statuses = []
        try:
            url = f"http://127.0.0.1:{feed.port}/signal"
            async with aiohttp.ClientSession() as session:
                for headers, body in (
                    ({}, {"side": "buy"}),  # no token: refused
                    ({"X-Token": "s3cret"}, ["not", "an", "object"]),  # not a signal: refused
                    ({"X-Token": "s3cret"}, {"symbol": "BTC/USDT", "side": "buy"}),
                ):
                    async with session.post(url, json=body, headers=headers) as response:
                        statuses.append(response.status)
            await asyncio.wait_for(arrived.wait(), timeout=30)
        finally:
            await feed.stop()
            await matrix.stop()
        return statuses, received

    statuses, received = asyncio.run(scenario())
    assert statuses == [401, 400, 200]
    (message,) = received
    assert message["symbol"] == "BTC/USDT" and message["payload"] == {"side": "buy"}
