"""Callbacks marked `returns_awaitable`: plain functions whose returned awaitable (or None) is awaited."""

from __future__ import annotations

import asyncio
import logging

import pytest

import octobot_channel as oc


class PriceChannel(oc.Channel):
    FILTER_FIELDS = ("symbol",)


class EvaluationChannel(oc.Channel):
    pass


async def test_a_plain_callback_needs_the_mark(registry: oc.ChannelRegistry) -> None:
    prices = await registry.create_channel(PriceChannel, "exchange")

    def plain(message: dict) -> None:
        return None

    with pytest.raises(oc.InvalidConsumerError, match="returns_awaitable"):
        await prices.new_consumer(plain)
    assert await prices.new_consumer(oc.returns_awaitable(plain)) is not None


async def test_synchronized_cascade_keeps_the_level_order(registry: oc.ChannelRegistry) -> None:
    """A marked evaluator hands back its send: the cascade runs in the same drain, in the same order as
    with `async def` callbacks (the strategy after the OPTIONAL dashboard of the same level's batch)."""
    synchronizer = oc.Synchronizer()
    prices = await registry.create_channel(PriceChannel, "exchange", synchronizer=synchronizer)
    evaluations = await registry.create_channel(EvaluationChannel, "matrix", synchronizer=synchronizer)
    log: list = []

    @oc.returns_awaitable
    def evaluator(message: dict) -> object:
        log.append(f"evaluate {message['price']}")
        if message["price"] % 2:
            return None  # nothing to publish: nothing to wait for
        return evaluations.send({"eval": message["price"]})

    async def dashboard(message: dict) -> None:
        log.append(f"dashboard {message['price']}")

    @oc.returns_awaitable
    def strategy(message: dict) -> None:
        log.append(f"strategy {message['eval']}")

    await prices.new_consumer(evaluator, priority=oc.Priority.MEDIUM, filters={"symbol": "BTC/USDT"})
    await prices.new_consumer(dashboard, priority=oc.Priority.OPTIONAL)
    await evaluations.new_consumer(strategy, priority=oc.Priority.OPTIONAL)
    for price in (2, 3):
        await prices.send({"symbol": "BTC/USDT", "price": price})
    assert await synchronizer.drain() == 5
    assert log == ["evaluate 2", "evaluate 3", "dashboard 2", "dashboard 3", "strategy 2"]


async def test_normal_mode_awaits_what_the_callback_returns(registry: oc.ChannelRegistry) -> None:
    prices = await registry.create_channel(PriceChannel, "exchange")
    gate = asyncio.get_running_loop().create_future()
    log: list = []

    async def later(price: int) -> None:
        await gate
        log.append(f"done {price}")

    @oc.returns_awaitable
    def on_price(message: dict) -> object:
        log.append(f"called {message['price']}")
        return later(message["price"])

    consumer = await prices.new_consumer(on_price, supervised=True)
    await prices.send({"symbol": "BTC/USDT", "price": 1})
    await prices.send({"symbol": "BTC/USDT", "price": 2})
    await asyncio.sleep(0)
    assert log == ["called 1"]  # the second waits until the first's awaitable completes
    gate.set_result(None)
    await consumer.join()
    assert log == ["called 1", "done 1", "called 2", "done 2"]


async def test_a_raising_marked_callback_is_logged_and_keeps_consuming(
    registry: oc.ChannelRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    synchronizer = oc.Synchronizer()
    prices = await registry.create_channel(PriceChannel, "exchange", synchronizer=synchronizer)
    seen: list = []

    @oc.returns_awaitable
    def fragile(message: dict) -> None:
        if message["price"] == 1:
            raise ValueError("bad price")
        seen.append(message["price"])

    await prices.new_consumer(fragile, name="fragile")
    with caplog.at_level(logging.ERROR):
        for price in (1, 2):
            await prices.send({"symbol": "BTC/USDT", "price": price})
        await synchronizer.drain()
    assert seen == [2]
    assert "fragile" in caplog.text
