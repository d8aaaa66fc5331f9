"""Paper trading on live market data: the exchange's real markets through ccxt, orders filled by the
simulator, candle history loaded from the exchange before the evaluators start.

Why the exchange's own market rules: a paper run should refuse the orders the exchange would refuse
(precision, minimum amounts and costs) and charge its fees unless the profile overrides them.
"""

from __future__ import annotations

import logging

import numpy as np

import octobot_trading as ot
from octobot.errors import BotError
from octobot.exchange_factory import create_simulated_exchange
from octobot.profile import Profile
from octobot.user_config import UserConfig
from octobot_trading.ccxt_connector import CcxtMarketData, ExchangeError

logger = logging.getLogger(__name__)


class LiveMarketLink:
    """The public market data of the profile's exchanges (one ccxt client each), opened and closed with
    the bot; builds paper-trading exchange managers and loads candle history."""

    def __init__(self, profile: Profile, user_config: UserConfig, ccxt_overrides: dict | None = None) -> None:
        self.profile = profile
        self.user_config = user_config
        #: merged over the user config's ccxt settings of every exchange (``--exchange-url``)
        self.ccxt_overrides = ccxt_overrides or {}
        self._clients: dict[str, CcxtMarketData] = {}

    def ccxt_config(self, exchange: str) -> dict:
        """ccxt constructor arguments of ``exchange``: the user config's, then the overrides."""
        return _deep_merge(self.user_config.ccxt_config(exchange), self.ccxt_overrides)

    def _client(self, exchange: str) -> CcxtMarketData:
        client = self._clients.get(exchange)
        if client is None:
            try:
                client = CcxtMarketData(exchange, config=self.ccxt_config(exchange))
            except ExchangeError as error:
                raise BotError(str(error)) from error
            self._clients[exchange] = client
        return client

    async def close(self) -> None:
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.close()

    async def markets(self, profile: Profile, exchange: str) -> ot.Markets:
        """The exchange's real market rules for the profile's pairs."""
        client = self._client(exchange)
        try:
            rules = {pair: await client.market_rules(pair) for pair in profile.pairs}
        except ExchangeError as error:
            raise BotError(f"{exchange}: {error}") from error
        return ot.Markets(rules, exchange_id=exchange)

    async def paper_exchange(self, profile: Profile, exchange: str, exchange_id: str) -> ot.ExchangeManager:
        """A simulated ExchangeManager with the exchange's real market rules for the profile's pairs."""
        markets = await self.markets(profile, exchange)
        return create_simulated_exchange(profile, exchange, markets=markets, exchange_id=exchange_id)

    async def load_history(
        self, manager: ot.ExchangeManager, symbol: str, time_frame: str, count: int
    ) -> int:
        """Load the last ``count`` closed candles of (symbol, time frame) into the manager's buffer."""
        if count <= 0:
            return 0
        client = self._client(manager.exchange_name)
        try:
            candles = await client.fetch_ohlcv(symbol, time_frame, limit=min(count + 1, client.ohlcv_limit))
        except ExchangeError as error:
            raise BotError(f"{manager.exchange_name}: {error}") from error
        now = manager.clock.now_ms()
        closed = np.array(
            [row for row in candles if ot.is_candle_closed(int(row[0]), time_frame, now)], dtype=np.float64
        ).reshape(-1, 6)[-count:]
        manager.symbol_data(symbol).candle_buffer(time_frame).load(closed)
        logger.info(
            "%s: loaded %d %s %s candles of history", manager.exchange_id, len(closed), symbol, time_frame
        )
        return len(closed)


def _deep_merge(base: dict, overrides: dict) -> dict:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
