"""Messages delivered per second: octobot-channel against async-channel and a raw asyncio.Queue baseline.

Run: ``python benchmarks/bench_channel.py [--json PATH] [--quick]``.

Cases: 1 producer -> 1, 4 and 16 consumers, without and with filters (half the consumers filter on
``symbol`` and the messages alternate two symbols, so a filtered consumer receives half of them), in
normal mode (the producer sends everything, then waits until every consumer processed everything) and in
synchronized mode (backtesting: each step sends one message and processes everything it caused before
the next step).

Baselines, measured in the same run:
- async-channel (PyPI). Normal mode: its Producer.send / consumer tasks; filtering through
  ``get_consumer_from_filters``, as OctoBot's producers do. Synchronized mode: async-channel's own
  synchronized channel drained by ``Producer.synchronized_perform_consumers_queue`` after each send (what
  OctoBot's backtesting uses); its normal mode driven to completion after each step is also reported.
- asyncio.Queue: one queue per consumer, a task per consumer in normal mode, inline draining in
  synchronized mode.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

try:
    import octobot_channel as oc
except ImportError:  # running from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import octobot_channel as oc

SYMBOLS = ("BTC/USDT", "ETH/USDT")
FILTERED_SYMBOL = "BTC/USDT"
QUEUE_SIZE = oc.DEFAULT_QUEUE_SIZE
ASYNC_CHANNEL = "async-channel"
ASYNC_CHANNEL_DRIVEN = "async-channel normal mode, driven per step"
QUEUE = "asyncio.Queue"


def make_messages(count: int) -> list[dict]:
    return [{"symbol": SYMBOLS[i % 2], "time_frame": "1m", "price": i} for i in range(count)]


def consumer_filters(consumers: int, filtered: bool) -> list[str | None]:
    """Which symbol each consumer filters on (None: no filter): half of them when ``filtered``."""
    if not filtered:
        return [None] * consumers
    return [FILTERED_SYMBOL if i % 2 == 0 else None for i in range(consumers)]


def expected_deliveries(messages: list[dict], filters: list[str | None]) -> int:
    return sum(sum(1 for m in messages if f is None or m["symbol"] == f) for f in filters)


class Counter:
    """Shared by every consumer of a run: counts deliveries and resolves ``done`` at the target."""

    def __init__(self, target: int) -> None:
        self.count = 0
        self.target = target
        self.done = asyncio.get_running_loop().create_future()

    def expect(self, target: int) -> None:
        self.target = target
        if self.count >= target:
            if not self.done.done():
                self.done.set_result(None)
        elif self.done.done():
            self.done = asyncio.get_running_loop().create_future()

    async def callback(self, message: dict) -> None:
        self.count += 1
        if self.count == self.target:
            self.done.set_result(None)

    async def kwargs_callback(self, **message: object) -> None:  # async-channel unpacks the message
        self.count += 1
        if self.count == self.target:
            self.done.set_result(None)


# --------------------------------------------------------------------------- octobot-channel
async def ours_normal(messages: list[dict], filters: list[str | None]) -> tuple[float, int]:
    class BenchChannel(oc.Channel):
        FILTER_FIELDS = ("symbol",)

    registry = oc.ChannelRegistry()
    channel = await registry.create_channel(BenchChannel, "bench")
    counter = Counter(expected_deliveries(messages, filters))
    for symbol in filters:
        await channel.new_consumer(
            counter.callback, filters={"symbol": symbol} if symbol else None, max_queue_size=QUEUE_SIZE
        )
    producer = oc.Producer(channel)
    await producer.start()
    start = time.process_time()
    for message in messages:
        await producer.send(message)
    await counter.done
    elapsed = time.process_time() - start
    await registry.clear()
    return elapsed, counter.count


async def ours_synchronized(messages: list[dict], filters: list[str | None]) -> tuple[float, int]:
    class BenchChannel(oc.Channel):
        FILTER_FIELDS = ("symbol",)

    registry = oc.ChannelRegistry()
    synchronizer = oc.Synchronizer()
    channel = await registry.create_channel(BenchChannel, "bench", synchronizer=synchronizer)
    counter = Counter(expected_deliveries(messages, filters))
    for symbol in filters:
        await channel.new_consumer(counter.callback, filters={"symbol": symbol} if symbol else None)
    producer = oc.Producer(channel)
    await producer.start()
    drain = synchronizer.drain
    start = time.process_time()
    for message in messages:
        await producer.send(message)
        await drain()
    elapsed = time.process_time() - start
    assert counter.done.done()
    await registry.clear()
    return elapsed, counter.count


# --------------------------------------------------------------------------- async-channel
def _async_channel_classes():
    import async_channel
    import async_channel.channels as channels

    class BenchProducer(async_channel.Producer):
        async def send_filtered(self, message: dict) -> None:
            for consumer in self.channel.get_consumer_from_filters({"symbol": message["symbol"]}):
                await consumer.queue.put(message)

    class BenchChannel(channels.Channel):
        PRODUCER_CLASS = BenchProducer
        CONSUMER_CLASS = async_channel.Consumer

    return async_channel, BenchChannel, BenchProducer


async def _async_channel_setup(filters: list[str | None], counter: Counter, synchronized: bool):
    async_channel, channel_class, producer_class = _async_channel_classes()
    channel = channel_class()
    channel.is_synchronized = synchronized
    for symbol in filters:
        await channel.new_consumer(
            counter.kwargs_callback, consumer_filters={"symbol": symbol or async_channel.CHANNEL_WILDCARD}
        )
    producer = producer_class(channel)
    await channel.register_producer(producer)
    filtered = any(filters)
    return channel, producer, (producer.send_filtered if filtered else producer.send)


async def async_channel_normal(messages: list[dict], filters: list[str | None]) -> tuple[float, int]:
    counter = Counter(expected_deliveries(messages, filters))
    channel, _, send = await _async_channel_setup(filters, counter, synchronized=False)
    start = time.process_time()
    for message in messages:
        await send(message)
    await counter.done
    elapsed = time.process_time() - start
    await channel.stop()
    await asyncio.sleep(0)  # let the cancelled consumer tasks finish
    return elapsed, counter.count


async def async_channel_synchronized(messages: list[dict], filters: list[str | None]) -> tuple[float, int]:
    counter = Counter(expected_deliveries(messages, filters))
    channel, producer, send = await _async_channel_setup(filters, counter, synchronized=True)
    perform = producer.synchronized_perform_consumers_queue
    start = time.process_time()
    for message in messages:
        await send(message)
        for level in (0, 1, 2):
            await perform(level, False, 0)
    elapsed = time.process_time() - start
    assert counter.done.done()
    await channel.stop()
    return elapsed, counter.count


async def async_channel_driven(messages: list[dict], filters: list[str | None]) -> tuple[float, int]:
    counter = Counter(0)
    channel, _, send = await _async_channel_setup(filters, counter, synchronized=False)
    target = 0
    start = time.process_time()
    for message in messages:
        target += sum(1 for f in filters if f is None or message["symbol"] == f)
        counter.expect(target)
        await send(message)
        await counter.done
    elapsed = time.process_time() - start
    await channel.stop()
    await asyncio.sleep(0)
    return elapsed, counter.count


# --------------------------------------------------------------------------- asyncio.Queue
async def queue_normal(messages: list[dict], filters: list[str | None]) -> tuple[float, int]:
    counter = Counter(expected_deliveries(messages, filters))
    callback = counter.callback
    queues = [asyncio.Queue(QUEUE_SIZE) for _ in filters]

    async def consume(queue: asyncio.Queue) -> None:
        while True:
            await callback(await queue.get())

    tasks = [asyncio.get_running_loop().create_task(consume(queue)) for queue in queues]
    routes = list(zip(queues, filters, strict=True))
    start = time.process_time()
    for message in messages:
        for queue, symbol in routes:
            if symbol is None or message["symbol"] == symbol:
                await queue.put(message)
    await counter.done
    elapsed = time.process_time() - start
    for task in tasks:
        task.cancel()
    await asyncio.wait(tasks)
    return elapsed, counter.count


async def queue_synchronized(messages: list[dict], filters: list[str | None]) -> tuple[float, int]:
    counter = Counter(expected_deliveries(messages, filters))
    callback = counter.callback
    routes = [(asyncio.Queue(), symbol) for symbol in filters]
    start = time.process_time()
    for message in messages:
        for queue, symbol in routes:
            if symbol is None or message["symbol"] == symbol:
                queue.put_nowait(message)
        for queue, _ in routes:
            while not queue.empty():
                await callback(queue.get_nowait())
    elapsed = time.process_time() - start
    return elapsed, counter.count


# --------------------------------------------------------------------------- driver
Runner = Callable[[list[dict], list[str | None]], Awaitable[tuple[float, int]]]


async def measure_once(runner: Runner, messages: list[dict], filters: list[str | None]) -> float:
    """One run, in deliveries per second; checks that every expected delivery happened."""
    expected = expected_deliveries(messages, filters)
    gc.collect()
    elapsed, delivered = await runner(messages, filters)
    if delivered != expected:
        raise RuntimeError(f"{runner.__name__} delivered {delivered} messages, expected {expected}")
    return delivered / elapsed


async def run(quick: bool) -> list[dict]:
    try:
        import async_channel  # noqa: F401

        has_async_channel = True
    except ImportError:
        has_async_channel = False
        print("async-channel is not installed: `pip install async-channel` to compare with it")
    repeats = 1 if quick else 3
    deliveries = 15_000 if quick else 40_000
    rows = []
    for mode in ("normal", "synchronized"):
        for consumers in (1, 4, 16):
            for filtered in (False, True):
                filters = consumer_filters(consumers, filtered)
                per_message = expected_deliveries(make_messages(2), filters) / 2
                count = int(deliveries / per_message) // 2 * 2
                if mode == "synchronized":
                    count = max(2, count // 2)  # one drain per message: fewer messages keep the run short
                messages = make_messages(count)
                # (name, runner, messages): the driven baseline is slow, a quarter of the messages will do
                runners: list[tuple[str, Runner, list[dict]]] = [
                    ("ours", ours_normal if mode == "normal" else ours_synchronized, messages)
                ]
                if has_async_channel and mode == "normal":
                    runners.append((ASYNC_CHANNEL, async_channel_normal, messages))
                elif has_async_channel:
                    runners.append((ASYNC_CHANNEL, async_channel_synchronized, messages))
                    driven = messages[: max(2, len(messages) // 4)]
                    runners.append((ASYNC_CHANNEL_DRIVEN, async_channel_driven, driven))
                runners.append((QUEUE, queue_normal if mode == "normal" else queue_synchronized, messages))
                best: dict[str, float] = {}
                for _ in range(repeats):  # interleaved, so a noisy moment does not hit one contender only
                    for name, runner, sample in runners:
                        best[name] = max(best.get(name, 0.0), await measure_once(runner, sample, filters))
                ours = best.pop("ours")
                case = f"{mode} 1->{consumers}{' filtered' if filtered else ''}"
                rows.append({"case": case, "unit": "msg/s", "ours": ours, "baselines": best})
    return rows


def print_table(rows: list[dict]) -> None:
    print(f"octobot-channel {oc.__version__}, COMPILED={oc.COMPILED}, Python {sys.version.split()[0]}")
    print("msg/s = messages delivered per second of process CPU time (best of 3 interleaved runs)")
    header = (
        f"{'case':<28}{'ours':>12}{'async-channel':>15}{'x':>7}{'ac driven':>12}{'x':>8}"
        f"{'asyncio.Queue':>15}{'x':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        baselines = row["baselines"]
        cells = [f"{row['case']:<28}", f"{row['ours']:>12,.0f}"]
        for key, width in ((ASYNC_CHANNEL, 15), (ASYNC_CHANNEL_DRIVEN, 12), (QUEUE, 15)):
            value = baselines.get(key)
            if value is None:
                cells.append(f"{'-':>{width}}{'':>{8 if key == ASYNC_CHANNEL_DRIVEN else 7}}")
            else:
                ratio = f"{row['ours'] / value:.1f}x"
                cells.append(f"{value:>{width},.0f}{ratio:>{8 if key == ASYNC_CHANNEL_DRIVEN else 7}}")
        print("".join(cells))
    print(
        "x = ours / baseline. Synchronized rows: async-channel = its synchronized channel drained with\n"
        "synchronized_perform_consumers_queue after each send; 'ac driven' = async-channel's normal mode\n"
        "driven to completion after each message (what a backtest would need without that primitive)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--quick", action="store_true", help="one short repeat per case (smoke run)")
    args = parser.parse_args()
    rows = asyncio.run(run(args.quick))
    print_table(rows)
    if args.json:
        payload = {"package": "octobot-channel", "compiled": oc.COMPILED, "rows": rows}
        args.json.write_text(json.dumps(payload, indent=2))
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
