"""A short, self-explaining tour of octobot_channel: ``python -m octobot_channel.demo``.

It builds a ticker channel with consumers at several priorities and filters, runs it in normal mode (a
task per consumer), then replays the same prices in synchronized mode, where a driver drains everything,
cascades included, level by level and deterministically.
"""

from __future__ import annotations

import asyncio
from typing import TypedDict

import octobot_channel as oc


class Tick(TypedDict):
    symbol: str
    price: int


PRICES: tuple[Tick, ...] = (
    {"symbol": "BTC/USDT", "price": 64_000},
    {"symbol": "ETH/USDT", "price": 3_100},
    {"symbol": "BTC/USDT", "price": 64_250},
)


class TickerChannel(oc.Channel):
    """Last prices of an exchange; consumers may filter on the symbol."""

    FILTER_FIELDS = ("symbol",)


class SignalChannel(oc.Channel):
    """Signals computed from prices: lives in another scope (an evaluation matrix)."""


class TickerProducer(oc.Producer):
    """An internal producer: its own typed ``push`` builds the message."""

    async def push(self, symbol: str, price: int) -> None:
        await self.send({"symbol": symbol, "price": price})

    async def pause(self) -> None:
        await super().pause()
        print(f"  [producer] paused: {self.channel.full_name} has no consumer")

    async def resume(self) -> None:
        await super().resume()
        print(f"  [producer] resumed: {self.channel.full_name} has a consumer")


def printer(label: str) -> oc.Callback:
    async def show(message: dict) -> None:
        print(f"  {label:<34} got {message}")

    show.__qualname__ = label
    return show


async def normal_mode() -> None:
    print("1) normal mode: each consumer has its own queue and task")
    registry = oc.ChannelRegistry()
    ticker = await registry.create_channel(TickerChannel, "binance")
    producer = TickerProducer(ticker)
    await producer.start()
    dashboard = oc.SupervisedConsumer(
        printer("OPTIONAL dashboard (all symbols)"), priority=oc.Priority.OPTIONAL
    )
    await ticker.add_consumer(dashboard)
    btc = oc.SupervisedConsumer(printer("HIGH BTC price cache"), filters={"symbol": "BTC/USDT"})
    await ticker.add_consumer(btc)
    for tick in PRICES:
        await producer.push(**tick)
    await btc.join()  # supervised consumers: wait until they processed everything sent so far
    await dashboard.join()
    await ticker.remove_consumer(btc)
    await ticker.remove_consumer(dashboard)  # the last one: the producer is paused
    await registry.clear()  # stops every task of every channel
    print()


async def synchronized_mode() -> None:
    print("2) synchronized mode: no tasks; drain() runs HIGH, then MEDIUM, then OPTIONAL, cascades included")
    registry = oc.ChannelRegistry()
    sync = oc.Synchronizer("backtest")
    ticker = await registry.create_channel(TickerChannel, "binance", synchronizer=sync)
    signals = await registry.create_channel(SignalChannel, "matrix", synchronizer=sync)
    last: dict[str, int] = {}

    async def evaluator(message: dict) -> None:
        previous = last.get(message["symbol"])
        last[message["symbol"]] = message["price"]
        if previous is not None:
            trend = 1 if message["price"] > previous else -1
            print(f"  MEDIUM evaluator: {message['symbol']} trend {trend:+d} -> signal channel")
            await signals.send({"symbol": message["symbol"], "trend": trend})

    await ticker.new_consumer(printer("OPTIONAL dashboard"), priority=oc.Priority.OPTIONAL)
    await ticker.new_consumer(evaluator, priority=oc.Priority.MEDIUM)
    await ticker.new_consumer(printer("HIGH price cache"), priority=oc.Priority.HIGH)
    await signals.new_consumer(printer("HIGH strategy (matrix scope)"), priority=oc.Priority.HIGH)
    producer = oc.Producer(ticker)
    for step, tick in enumerate(PRICES, start=1):
        await producer.send(dict(tick))
        print(f"  step {step}: sent {tick}, nothing ran yet; draining")
        processed = await sync.drain()
        print(f"  step {step}: drained {processed} deliveries")
    await registry.clear()


async def main() -> None:
    print(f"octobot_channel demo (compiled build: {oc.COMPILED})\n")
    await normal_mode()
    await synchronized_mode()


if __name__ == "__main__":
    asyncio.run(main())
