from __future__ import annotations

import pytest

import octobot_channel as oc

from .helpers import Recorder


class OHLCVChannel(oc.Channel):
    FILTER_FIELDS = ("symbol", "time_frame")


def candle(symbol: str, time_frame: str, close: int) -> dict:
    return {"symbol": symbol, "time_frame": time_frame, "close": close}


@pytest.fixture(params=["normal", "synchronized"])
async def channel(request, registry: oc.ChannelRegistry):
    synchronizer = oc.Synchronizer() if request.param == "synchronized" else None
    return await registry.create_channel(OHLCVChannel, "exchange", synchronizer=synchronizer)


async def settle(channel: oc.Channel) -> None:
    """Process everything sent so far, in either mode."""
    if channel.is_synchronized:
        await channel.synchronizer.drain()
    else:
        await channel.get_internal_producer().wait_for_processing()


async def test_delivery_order_follows_priority(channel: oc.Channel) -> None:
    log: list = []
    # subscribed in reverse priority order on purpose
    for label, priority in (("optional", oc.Priority.OPTIONAL), ("medium", oc.Priority.MEDIUM)):
        await channel.new_consumer(Recorder(log, label), priority=priority, supervised=True)
    await channel.new_consumer(Recorder(log, "high"), priority=oc.Priority.HIGH, supervised=True)
    await channel.new_consumer(Recorder(log, "high-2"), priority=oc.Priority.HIGH, supervised=True)
    assert [c.priority for c in channel.consumers] == [
        oc.Priority.HIGH,
        oc.Priority.HIGH,
        oc.Priority.MEDIUM,
        oc.Priority.OPTIONAL,
    ]
    await channel.send(candle("BTC/USDT", "1h", 1))
    await settle(channel)
    assert [label for label, _ in log] == ["high", "high-2", "medium", "optional"]


async def test_filters_and_wildcard(channel: oc.Channel) -> None:
    btc_any, btc_1h, eth_1h, everything, majors = [], [], [], [], []
    await channel.new_consumer(
        Recorder(btc_any), filters={"symbol": "BTC/USDT", "time_frame": oc.WILDCARD}, supervised=True
    )
    await channel.new_consumer(
        Recorder(btc_1h), filters={"symbol": "BTC/USDT", "time_frame": "1h"}, supervised=True
    )
    await channel.new_consumer(Recorder(eth_1h), filters={"symbol": "ETH/USDT", "time_frame": "1h"})
    await channel.new_consumer(Recorder(everything), supervised=True)
    await channel.new_consumer(Recorder(majors), filters={"symbol": ["BTC/USDT", "ETH/USDT"]})
    sent = [
        candle("BTC/USDT", "1h", 1),
        candle("BTC/USDT", "4h", 2),
        candle("ETH/USDT", "1h", 3),
        candle("SOL/USDT", "1h", 4),
    ]
    for message in sent:
        await channel.send(message)
    await settle(channel)
    if not channel.is_synchronized:  # the unsupervised ones are not joined: let them finish too
        from .helpers import run_until

        await run_until(lambda: len(eth_1h) == 1 and len(majors) == 3)
    assert [m["close"] for m in btc_any] == [1, 2]
    assert [m["close"] for m in btc_1h] == [1]
    assert [m["close"] for m in eth_1h] == [3]
    assert [m["close"] for m in everything] == [1, 2, 3, 4]
    assert [m["close"] for m in majors] == [1, 2, 3]
    assert channel.get_consumers(symbol="BTC/USDT", time_frame="4h") == [channel.consumers[0]] + [
        c for c in channel.consumers[3:]
    ]


async def test_exclude_the_originator(channel: oc.Channel) -> None:
    first, second = [], []
    originator = await channel.new_consumer(Recorder(first), supervised=True)
    await channel.new_consumer(Recorder(second), supervised=True)
    producer = oc.Producer(channel)
    await producer.send(candle("BTC/USDT", "1h", 1), exclude=originator)
    await producer.send(candle("BTC/USDT", "1h", 2))
    await settle(channel)
    assert [m["close"] for m in first] == [2]
    assert [m["close"] for m in second] == [1, 2]


async def test_missing_filtered_field_is_a_clear_error(channel: oc.Channel) -> None:
    received: list = []
    await channel.new_consumer(Recorder(received), supervised=True)
    await channel.new_consumer(Recorder([]), filters={"symbol": "BTC/USDT"}, name="btc-watcher")
    with pytest.raises(oc.MissingMessageFieldError) as caught:
        await channel.send({"time_frame": "1h", "close": 1})
    error = caught.value
    assert (error.channel, error.field, error.consumer) == ("OHLCVChannel@exchange", "symbol", "btc-watcher")
    assert "symbol" in str(error) and "btc-watcher" in str(error) and "OHLCVChannel@exchange" in str(error)
    await settle(channel)
    assert received == []  # nothing was half delivered


async def test_wildcard_filter_still_requires_the_field(channel: oc.Channel) -> None:
    await channel.new_consumer(Recorder([]), filters={"time_frame": oc.WILDCARD}, name="any-tf")
    with pytest.raises(oc.MissingMessageFieldError, match="time_frame"):
        await channel.send({"symbol": "BTC/USDT"})


async def test_expected_fields_are_checked(channel: oc.Channel) -> None:
    await channel.new_consumer(Recorder([]), expected_fields=("close",), name="closer")
    with pytest.raises(oc.MissingMessageFieldError) as caught:
        await channel.send({"symbol": "BTC/USDT", "time_frame": "1h"})
    assert caught.value.field == "close" and caught.value.consumer == "closer"
    await channel.send(candle("BTC/USDT", "1h", 5))  # complete message: accepted


async def test_filter_on_undeclared_field_is_rejected(channel: oc.Channel) -> None:
    with pytest.raises(oc.InvalidFilterError, match=r"exchange_name.*symbol"):
        await channel.new_consumer(Recorder([]), filters={"exchange_name": "binance"})
    assert channel.consumers == ()


async def test_bad_consumer_arguments(channel: oc.Channel) -> None:
    def not_async(message: dict) -> None:
        return None

    with pytest.raises(oc.InvalidConsumerError, match="async def"):
        await channel.new_consumer(not_async)
    with pytest.raises(oc.InvalidConsumerError, match="priority"):
        await channel.new_consumer(Recorder([]), priority=7)
    with pytest.raises(oc.InvalidConsumerError, match="max_queue_size"):
        await channel.new_consumer(Recorder([]), max_queue_size=-1)
    with pytest.raises(oc.InvalidMessageError, match="list"):
        await channel.send(["not", "a", "dict"])


async def test_internal_consumer(channel: oc.Channel) -> None:
    class CloseCollector(oc.InternalConsumer):
        def __init__(self) -> None:
            super().__init__(filters={"symbol": "BTC/USDT"}, priority=oc.Priority.MEDIUM)
            self.closes: list = []

        async def consume(self, message: dict) -> None:
            self.closes.append(message["close"])

    collector = await channel.add_consumer(CloseCollector())
    probe = await channel.new_consumer(Recorder([]), priority=oc.Priority.OPTIONAL, supervised=True)
    await channel.send(candle("BTC/USDT", "1h", 1))
    await channel.send(candle("ETH/USDT", "1h", 2))
    await channel.send(candle("BTC/USDT", "1h", 3))
    await settle(channel)
    if not channel.is_synchronized:
        from .helpers import run_until

        await run_until(lambda: len(collector.closes) == 2)
    assert collector.closes == [1, 3]
    assert collector.name == "CloseCollector" and probe.queue_size == 0
    with pytest.raises(oc.InvalidConsumerError, match="already attached"):
        await channel.add_consumer(collector)


async def test_push_sends_keyword_fields(channel: oc.Channel) -> None:
    received: list = []
    await channel.new_consumer(Recorder(received), supervised=True)
    await channel.get_internal_producer().push(symbol="BTC/USDT", time_frame="1m", close=9)
    await settle(channel)
    assert received == [candle("BTC/USDT", "1m", 9)]
