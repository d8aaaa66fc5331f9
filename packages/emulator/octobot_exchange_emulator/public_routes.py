"""The public REST endpoints of the emulator: server time, exchange info, klines, tickers, order book and
trades, answered from the replayed market."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiohttp import web

from octobot_exchange_emulator import market_answers
from octobot_exchange_emulator.emulated_account import Account
from octobot_exchange_emulator.errors import ApiError, invalid_symbol
from octobot_exchange_emulator.http_frontend import NONE, HttpFrontend
from octobot_exchange_emulator.market_spec import MarketSpec, fmt
from octobot_exchange_emulator.price_replay import PriceReplay
from octobot_trading.time_frames import TimeFrame


class PublicRoutes(HttpFrontend):
    """Handlers of the endpoints that need no API key."""

    account: Account
    replay: PriceReplay
    markets: dict[str, MarketSpec]
    time_frame: TimeFrame

    @property
    def now_ms(self) -> int:
        """The emulator's market clock: open time of the candle forming now."""
        return self.replay.now_ms

    def server_time_ms(self) -> int:
        raise NotImplementedError

    def time_answer(self) -> int:
        raise NotImplementedError

    def _register_public_routes(self, app: web.Application) -> None:
        r = self._route
        r(app, "GET", "/ping", NONE, self._ping)
        r(app, "GET", "/time", NONE, self._time)
        r(app, "GET", "/exchangeInfo", NONE, self._exchange_info)
        r(app, "GET", "/klines", NONE, self._klines)
        r(app, "GET", "/uiKlines", NONE, self._klines)
        r(app, "GET", "/ticker/24hr", NONE, self._ticker_24hr)
        r(app, "GET", "/ticker/price", NONE, self._ticker_price)
        r(app, "GET", "/ticker/bookTicker", NONE, self._book_ticker)
        r(app, "GET", "/avgPrice", NONE, self._avg_price)
        r(app, "GET", "/depth", NONE, self._depth)
        r(app, "GET", "/trades", NONE, self._trades)
        r(app, "GET", "/aggTrades", NONE, self._agg_trades)
        r(app, "GET", "/sapi/v1/system/status", NONE, self._system_status)

    def _symbol(self, params: Mapping[str, str]) -> str:
        market_id = params.get("symbol")
        if not market_id:
            raise ApiError(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.")
        return self.account.spec_by_id(market_id).symbol

    def _symbols(self, params: Mapping[str, str]) -> list[str] | None:
        """The symbols asked by ``symbol`` or ``symbols`` (JSON list), None for all."""
        if "symbol" in params:
            return [self._symbol(params)]
        if "symbols" in params:
            try:
                ids = json.loads(params["symbols"])
            except ValueError as error:
                raise invalid_symbol() from error
            return [self.account.spec_by_id(i).symbol for i in ids]
        return None

    async def _ping(self, request: web.Request, params: dict) -> object:
        return {}

    async def _time(self, request: web.Request, params: dict) -> object:
        return {"serverTime": self.time_answer()}

    async def _exchange_info(self, request: web.Request, params: dict) -> object:
        return {
            "timezone": "UTC",
            "serverTime": self.server_time_ms(),
            "rateLimits": [
                {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
                {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
                {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000},
            ],
            "exchangeFilters": [],
            "symbols": [spec.exchange_info() for spec in self.markets.values()],
        }

    async def _klines(self, request: web.Request, params: dict) -> object:
        symbol = self._symbol(params)
        return market_answers.klines(self.replay.symbols[symbol], self.time_frame, params, self.now_ms)

    async def _ticker_24hr(self, request: web.Request, params: dict) -> object:
        symbols = self._symbols(params)
        answers = [
            market_answers.ticker_24hr(self.markets[s], self.replay.symbols[s], self.now_ms)
            for s in (symbols or self.markets)
        ]
        return answers[0] if "symbol" in params else answers

    async def _ticker_price(self, request: web.Request, params: dict) -> object:
        answers = [
            {"symbol": self.markets[s].market_id, "price": fmt(self.replay.symbols[s].last_price)}
            for s in (self._symbols(params) or self.markets)
        ]
        return answers[0] if "symbol" in params else answers

    async def _book_ticker(self, request: web.Request, params: dict) -> object:
        answers = [
            market_answers.book_ticker(self.markets[s], self.replay.symbols[s])
            for s in (self._symbols(params) or self.markets)
        ]
        return answers[0] if "symbol" in params else answers

    async def _avg_price(self, request: web.Request, params: dict) -> object:
        symbol = self._symbol(params)
        return {"mins": 5, "price": fmt(self.replay.symbols[symbol].last_price), "closeTime": self.now_ms}

    async def _depth(self, request: web.Request, params: dict) -> object:
        symbol = self._symbol(params)
        limit = int(params.get("limit", 100))
        if limit not in market_answers.DEPTH_LIMITS:
            limit = min((x for x in market_answers.DEPTH_LIMITS if x >= limit), default=5000)
        return market_answers.depth(
            self.markets[symbol], self.replay.symbols[symbol], limit, self.replay.symbols[symbol].update_id
        )

    async def _trades(self, request: web.Request, params: dict) -> object:
        symbol = self._symbol(params)
        return market_answers.recent_trades(
            self.replay.symbols[symbol], min(int(params.get("limit", 500)), 1000)
        )

    async def _agg_trades(self, request: web.Request, params: dict) -> object:
        symbol = self._symbol(params)
        return market_answers.agg_trades(self.replay.symbols[symbol], params)

    async def _system_status(self, request: web.Request, params: dict) -> object:
        return {"status": 0, "msg": "normal"}
