"""A bot of the default profile running on real BTC/USDT hourly candles, fed step by step (simulated clock,
synchronized channels: every candle's evaluations, decisions and fills are done when `feed` returns)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np

import octobot
import octobot_backtesting as ob
import octobot_channel as oc
from octobot.bot import OctoBot

HOUR_MS = 3_600_000


def hour_candles(path: Path) -> np.ndarray:
    with ob.DataFileReader(path) as reader:
        return reader.read_ohlcv("BTC/USDT", "1h")


class FedBot:
    """``bot`` and the means to move its market forward."""

    def __init__(self, bot: OctoBot, clock: ob.SimulatedClock, sync: oc.Synchronizer, candles: np.ndarray):
        self.bot = bot
        self.clock = clock
        self.sync = sync
        self.candles = candles
        self.position = 0

    @property
    def manager(self):  # the one exchange of the default profile
        return self.bot.exchange_managers["binance"]

    async def feed(self, count: int) -> None:
        """Close the next ``count`` candles (each visible at its close) and let the chain act on them."""
        for row in self.candles[self.position : self.position + count]:
            self.clock.advance_to(int(row[0]) + HOUR_MS)
            await self.manager.push_candle("BTC/USDT", "1h", [int(row[0]), *map(float, row[1:])])
            await self.sync.drain()
        self.position += count

    async def settle(self) -> None:
        """Deliver what a command sent on the channels (synchronized mode queues it)."""
        await self.sync.drain()


def default_profile(home: octobot.UserHome, name: str = "default") -> octobot.Profile:
    registry = octobot.TentacleRegistry.discover(home.tentacles)
    return octobot.load_profile(name, registry, home)


@asynccontextmanager
async def fed_bot(
    profile: octobot.Profile, candles: np.ndarray, user_config: octobot.UserConfig | None = None
) -> AsyncIterator[FedBot]:
    sync = oc.Synchronizer()
    clock = ob.SimulatedClock(int(candles[0][0]))
    bot = OctoBot(profile, clock=clock, synchronizer=sync, user_config=user_config)
    await bot.start()
    try:
        yield FedBot(bot, clock, sync, candles)
    finally:
        await bot.stop()
