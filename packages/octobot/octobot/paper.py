"""Paper trading: live market data through the live connector, orders filled by the exchange simulator,
the simulated account kept in a state file so that a restart continues where it stopped.

Why the simulated account is persisted like a real one: a user rehearsing a strategy for days must not
lose its open orders and history to a reboot or a crash; the same state store and restore code serve
live trading.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, TextIO

import octobot_trading as ot
from octobot.bot import OctoBot
from octobot.errors import BotError
from octobot.home import UserHome
from octobot.live_exchange import LiveMarketLink
from octobot.profile import Profile
from octobot.runner import run_until_signalled
from octobot.status_line import StatusLine
from octobot.user_config import UserConfig
from octobot_trading.ccxt_connector import CcxtLiveConnector, ExchangeError, LiveFeed

logger = logging.getLogger(__name__)

PAPER = "paper"
LIVE = "live"


def state_path(
    home: UserHome, profile: Profile, exchange: str, mode: str, folder: Path | None = None
) -> Path:
    """Where the account of (profile, exchange) is kept:
    ``<home>/data/state/<profile>-<exchange>-<mode>.sqlite`` (or in ``folder``)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{profile.name}-{exchange}-{mode}")
    return (folder or home.data / "state") / f"{name}.sqlite"


def exchange_url_config(url: str, api_key: str | None = None, secret: str | None = None) -> dict[str, Any]:
    """ccxt constructor arguments pointing every REST and websocket base at ``url`` (an emulator, a
    proxy): ``http://127.0.0.1:PORT``."""
    if not re.match(r"^https?://[^/\s]+$", url.rstrip("/")):
        raise BotError(f"--exchange-url {url!r} is not a base URL; expected e.g. http://127.0.0.1:8000")
    from octobot_exchange_emulator import ccxt_config

    config = ccxt_config(url.rstrip("/"), api_key or "", secret or "")
    if not api_key:
        config.pop("apiKey", None)
        config.pop("secret", None)
    return config


async def run_linked_bot(
    profile: Profile,
    factory: Any,
    sources: Any,
    link: LiveMarketLink,
    connectors: dict[str, CcxtLiveConnector],
    user_config: UserConfig | None = None,
) -> None:
    """Run a bot fed by ``link`` until a signal, then close its exchange connections (paper and live);
    ``user_config`` gives its services their secrets."""
    try:
        bot = OctoBot(
            profile,
            exchange_factory=factory,
            history_loader=link.load_history,
            market_data_sources=sources,
            user_config=user_config,
        )
        await run_until_signalled(bot)
    finally:
        for connector in connectors.values():
            await connector.stop()
        await link.close()


class ExchangeClock:
    """The exchange's clock (the local clock corrected by the measured offset): orders are dated on
    the same clock as the candles that fill them, even when the exchange replays the past."""

    def __init__(self, connector: CcxtLiveConnector) -> None:
        self.connector = connector

    def now_ms(self) -> int:
        return self.connector.server_time_ms()


async def run_paper(
    profile: Profile,
    user_config: UserConfig,
    home: UserHome,
    out: TextIO,
    *,
    exchange_url: str | None = None,
    state_folder: Path | None = None,
) -> None:
    """Run ``profile`` in paper trading until SIGINT/SIGTERM (see module docstring)."""
    overrides = exchange_url_config(exchange_url) if exchange_url else None
    link = LiveMarketLink(profile, user_config, overrides)
    connectors: dict[str, CcxtLiveConnector] = {}

    async def factory(profile: Profile, exchange: str, exchange_id: str) -> ot.ExchangeManager:
        connector = connectors[exchange] = CcxtLiveConnector(exchange, config=link.ccxt_config(exchange))
        try:
            await connector.start()
        except ExchangeError as error:
            raise BotError(f"{exchange}: {error}") from error
        markets = await link.markets(profile, exchange)
        simulator = ot.ExchangeSimulator(
            markets, fee_model=ot.FeeModel(maker=profile.maker_fee, taker=profile.taker_fee)
        )
        path = state_path(home, profile, exchange, PAPER, state_folder)
        logger.info("%s: paper account kept in %s", exchange_id, path)
        return ot.PersistentExchangeManager(
            exchange,
            markets,
            portfolio=dict(profile.starting_portfolio),
            connector=simulator,
            clock=ExchangeClock(connector),
            exchange_id=exchange_id,
            reference_market=profile.reference_market,
            state_path=path,
        )

    def sources(exchange: str, manager: ot.ExchangeManager) -> list[ot.MarketDataSource]:
        smallest = min(profile.time_frames, key=lambda tf: ot.parse_time_frame(tf).ms)
        return [
            StatusLine(manager, list(profile.pairs), smallest, out),
            LiveFeed(
                connectors[exchange],
                symbols=list(profile.pairs),
                time_frames=list(profile.time_frames),
                ticker=True,
            ),
        ]

    await run_linked_bot(profile, factory, sources, link, connectors, user_config)
