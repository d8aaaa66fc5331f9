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


async def test_a_drain_of_completed_deliveries_runs_at_the_call(registry: oc.ChannelRegistry) -> None:
    """Marked callbacks handing back completed sends: the whole drain, cascade included, runs inside the
    ``drain()`` call, which returns a completed future (no coroutine to run) holding the count."""
    synchronizer = oc.Synchronizer()
    prices = await registry.create_channel(PriceChannel, "exchange", synchronizer=synchronizer)
    evaluations = await registry.create_channel(EvaluationChannel, "matrix", synchronizer=synchronizer)
    log: list = []

    @oc.returns_awaitable
    def evaluator(message: dict) -> object:
        log.append(f"evaluate {message['price']}")
        return evaluations.send({"eval": message["price"]})

    @oc.returns_awaitable
    def strategy(message: dict) -> None:
        log.append(f"strategy {message['eval']}")

    await prices.new_consumer(evaluator, priority=oc.Priority.MEDIUM)
    await evaluations.new_consumer(strategy, priority=oc.Priority.HIGH)
    for price in (1, 2):
        await prices.send({"symbol": "BTC/USDT", "price": price})
    done = synchronizer.drain()
    assert log == ["evaluate 1", "evaluate 2", "strategy 1", "strategy 2"]
    assert isinstance(done, asyncio.Future) and done.done() and done.result() == 4
    assert not synchronizer.is_draining and not synchronizer.has_pending
    assert await done == 4


async def test_a_pending_awaitable_hands_the_drain_over_in_order(registry: oc.ChannelRegistry) -> None:
    """A marked callback handing back an awaitable not complete yet: the drain waits for it there, then
    goes on with the same consumer's next message and the rest, in the order of a fully awaited drain."""
    synchronizer = oc.Synchronizer()
    prices = await registry.create_channel(PriceChannel, "exchange", synchronizer=synchronizer)
    evaluations = await registry.create_channel(EvaluationChannel, "matrix", synchronizer=synchronizer)
    gate = asyncio.get_running_loop().create_future()
    log: list = []

    @oc.returns_awaitable
    def evaluator(message: dict) -> object:
        log.append(f"evaluate {message['price']}")
        evaluations.send({"eval": message["price"]})  # completed: queued at once
        return gate if message["price"] == 1 else None

    @oc.returns_awaitable
    def strategy(message: dict) -> None:
        log.append(f"strategy {message['eval']}")

    await prices.new_consumer(evaluator, priority=oc.Priority.MEDIUM)
    await evaluations.new_consumer(strategy, priority=oc.Priority.HIGH)
    for price in (1, 2):
        await prices.send({"symbol": "BTC/USDT", "price": price})
    drain = asyncio.ensure_future(synchronizer.drain())
    await asyncio.sleep(0)
    assert log == ["evaluate 1"] and synchronizer.is_draining and not drain.done()
    with pytest.raises(oc.SynchronizerError):
        synchronizer.drain()  # still draining: the rest belongs to the running drain
    gate.set_result(None)
    assert await drain == 4
    assert log == ["evaluate 1", "evaluate 2", "strategy 1", "strategy 2"]
    assert not synchronizer.is_draining and not synchronizer.has_pending


async def test_a_failed_or_cancelled_completed_future_acts_as_awaited(
    registry: oc.ChannelRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    """A completed future holding an error is logged as the callback's failure (the drain goes on); a
    cancelled one cancels the drain, which keeps the rest of the batch listed for the next drain."""
    synchronizer = oc.Synchronizer()
    prices = await registry.create_channel(PriceChannel, "exchange", synchronizer=synchronizer)
    loop = asyncio.get_running_loop()
    failed, cancelled = loop.create_future(), loop.create_future()
    failed.set_exception(ValueError("bad delivery"))
    cancelled.cancel()
    outcomes = {1: failed, 2: None, 3: cancelled, 4: None}
    seen: list = []

    @oc.returns_awaitable
    def consumer(message: dict) -> object:
        seen.append(message["price"])
        return outcomes[message["price"]]

    await prices.new_consumer(consumer, name="fragile")
    with caplog.at_level(logging.ERROR):
        for price in (1, 2, 3, 4):
            await prices.send({"symbol": "BTC/USDT", "price": price})
        with pytest.raises(asyncio.CancelledError):
            await synchronizer.drain()
    assert "fragile" in caplog.text and "bad delivery" in caplog.text
    assert seen == [1, 2, 3] and synchronizer.has_pending and not synchronizer.is_draining
    assert await synchronizer.drain() == 1
    assert seen == [1, 2, 3, 4]


async def test_synchronized_sends_share_the_synchronizer_delivered_future(
    registry: oc.ChannelRegistry,
) -> None:
    """Every producer of a synchronizer's channels hands back the same completed future for a delivery
    that did not wait (a drain recognises it by identity); a normal-mode channel keeps its own."""
    synchronizer = oc.Synchronizer()
    prices = await registry.create_channel(PriceChannel, "exchange", synchronizer=synchronizer)
    evaluations = await registry.create_channel(EvaluationChannel, "matrix", synchronizer=synchronizer)
    live = await registry.create_channel(EvaluationChannel, "live")

    async def record(message: dict) -> None:
        return None

    for channel in (prices, evaluations, live):
        await channel.new_consumer(record)
    first = prices.send({"symbol": "BTC/USDT", "price": 1})
    second = evaluations.send({"eval": 1})
    assert first is second is synchronizer.delivered()
    assert first.done() and first.result() is None
    normal = live.send({"eval": 2})
    assert normal is not first and normal.done()
    assert await synchronizer.drain() == 2
    await asyncio.sleep(0)  # the live consumer's task runs
