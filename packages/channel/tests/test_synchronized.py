from __future__ import annotations

import asyncio

import pytest

import octobot_channel as oc


class PriceChannel(oc.Channel):
    FILTER_FIELDS = ("symbol",)


class EvaluationChannel(oc.Channel):
    pass


class OrderChannel(oc.Channel):
    pass


async def build_chain(registry: oc.ChannelRegistry, synchronizer: oc.Synchronizer, log: list) -> oc.Channel:
    """An exchange scope and a matrix scope drained together, with cascades across them."""
    prices = await registry.create_channel(PriceChannel, "exchange", synchronizer=synchronizer)
    evaluations = await registry.create_channel(EvaluationChannel, "matrix", synchronizer=synchronizer)
    orders = await registry.create_channel(OrderChannel, "exchange", synchronizer=synchronizer)

    async def price_cache(message: dict) -> None:
        log.append(f"cache {message['price']}")

    async def evaluator(message: dict) -> None:
        log.append(f"evaluate {message['price']}")
        await evaluations.send({"symbol": message["symbol"], "eval": message["price"] % 3 - 1})

    async def strategy(message: dict) -> None:
        log.append(f"strategy {message['eval']}")
        if message["eval"] > 0:
            await orders.send({"side": "buy"})

    async def order_manager(message: dict) -> None:
        log.append(f"order {message['side']}")

    async def dashboard(message: dict) -> None:
        log.append(f"dashboard {message['price']}")

    await prices.new_consumer(dashboard, priority=oc.Priority.OPTIONAL)
    await prices.new_consumer(evaluator, priority=oc.Priority.MEDIUM, filters={"symbol": "BTC/USDT"})
    await prices.new_consumer(price_cache, priority=oc.Priority.HIGH)
    await evaluations.new_consumer(strategy, priority=oc.Priority.MEDIUM)
    await orders.new_consumer(order_manager, priority=oc.Priority.HIGH)
    return prices


async def test_cascade_is_drained_within_one_step_level_by_level(registry: oc.ChannelRegistry) -> None:
    synchronizer = oc.Synchronizer()
    log: list = []
    prices = await build_chain(registry, synchronizer, log)
    assert {c.scope for c in synchronizer.channels} == {"exchange", "matrix"}
    await prices.send({"symbol": "BTC/USDT", "price": 2})
    assert log == []  # nothing runs before the driver drains
    assert synchronizer.has_pending
    processed = await synchronizer.drain()
    # HIGH cache, MEDIUM evaluator -> MEDIUM strategy -> HIGH order (restart from HIGH), OPTIONAL last
    assert log == ["cache 2", "evaluate 2", "strategy 1", "order buy", "dashboard 2"]
    assert processed == 5
    assert not synchronizer.has_pending
    assert await synchronizer.drain() == 0


async def test_synchronized_runs_are_identical(registry: oc.ChannelRegistry) -> None:
    logs = []
    for _ in range(2):
        synchronizer = oc.Synchronizer()
        log: list = []
        reg = oc.ChannelRegistry()
        prices = await build_chain(reg, synchronizer, log)
        for step in range(30):
            await prices.send({"symbol": "BTC/USDT" if step % 4 else "ETH/USDT", "price": step})
            if step % 3 == 0:
                await prices.send({"symbol": "BTC/USDT", "price": step * 10})
            await synchronizer.drain()
        await reg.clear()
        logs.append(log)
    assert logs[0] == logs[1]
    assert len(logs[0]) > 90
    assert "order buy" in logs[0] and "evaluate 4" not in logs[0]  # step 4 is ETH: filtered out


async def test_no_task_in_synchronized_mode(registry: oc.ChannelRegistry) -> None:
    synchronizer = oc.Synchronizer()
    channel = await registry.create_channel(EvaluationChannel, "matrix", synchronizer=synchronizer)
    seen: list = []

    async def record(message: dict) -> None:
        seen.append(message["n"])

    consumer = await channel.new_consumer(record, max_queue_size=2)
    for n in range(10):  # never waits: the synchronizer, not back-pressure, bounds a step
        await channel.send({"n": n})
    assert asyncio.all_tasks() == {asyncio.current_task()}
    assert consumer.queue_size == 10
    assert await synchronizer.drain() == 10
    assert seen == list(range(10))


async def test_drain_from_inside_a_drain_is_an_error(registry: oc.ChannelRegistry) -> None:
    synchronizer = oc.Synchronizer("bt")
    channel = await registry.create_channel(EvaluationChannel, "matrix", synchronizer=synchronizer)
    errors: list = []

    async def reentrant(message: dict) -> None:
        try:
            await synchronizer.drain()
        except oc.SynchronizerError as error:
            errors.append(str(error))

    await channel.new_consumer(reentrant)
    await channel.send({})
    assert await synchronizer.drain() == 1
    assert len(errors) == 1 and "bt.drain()" in errors[0]
    assert not synchronizer.is_draining


async def test_raising_synchronized_consumer_does_not_stop_the_drain(registry: oc.ChannelRegistry) -> None:
    synchronizer = oc.Synchronizer()
    channel = await registry.create_channel(EvaluationChannel, "matrix", synchronizer=synchronizer)
    seen: list = []

    async def fragile(message: dict) -> None:
        if message["n"] == 1:
            raise RuntimeError("boom")
        seen.append(("fragile", message["n"]))

    async def after(message: dict) -> None:
        seen.append(("after", message["n"]))

    await channel.new_consumer(fragile)
    await channel.new_consumer(after, priority=oc.Priority.MEDIUM)
    for n in range(3):
        await channel.send({"n": n})
    assert await synchronizer.drain() == 6
    assert seen == [("fragile", 0), ("fragile", 2), ("after", 0), ("after", 1), ("after", 2)]


async def test_stopped_channel_leaves_the_synchronizer(registry: oc.ChannelRegistry) -> None:
    synchronizer = oc.Synchronizer()
    kept = await registry.create_channel(EvaluationChannel, "matrix", synchronizer=synchronizer)
    gone = await registry.create_channel(OrderChannel, "exchange", synchronizer=synchronizer)
    seen: list = []

    async def record(message: dict) -> None:
        seen.append(message["n"])

    await gone.new_consumer(record)
    await gone.send({"n": 1})
    await registry.delete_scope("exchange")
    assert synchronizer.channels == (kept,)
    assert not synchronizer.has_pending
    assert await synchronizer.drain() == 0 and seen == []


async def test_cancelled_drain_keeps_pending_work(registry: oc.ChannelRegistry) -> None:
    synchronizer = oc.Synchronizer()
    channel = await registry.create_channel(EvaluationChannel, "matrix", synchronizer=synchronizer)
    gate = asyncio.Event()
    seen: list = []

    async def gated(message: dict) -> None:
        if message["n"] == 0:
            await gate.wait()
        seen.append(message["n"])

    await channel.new_consumer(gated)
    for n in range(3):
        await channel.send({"n": n})
    drain = asyncio.get_running_loop().create_task(synchronizer.drain())
    for _ in range(5):
        await asyncio.sleep(0)
    drain.cancel()
    with pytest.raises(asyncio.CancelledError):
        await drain
    assert synchronizer.has_pending and not synchronizer.is_draining
    gate.set()
    assert await synchronizer.drain() == 2
    assert seen == [1, 2]
