from __future__ import annotations

import asyncio
import logging

import pytest

import octobot_channel as oc

from .helpers import Recorder


class TickerChannel(oc.Channel):
    pass


async def test_background_task_failure_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    channel = TickerChannel("exchange")
    producer = oc.Producer(channel)

    async def broken() -> None:
        raise ConnectionError("websocket closed")

    with caplog.at_level(logging.ERROR, logger="octobot_channel"):
        task = producer.create_task(broken())
        await asyncio.wait((task,))
    assert any(
        "TickerChannel@exchange" in r.getMessage() and isinstance(r.exc_info[1], ConnectionError)
        for r in caplog.records
        if r.exc_info
    )
    await channel.stop()


async def test_push_builds_the_message_from_keywords() -> None:
    channel = TickerChannel()
    received: list = []
    consumer = await channel.new_consumer(Recorder(received), supervised=True)
    producer = oc.Producer(channel)
    with pytest.raises(TypeError, match="keyword"):
        await producer.push("BTC/USDT")
    await producer.push(symbol="BTC/USDT", price=1)
    await consumer.join()
    assert received == [{"symbol": "BTC/USDT", "price": 1}]
    assert channel.full_name == "TickerChannel" and channel.scope is None  # usable without a registry
    await channel.stop()


async def test_an_override_of_send_is_used_by_every_caller() -> None:
    """``send`` is a C call in the compiled build: a Python override must still run, through ``push``
    and ``Channel.send`` (both call it from C) as through a direct call."""

    class StampingProducer(oc.Producer):
        def send(self, message, exclude=None):  # type: ignore[no-untyped-def]
            return super().send({**message, "stamped": True}, exclude)

    channel = TickerChannel()
    received: list = []
    consumer = await channel.new_consumer(Recorder(received), supervised=True)
    channel.internal_producer = StampingProducer(channel)
    await channel.internal_producer.push(price=1)
    await channel.send({"price": 2})
    await channel.internal_producer.send({"price": 3})
    await consumer.join()
    assert received == [{"price": price, "stamped": True} for price in (1, 2, 3)]
    await channel.stop()


async def test_a_stopped_channel_refuses_everything() -> None:
    channel = TickerChannel("exchange")
    await channel.stop()
    await channel.stop()  # idempotent
    with pytest.raises(oc.ChannelClosedError):
        oc.Producer(channel)
    with pytest.raises(oc.ChannelClosedError):
        await channel.send({"price": 1})
    with pytest.raises(oc.ChannelClosedError):
        await channel.new_consumer(Recorder([]))


async def test_register_a_built_channel(registry: oc.ChannelRegistry) -> None:
    channel = TickerChannel("bot-1", name="Ticker")
    assert registry.register(channel) is channel
    assert registry.get_channel("Ticker", "bot-1") is channel
    with pytest.raises(oc.ChannelExistsError):
        registry.register(TickerChannel("bot-1", name="Ticker"))
