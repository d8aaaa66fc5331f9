"""Routing against a brute-force oracle: every consumer whose filters match, in priority order."""

from __future__ import annotations

import random

import pytest

import octobot_channel as oc

SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "ADA/USDT", "XRP/USDT"]
TIME_FRAMES = ["1m", "1h", "4h"]


class OHLCVChannel(oc.Channel):
    FILTER_FIELDS = ("symbol", "time_frame")


def random_filters(rng: random.Random) -> dict | None:
    shape = rng.randrange(6)
    if shape == 0:
        return None
    if shape == 1:
        return {"symbol": rng.choice(SYMBOLS)}
    if shape == 2:
        return {"symbol": rng.choice(SYMBOLS), "time_frame": rng.choice(TIME_FRAMES)}
    if shape == 3:
        return {"symbol": oc.WILDCARD, "time_frame": rng.choice(TIME_FRAMES)}
    if shape == 4:
        return {"symbol": rng.sample(SYMBOLS, 2)}
    return {"time_frame": [rng.choice(TIME_FRAMES), oc.WILDCARD]}


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_routing_matches_the_oracle(registry: oc.ChannelRegistry, seed: int) -> None:
    rng = random.Random(seed)
    synchronizer = oc.Synchronizer()
    channel = await registry.create_channel(OHLCVChannel, "exchange", synchronizer=synchronizer)
    received: list = []
    consumers = []
    for number in range(40):

        async def record(message: dict, number: int = number) -> None:
            received.append((number, message["n"]))

        consumer = await channel.new_consumer(
            record, priority=rng.choice(list(oc.Priority)), filters=random_filters(rng), name=str(number)
        )
        consumers.append(consumer)
    # remove a few, as a bot does when it reconfigures
    for consumer in rng.sample(consumers, 5):
        await channel.remove_consumer(consumer)
    alive = list(channel.consumers)
    for n in range(60):
        message = {
            "symbol": rng.choice([*SYMBOLS, "DOGE/USDT"]),
            "time_frame": rng.choice(TIME_FRAMES),
            "n": n,
        }
        exclude = rng.choice([None, None, *alive])
        await channel.send(message, exclude=exclude)
        await synchronizer.drain()
        expected = [(int(c.name), n) for c in alive if c is not exclude and c.matches(message)]
        got = [entry for entry in received if entry[1] == n]
        assert got == expected  # same consumers, in priority (then subscription) order


async def test_unhashable_value_still_routes(registry: oc.ChannelRegistry) -> None:
    synchronizer = oc.Synchronizer()
    channel = await registry.create_channel(oc.Channel, "exchange", synchronizer=synchronizer)
    got: list = []

    async def record(message: dict) -> None:
        got.append(message["key"])

    await channel.new_consumer(record, filters={"key": "a"})
    await channel.new_consumer(record, filters={"key": [["x"], "b"]})  # unhashable accepted value
    await channel.new_consumer(record, filters={"key": ["c", "d"]})  # hashable ones: a set inside
    for key in ("a", ["x"], "b", ["y"], "d"):
        await channel.send({"key": key})
    await synchronizer.drain()
    assert got == ["a", ["x"], "b", "d"]


async def test_get_consumers_and_modify(registry: oc.ChannelRegistry) -> None:
    channel = await registry.create_channel(OHLCVChannel, "exchange")

    async def noop(message: dict) -> None:
        return None

    high = await channel.new_consumer(noop, filters={"symbol": "BTC/USDT"})
    medium = await channel.new_consumer(noop, priority=oc.Priority.MEDIUM)
    optional = await channel.new_consumer(noop, priority=oc.Priority.OPTIONAL, filters={"symbol": "ETH/USDT"})
    assert channel.get_consumers() == [high, medium, optional]
    assert channel.get_consumers(symbol="ETH/USDT") == [medium, optional]
    assert channel.get_consumers(priority=oc.Priority.MEDIUM, symbol="ETH/USDT") == [medium]
    hourly = await channel.new_consumer(noop, filters={"symbol": "ETH/USDT", "time_frame": "1h"})
    # fields left out of the selection are not checked
    assert channel.get_consumers(symbol="ETH/USDT") == [hourly, medium, optional]
    assert channel.get_consumers(symbol="ETH/USDT", time_frame="4h") == [medium, optional]
    assert hourly.accepts({"time_frame": "1h"}) and not hourly.matches({"time_frame": "1h"})

    class Configurable(oc.Producer):
        async def modify(self, **kwargs: object) -> None:
            self.changes = kwargs

    producer = Configurable(channel)
    await channel.modify(refresh=True)
    assert producer.changes == {"refresh": True}
