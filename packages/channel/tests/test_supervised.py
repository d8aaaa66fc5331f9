from __future__ import annotations

import asyncio

import octobot_channel as oc

from .helpers import run_until


class TickerChannel(oc.Channel):
    pass


async def test_join_waits_for_every_queued_message(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    gate = asyncio.Event()
    processed: list = []

    async def gated(message: dict) -> None:
        await gate.wait()
        processed.append(message["n"])

    consumer = await channel.new_consumer(gated, supervised=True)
    assert isinstance(consumer, oc.SupervisedConsumer) and consumer.is_idle
    producer = oc.Producer(channel)
    for n in range(3):
        await producer.send({"n": n})
    assert not consumer.is_idle
    join = asyncio.get_running_loop().create_task(producer.wait_for_processing())
    await run_until(lambda: consumer.queue_size == 2)
    assert not join.done() and processed == []
    gate.set()
    await join
    assert processed == [0, 1, 2] and consumer.is_idle


async def test_join_in_synchronized_mode_returns_after_the_drain(registry: oc.ChannelRegistry) -> None:
    synchronizer = oc.Synchronizer()
    channel = await registry.create_channel(TickerChannel, "bt", synchronizer=synchronizer)
    processed: list = []

    async def record(message: dict) -> None:
        processed.append(message["n"])

    consumer = await channel.new_consumer(record, supervised=True)
    await channel.send({"n": 1})
    await asyncio.gather(consumer.join(), synchronizer.drain())
    assert processed == [1] and consumer.is_idle


async def test_every_consumer_tells_whether_it_is_idle(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(TickerChannel, "idle")
    gate = asyncio.Event()

    async def gated(message: dict) -> None:
        await gate.wait()

    consumer = await channel.new_consumer(gated)
    assert not isinstance(consumer, oc.SupervisedConsumer) and consumer.is_idle
    await channel.send({"n": 1})
    assert not consumer.is_idle  # queued
    await run_until(lambda: consumer.queue_size == 0)
    assert not consumer.is_idle  # its callback is running
    gate.set()
    await run_until(lambda: consumer.is_idle)
