"""The static side of the emulator: a loopback HTTP server (aiohttp.web on 127.0.0.1, random port) that
answers Binance's public spot endpoints with every candle of every (symbol, time frame) at once, with no
clock and no account, for tests of what downloads history (data collectors).

Why beside ``ExchangeEmulator`` and not inside it: the emulator replays ONE time frame per symbol on a
clock and serves only the candles closed so far; a collector test needs independent series per time frame,
all of them served from the start. Both share Binance's answer shapes (``binance_format``).

Why a real server rather than mocks: ccxt's own binance client is pointed at it (its ``urls['api']``
entries are overridden, nothing of ccxt is patched), so the tests exercise ccxt's request building,
rate limiter, response parsing and HTTP error mapping exactly as in production.

Endpoints: ``/api/v3/ping``, ``/api/v3/time``, ``/api/v3/exchangeInfo``, ``/api/v3/klines`` (startTime,
endTime, limit semantics of Binance: default 500, max 1000), and empty ``exchangeInfo`` answers for the
futures APIs that ccxt also loads. Faults (HTTP errors such as 503 or 429) can be injected per request.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit

import ccxt
import numpy as np
from aiohttp import web

from octobot_exchange_emulator import binance_format
from octobot_exchange_emulator.errors import ApiError
from octobot_trading.symbols import parse_symbol
from octobot_trading.time_frames import parse_time_frame

logger = logging.getLogger(__name__)

_SERVER_TIME_MS = 1_800_000_000_000

#: bodies Binance sends with these statuses (its error codes are what ccxt maps to exceptions)
_ERROR_BODIES = {
    429: {
        "code": -1003,
        "msg": "Too much request weight used; current limit is 6000 request weight per 1 MINUTE.",
    },
    418: {"code": -1003, "msg": "Way too much request weight used; IP banned."},
    500: {"code": -1001, "msg": "Internal error; unable to process your request. Please try again."},
    502: {"code": -1001, "msg": "Internal error; unable to process your request. Please try again."},
    503: {"code": -1001, "msg": "Internal error; unable to process your request. Please try again."},
    504: {"code": -1007, "msg": "Timeout waiting for response from backend server."},
}


@dataclass
class Fault:
    """Answers the next requests on ``path`` whose query contains ``match`` with ``statuses``, one each,
    in order (``[503, 429]``: the first matching request gets a 503, the second a 429, then normal)."""

    path: str
    statuses: list[int]
    match: dict[str, str] = field(default_factory=dict)

    def applies_to(self, path: str, query: Mapping[str, str]) -> bool:
        return (
            bool(self.statuses)
            and path == self.path
            and all(query.get(k) == v for k, v in self.match.items())
        )


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    query: dict[str, str]
    status: int


class BinanceLikeServer:
    """Serves ``candles[(symbol, time_frame)]`` ((n, 6) arrays: open time ms, o, h, l, c, v) like Binance.

    Use as ``async with BinanceLikeServer(candles) as server:`` and build the ccxt client with
    ``server.ccxt_config()``.
    """

    def __init__(self, candles: Mapping[tuple[str, str], np.ndarray]) -> None:
        self._candles: dict[tuple[str, str], np.ndarray] = {}
        for (symbol, time_frame), array in candles.items():
            parse_time_frame(time_frame)
            data = np.asarray(array, dtype=np.float64)
            if data.ndim != 2 or data.shape[1] != 6:
                raise ValueError(f"{symbol} {time_frame}: candles must be an (n, 6) array, got {data.shape}")
            self._candles[(str(parse_symbol(symbol)), time_frame)] = data[
                np.argsort(data[:, 0], kind="stable")
            ]
        self._market_ids = {symbol.replace("/", ""): symbol for symbol, _ in self._candles}
        self.faults: list[Fault] = []
        #: every request received, in order
        self.requests: list[RecordedRequest] = []
        #: called with each request once answered (tests use it to act at a precise point)
        self.on_request: Callable[[RecordedRequest], None] | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> BinanceLikeServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/api/v3/ping", self._ping)
        app.router.add_get("/api/v3/time", self._time)
        app.router.add_get("/api/v3/exchangeInfo", self._exchange_info)
        app.router.add_get("/api/v3/klines", self._klines)
        for futures_path in ("/fapi/v1/exchangeInfo", "/dapi/v1/exchangeInfo"):
            app.router.add_get(futures_path, self._empty_exchange_info)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the bound (host, port): the port asked, or the one given

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api_urls(self) -> dict[str, str]:
        """ccxt binance's ``urls['api']`` with every host replaced by this server (paths kept)."""
        urls = ccxt.binance().urls["api"]
        return {
            name: self.url + urlsplit(address).path
            for name, address in urls.items()
            if isinstance(address, str)
        }

    def ccxt_config(self) -> dict:
        """Constructor arguments pointing ccxt's binance client at this server."""
        return {"urls": {"api": self.api_urls()}}

    # --- faults and inspection -------------------------------------------------------------------

    def add_fault(self, path: str, statuses: list[int], match: Mapping[str, str] | None = None) -> Fault:
        fault = Fault(path, list(statuses), {k: str(v) for k, v in (match or {}).items()})
        self.faults.append(fault)
        return fault

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == path]

    # --- handlers --------------------------------------------------------------------------------

    def _answer(self, request: web.Request, payload: object, status: int = 200) -> web.Response:
        query = dict(request.query)
        for fault in self.faults:
            if fault.applies_to(request.path, query):
                status = fault.statuses.pop(0)
                payload = _ERROR_BODIES.get(status, {"code": -1000, "msg": "An unknown error occurred."})
                break
        recorded = RecordedRequest(request.path, query, status)
        self.requests.append(recorded)
        if self.on_request is not None:
            self.on_request(recorded)
        headers = {"Retry-After": "1"} if status in (418, 429) else {}
        return web.Response(
            status=status, text=json.dumps(payload), content_type="application/json", headers=headers
        )

    async def _ping(self, request: web.Request) -> web.Response:
        return self._answer(request, {})

    async def _time(self, request: web.Request) -> web.Response:
        return self._answer(request, {"serverTime": _SERVER_TIME_MS})

    async def _empty_exchange_info(self, request: web.Request) -> web.Response:
        return self._answer(request, {"timezone": "UTC", "serverTime": _SERVER_TIME_MS, "symbols": []})

    async def _exchange_info(self, request: web.Request) -> web.Response:
        symbols = [
            binance_format.spot_market(market_id, symbol)
            for market_id, symbol in sorted(self._market_ids.items())
        ]
        return self._answer(
            request,
            {
                "timezone": "UTC",
                "serverTime": _SERVER_TIME_MS,
                "rateLimits": [
                    {
                        "rateLimitType": "REQUEST_WEIGHT",
                        "interval": "MINUTE",
                        "intervalNum": 1,
                        "limit": 6000,
                    },
                    {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
                ],
                "exchangeFilters": [],
                "symbols": symbols,
            },
        )

    async def _klines(self, request: web.Request) -> web.Response:
        query = request.query
        symbol = self._market_ids.get(query.get("symbol", ""))
        if symbol is None:
            return self._answer(request, {"code": -1121, "msg": "Invalid symbol."}, 400)
        interval = query.get("interval", "")
        candles = self._candles.get((symbol, interval))
        if candles is None:
            return self._answer(request, {"code": -1120, "msg": "Invalid interval."}, 400)
        try:
            rows = binance_format.klines(candles, query, parse_time_frame(interval).ms)
        except ApiError as error:
            return self._answer(request, error.body(), error.status)
        return self._answer(request, rows)
