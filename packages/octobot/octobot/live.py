"""Live trading: real orders through the live ccxt connector, the account kept in a state file and
reconciled with the exchange at start and after every reconnection.

Why the keys never go through the ccxt config: the connector takes them as ``Credentials`` (never
printed, masked in errors), and the user config registered them for masking in every log line; the
state file stores orders, trades and balances only.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, TextIO

import octobot_trading as ot
from octobot.errors import BotError
from octobot.home import UserHome
from octobot.live_exchange import LiveMarketLink
from octobot.paper import LIVE, ExchangeClock, exchange_url_config, run_linked_bot, state_path
from octobot.profile import Profile
from octobot.status_line import StatusLine
from octobot.user_config import UserConfig
from octobot_trading.ccxt_connector import CcxtLiveConnector, Credentials, ExchangeError, LiveFeed

logger = logging.getLogger(__name__)


def credentials_for(user_config: UserConfig, exchange: str) -> Credentials:
    """The API key of ``exchange`` from the user config or the environment; BotError naming both places."""
    found = user_config.exchange_credentials(exchange)
    if not found.get("api_key") or not found.get("api_secret"):
        variable = f"OCTOBOT_EXCHANGE_{exchange.upper()}"
        raise BotError(
            f"live trading on {exchange} needs an API key: set exchanges.{exchange}.api_key and "
            f"api_secret in {user_config.path} (or the environment variables {variable}_API_KEY and "
            f"{variable}_API_SECRET), or run with --paper"
        )
    return Credentials(found["api_key"], found["api_secret"], found.get("api_password"))


def _without_keys(config: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in config.items() if key not in ("apiKey", "secret", "password")}


async def run_live(
    profile: Profile,
    user_config: UserConfig,
    home: UserHome,
    out: TextIO,
    *,
    exchange_url: str | None = None,
    state_folder: Path | None = None,
) -> None:
    """Run ``profile`` with real orders until SIGINT/SIGTERM (see module docstring)."""
    credentials = {exchange: credentials_for(user_config, exchange) for exchange in profile.exchanges}
    link = LiveMarketLink(profile, user_config, exchange_url_config(exchange_url) if exchange_url else None)
    connectors: dict[str, CcxtLiveConnector] = {}
    managers: dict[str, ot.LiveExchangeManager] = {}

    async def factory(profile: Profile, exchange: str, exchange_id: str) -> ot.ExchangeManager:
        connector = CcxtLiveConnector(
            exchange, credentials=credentials[exchange], config=_without_keys(link.ccxt_config(exchange))
        )
        connectors[exchange] = connector
        try:
            await connector.start()
            every_market = await connector.markets()
            markets = ot.Markets({pair: every_market[pair] for pair in profile.pairs}, exchange_id=exchange)
            # the key is checked before the state file exists: a wrong secret leaves nothing behind
            await connector.fetch_balance()
        except (ExchangeError, KeyError) as error:
            raise BotError(f"{exchange}: {error}") from error
        path = state_path(home, profile, exchange, LIVE, state_folder)
        logger.info("%s: live account kept in %s", exchange_id, path)
        manager = ot.LiveExchangeManager(
            connector,
            markets,
            state_path=path,
            exchange_id=exchange_id,
            reference_market=profile.reference_market,
            clock=ExchangeClock(connector),
        )
        managers[exchange] = manager
        return manager

    def sources(exchange: str, manager: ot.ExchangeManager) -> list[ot.MarketDataSource]:
        live_manager = managers[exchange]
        feed = LiveFeed(
            connectors[exchange],
            symbols=list(profile.pairs),
            time_frames=list(profile.time_frames),
            ticker=True,
            orders=True,
            on_order=live_manager.on_exchange_order,
        )
        feed.on_mode_change = live_manager.on_mode_change
        smallest = min(profile.time_frames, key=lambda tf: ot.parse_time_frame(tf).ms)
        return [StatusLine(manager, list(profile.pairs), smallest, out), feed]

    await run_linked_bot(profile, factory, sources, link, connectors, user_config)
