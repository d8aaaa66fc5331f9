"""Routing against a brute-force oracle: every consumer whose filters match, in priority order."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

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


async def test_routes_follow_subscription_changes_after_messages(registry: oc.ChannelRegistry) -> None:
    """The consumers resolved for a combination of values are kept between sends: a subscription change
    must make the next send of the same values see the new set of consumers."""
    synchronizer = oc.Synchronizer()
    channel = await registry.create_channel(OHLCVChannel, "exchange", synchronizer=synchronizer)
    got: list = []

    def recorder(name: str) -> Callable[[dict], Awaitable[None]]:
        async def record(message: dict) -> None:
            got.append((name, message["n"]))

        return record

    message = {"symbol": "BTC/USDT", "time_frame": "1h"}
    btc = await channel.new_consumer(recorder("btc"), filters={"symbol": "BTC/USDT"})
    await channel.send({**message, "n": 0})
    await synchronizer.drain()
    hourly = await channel.new_consumer(
        recorder("hourly"), priority=oc.Priority.MEDIUM, filters={"time_frame": "1h"}
    )
    await channel.send({**message, "n": 1})
    await synchronizer.drain()
    await channel.remove_consumer(btc)
    await channel.send({**message, "n": 2})
    await synchronizer.drain()
    await channel.remove_consumer(hourly)
    await channel.new_consumer(recorder("any"))
    await channel.send({**message, "n": 3})
    await synchronizer.drain()
    assert got == [("btc", 0), ("btc", 1), ("hourly", 1), ("hourly", 2), ("any", 3)]


async def test_routes_stay_right_past_the_kept_combinations(registry: oc.ChannelRegistry) -> None:
    """More distinct filtered values than the channel keeps routes for: it starts over, still exact."""
    synchronizer = oc.Synchronizer()
    channel = await registry.create_channel(oc.Channel, "exchange", synchronizer=synchronizer)
    got: list = []

    async def even(message: dict) -> None:
        got.append(message["value"])

    await channel.new_consumer(even, filters={"value": list(range(0, 10_000, 2))})
    values = [*range(oc.ROUTE_CACHE_SIZE + 100), 1, 2, 3, 4]
    for value in values:
        await channel.send({"value": value})
    await synchronizer.drain()
    assert got == [value for value in values if value % 2 == 0]
