from __future__ import annotations

import asyncio
import gc
import logging

import pytest

import octobot_channel as oc

from .helpers import Recorder, run_until


class TickerChannel(oc.Channel):
    pass


class RecordingProducer(oc.Producer):
    def __init__(self, channel: oc.Channel) -> None:
        super().__init__(channel)
        self.hooks: list[str] = []

    async def pause(self) -> None:
        await super().pause()
        self.hooks.append("pause")

    async def resume(self) -> None:
        await super().resume()
        self.hooks.append("resume")


async def test_pause_and_resume_follow_subscriptions(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    producer = RecordingProducer(channel)
    await producer.start()
    assert producer.is_running and producer.is_paused and channel.is_paused
    first = await channel.new_consumer(Recorder([]))
    assert not producer.is_paused and producer.hooks == ["resume"]
    second = await channel.new_consumer(Recorder([]))
    assert producer.hooks == ["resume"]  # already running: no second resume
    await channel.remove_consumer(first)
    assert not producer.is_paused and producer.hooks == ["resume"]
    await channel.remove_consumer(second)
    assert producer.is_paused and channel.is_paused
    assert producer.hooks == ["resume", "pause"]
    await channel.new_consumer(Recorder([]))
    assert producer.hooks == ["resume", "pause", "resume"] and not producer.is_paused
    await producer.stop()
    assert not producer.is_running and producer not in channel.producers


class ForgetfulProducer(oc.Producer):
    """Overrides the hooks without calling ``super()``."""

    async def pause(self) -> None:
        pass

    async def resume(self) -> None:
        pass


async def test_is_paused_follows_the_channel_even_when_hooks_skip_super(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    producer = ForgetfulProducer(channel)
    await producer.start()
    assert producer.is_paused
    consumer = await channel.new_consumer(Recorder([]))
    assert not producer.is_paused  # the channel calls channel_resumed(), which sets it before the hook
    await channel.remove_consumer(consumer)
    assert producer.is_paused


async def test_raising_consumer_is_logged_and_keeps_consuming(
    registry: oc.ChannelRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    processed: list = []

    async def fragile(message: dict) -> None:
        if message["price"] == 2:
            raise ValueError("bad price")
        processed.append(message["price"])

    healthy: list = []
    await channel.new_consumer(fragile, name="fragile", supervised=True)
    await channel.new_consumer(Recorder(healthy), supervised=True)
    producer = oc.Producer(channel)
    with caplog.at_level(logging.ERROR, logger="octobot_channel"):
        for price in (1, 2, 3):
            await producer.send({"price": price})
        await producer.wait_for_processing()
    assert processed == [1, 3]
    assert [m["price"] for m in healthy] == [1, 2, 3]
    failures = [r for r in caplog.records if r.exc_info and isinstance(r.exc_info[1], ValueError)]
    assert len(failures) == 1
    assert "fragile" in failures[0].getMessage() and "TickerChannel@exchange" in failures[0].getMessage()


async def test_slow_consumer_does_not_block_the_others(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    gate = asyncio.Event()
    slow_seen: list = []

    async def slow(message: dict) -> None:
        slow_seen.append(message["price"])
        await gate.wait()

    fast: list = []
    await channel.new_consumer(slow, priority=oc.Priority.HIGH)
    fast_consumer = await channel.new_consumer(Recorder(fast), priority=oc.Priority.OPTIONAL, supervised=True)
    for price in range(5):
        await channel.send({"price": price})
    await fast_consumer.join()
    assert [m["price"] for m in fast] == [0, 1, 2, 3, 4]
    assert slow_seen == [0]  # still stuck on the first message
    gate.set()
    await run_until(lambda: len(slow_seen) == 5)
    assert slow_seen == [0, 1, 2, 3, 4]


async def test_stop_leaves_no_pending_task(
    registry: oc.ChannelRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    never = asyncio.Event()
    started = asyncio.Event()

    async def stuck(message: dict) -> None:
        started.set()
        await never.wait()

    await channel.new_consumer(stuck)
    await channel.new_consumer(Recorder([]))
    producer = oc.Producer(channel)

    async def background() -> None:
        await never.wait()

    producer.create_task(background())
    await producer.send({"price": 1})
    await started.wait()
    before = asyncio.all_tasks() - {asyncio.current_task()}
    assert len(before) >= 3  # two consumer tasks and the producer's
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        await registry.delete_channel(TickerChannel, "exchange")
        assert asyncio.all_tasks() == {asyncio.current_task()}
        assert all(task.done() for task in before)
        del before
        gc.collect()
    assert not [r for r in caplog.records if "destroyed" in r.getMessage()]
    assert channel.is_closed and channel.consumers == () and channel.producers == ()
    with pytest.raises(oc.ChannelClosedError, match="TickerChannel@exchange"):
        await producer.send({"price": 2})


async def test_clean_stop_in_a_fresh_loop() -> None:
    """A whole run in its own loop: asyncio reports a leaked task on close; we check nothing is reported."""
    reported: list = []

    async def scenario() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context))
        registry = oc.ChannelRegistry()
        channel = await registry.create_channel(TickerChannel, "exchange")
        await channel.new_consumer(Recorder([]))
        await channel.send({"price": 1})
        await registry.clear()

    await asyncio.to_thread(asyncio.run, scenario())
    gc.collect()
    assert reported == []


@pytest.mark.parametrize("mode", ["normal", "synchronized"])
async def test_remove_consumer_from_its_own_callback(registry: oc.ChannelRegistry, mode: str) -> None:
    synchronizer = oc.Synchronizer() if mode == "synchronized" else None
    channel = await registry.create_channel(TickerChannel, "exchange", synchronizer=synchronizer)
    seen: list = []
    consumer = None

    async def quitter(message: dict) -> None:
        seen.append(message["price"])
        if message["price"] == 2:
            await channel.remove_consumer(consumer)

    consumer = await channel.new_consumer(quitter)
    others: list = []
    witness = await channel.new_consumer(Recorder(others), priority=oc.Priority.OPTIONAL, supervised=True)
    for price in range(1, 6):
        await channel.send({"price": price})
    if synchronizer is not None:
        await synchronizer.drain()
    else:
        await witness.join()
        await run_until(lambda: consumer.is_stopped)
    assert seen == [1, 2]
    assert [m["price"] for m in others] == [1, 2, 3, 4, 5]
    assert channel.consumers == (witness,) and consumer.is_stopped
    await channel.send({"price": 6})  # the channel goes on without it
    if synchronizer is not None:
        await synchronizer.drain()
    else:
        await witness.join()
    assert seen == [1, 2] and len(others) == 6
    assert asyncio.all_tasks() - {asyncio.current_task()} <= ({witness._task} if witness._task else set())


async def test_remove_consumer_mid_stream(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    gate = asyncio.Event()
    seen: list = []

    async def gated(message: dict) -> None:
        seen.append(message["price"])
        await gate.wait()

    consumer = await channel.new_consumer(gated)
    for price in range(3):
        await channel.send({"price": price})
    await run_until(lambda: seen == [0])
    await channel.remove_consumer(consumer)  # cancels the callback in flight, drops the backlog
    assert consumer.is_stopped and consumer.queue_size == 0
    await channel.remove_consumer(consumer)  # idempotent
    gate.set()
    await channel.send({"price": 9})
    assert seen == [0]


async def test_consumer_survives_an_outside_cancellation(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(TickerChannel, "exchange")
    gate = asyncio.Event()
    seen: list = []

    async def gated(message: dict) -> None:
        await gate.wait()
        seen.append(message["price"])

    consumer = await channel.new_consumer(gated, supervised=True)
    await channel.send({"price": 1})
    await channel.send({"price": 2})
    await run_until(lambda: consumer.queue_size == 1)  # 1 is in the callback
    # someone cancels every other task (a careless shutdown routine)
    others = asyncio.all_tasks() - {asyncio.current_task()}
    for task in others:
        task.cancel()
    await asyncio.wait(others)
    assert seen == []
    gate.set()
    await channel.send({"price": 3})  # a new task picks up 2 (still queued) and 3
    await consumer.join()
    assert seen == [2, 3]
