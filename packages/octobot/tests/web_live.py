"""A bot of the default profile on real BTC/USDT candles with the web interface started by the bot (as
`octobot run --web` does), on an ephemeral loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import octobot
from octobot.web.interface import WebInterface
from octobot.web.launch import with_web_interface

from .live_bot import FedBot, default_profile, fed_bot, hour_candles

#: after this many candles the default profile holds BTC bought by its entry (see test_bot_control)
HOLDING_AFTER = 170


@asynccontextmanager
async def web_bot(home: octobot.UserHome, data_file: Path) -> AsyncIterator[tuple[FedBot, str]]:
    """The fed bot and the base URL of its web interface."""
    profile = default_profile(home)
    with_web_interface(profile, octobot.TentacleRegistry.discover(home.tentacles), home, port=0)
    async with fed_bot(profile, hour_candles(data_file)) as fed:
        interface = fed.bot.interfaces["WebInterface"]
        assert isinstance(interface, WebInterface) and interface.server is not None
        yield fed, interface.server.url


async def far_order(fed: FedBot) -> str:
    """A buy limit order far below the market (it stays open): its id."""
    price = fed.manager.last_price("BTC/USDT")
    assert price is not None
    order = await fed.manager.trader.create_order("BTC/USDT", "buy", "limit", Decimal("0.001"), price / 2)
    await fed.settle()
    return str(order.order_id)


async def market_buy(fed: FedBot) -> str:
    """A small market buy (filled at once: one trade): its order id."""
    order = await fed.manager.trader.create_order("BTC/USDT", "buy", "market", Decimal("0.001"))
    await fed.settle()
    return str(order.order_id)
