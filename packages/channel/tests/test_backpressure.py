from __future__ import annotations

import asyncio

import octobot_channel as oc

from .helpers import run_until


class TickerChannel(oc.Channel):
    pass


async def test_full_queue_makes_send_wait_and_nothing_is_dropped(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    gate = asyncio.Event()
    received: list = []

    async def gated(message: dict) -> None:
        await gate.wait()
        received.append(message["n"])

    consumer = await channel.new_consumer(gated, max_queue_size=2, supervised=True)
    producer = oc.Producer(channel)
    sent: list = []

    async def produce() -> None:
        for n in range(10):
            await producer.send({"n": n})
            sent.append(n)

    task = asyncio.get_running_loop().create_task(produce())
    # one message in the callback, two queued: the fourth send must wait
    await run_until(lambda: consumer.queue_size == 2 and len(sent) == 3)
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(sent) == 3 and not task.done()
    assert consumer.queue_size == 2  # bounded: never grew past the limit
    gate.set()
    await task
    await consumer.join()
    assert received == list(range(10))


async def test_waiting_producer_is_released_when_the_consumer_is_removed(
    registry: oc.ChannelRegistry,
) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    never = asyncio.Event()

    async def stuck(message: dict) -> None:
        await never.wait()

    consumer = await channel.new_consumer(stuck, max_queue_size=1)
    others: list = []

    async def record(message: dict) -> None:
        others.append(message["n"])

    await channel.new_consumer(record, priority=oc.Priority.OPTIONAL)
    producer = oc.Producer(channel)

    async def produce() -> None:
        for n in range(4):
            await producer.send({"n": n})

    task = asyncio.get_running_loop().create_task(produce())
    await run_until(lambda: consumer.queue_size == 1 and consumer._task is not None)
    await run_until(lambda: len(consumer._putters) == 1)
    assert not task.done()
    await channel.remove_consumer(consumer)
    await task  # released: the remaining messages go to the other consumer
    await run_until(lambda: len(others) == 4)
    assert others == [0, 1, 2, 3]


async def test_cancelled_waiting_send_does_not_lose_the_wakeup(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    gate = asyncio.Event()
    received: list = []

    async def gated(message: dict) -> None:
        await gate.wait()
        received.append(message["n"])

    consumer = await channel.new_consumer(gated, max_queue_size=1, supervised=True)
    producer = oc.Producer(channel)
    await producer.send({"n": 0})
    await run_until(lambda: consumer.queue_size == 0)  # 0 is in the callback
    await producer.send({"n": 1})  # fills the queue
    doomed = asyncio.get_running_loop().create_task(producer.send({"n": 2}))
    survivor = asyncio.get_running_loop().create_task(producer.send({"n": 3}))
    await run_until(lambda: len(consumer._putters) == 2)
    doomed.cancel()
    gate.set()
    await survivor
    await consumer.join()
    assert doomed.cancelled()
    assert received == [0, 1, 3]


async def test_unbounded_queue(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    received: list = []

    async def record(message: dict) -> None:
        received.append(message["n"])

    consumer = await channel.new_consumer(record, max_queue_size=None, supervised=True)
    for n in range(10_000):
        await channel.send({"n": n})
    assert consumer.max_queue_size == 0 and consumer.queue_size == 10_000  # the producer never waited
    await consumer.join()
    assert received == list(range(10_000))
