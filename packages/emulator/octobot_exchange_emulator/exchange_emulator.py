"""The exchange emulator: a loopback Binance spot server that ccxt's own binance client talks to.

Why a server and not mocks: live connectors, traders and reconciliation are tested against ccxt's real
request signing, parsing and error mapping, on a market that replays recorded prices on an explicit
clock (``await emulator.advance()``), with faults injected on demand.

Built in layers, one module each: ``http_frontend`` (routes, faults, recording, authentication),
``public_routes`` and ``account_routes`` (the REST handlers), ``market_clock`` (the clocks), ``streams``
(websockets); this module holds the market, the account, the lifecycle and the actions from outside.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from types import TracebackType

import numpy as np
from aiohttp import web

from octobot_exchange_emulator.account_routes import AccountRoutes
from octobot_exchange_emulator.candle_sources import (
    PriceSeries,
    check_candles,
    infer_time_frame,
    read_price_series,
)
from octobot_exchange_emulator.client_settings import ccxt_config
from octobot_exchange_emulator.emulated_account import Account
from octobot_exchange_emulator.errors import EmulatorDataError, EmulatorError
from octobot_exchange_emulator.faults import FaultPlan
from octobot_exchange_emulator.market_clock import MarketClock
from octobot_exchange_emulator.market_spec import MarketSpec
from octobot_exchange_emulator.price_replay import PriceReplay
from octobot_exchange_emulator.streams import StreamHub
from octobot_trading.symbols import parse_symbol
from octobot_trading.time_frames import TimeFrame, parse_time_frame

logger = logging.getLogger(__name__)


class ExchangeEmulator(AccountRoutes):
    """A Binance-spot-like exchange on 127.0.0.1 replaying recorded candles.

    ``candles`` maps ccxt symbols ("BTC/USDT") to (n, 6) arrays or candle files of any format the bot
    reads (``read_price_series``), all on one ``time_frame`` (the files', or inferred, when None).
    ``history`` candles per symbol are already closed at start (default: half the data, at most 500).
    ``balances`` is the account's starting free balance.

    ``server_clock`` is what /api/v3/time answers: "wall" (the machine's clock; market data stays in
    its recorded time) or "market" (the replay's clock, ``server_time_ms()``, so that a client that
    corrects its clock from the exchange sees candles close on time). Signed requests are accepted
    when stamped within recvWindow of the wall clock, the market clock, or a market time answered by
    /time moved on by the real time elapsed since (``accepted_clocks``).
    """

    def __init__(
        self,
        candles: Mapping[str, np.ndarray | str | Path],
        balances: Mapping[str, Decimal] | None = None,
        time_frame: str | TimeFrame | None = None,
        history: int | None = None,
        api_key: str | None = None,
        secret: str | None = None,
        markets: Mapping[str, MarketSpec] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        server_clock: str = "wall",
    ) -> None:
        super().__init__()
        if not candles:
            raise EmulatorError("give at least one symbol's candles, e.g. {'BTC/USDT': 'BTC_USDT-5m.csv'}")
        series = [
            read_price_series(value, symbol, time_frame)
            if isinstance(value, (str, Path))
            else PriceSeries(str(parse_symbol(symbol)), None, check_candles(value, symbol))
            for symbol, value in candles.items()
        ]
        arrays = {one.symbol: one.candles for one in series}
        frame = _one_time_frame(series, time_frame)
        self.replay = PriceReplay(arrays, frame, history)
        #: the market clock, what /time answers and the clocks signatures are checked against
        self.clock = MarketClock(self.replay, server_clock)
        self.time_frame = frame
        specs = dict(markets or {})
        self.markets = {s: specs.get(s) or MarketSpec.for_prices(s, a) for s, a in arrays.items()}
        self.api_key = api_key or secrets.token_hex(32)
        self.secret = secret or secrets.token_hex(32)
        self.faults = FaultPlan()
        self.account = Account(self.markets, dict(balances or {}))
        self.account.partial_fill_fraction = self.faults.partial_fills
        self.listen_keys: set[str] = set()
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._step_listeners: list[Callable[[dict], None]] = []
        self._run_task: asyncio.Task | None = None
        #: the websocket side (market streams and user data)
        self.streams = StreamHub(self)

    # --- lifecycle ---------------------------------------------------------------------------------

    async def __aenter__(self) -> ExchangeEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        if self._runner is not None:
            raise EmulatorError("the emulator is already started")
        app = web.Application(middlewares=[self._middleware])
        self._register_public_routes(app)
        self._register_account_routes(app)
        self.streams.register(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the bound (host, port): the port asked, or the one given
        logger.info("exchange emulator listening on %s", self.url)

    async def stop(self) -> None:
        """Close every connection and the listening socket; the market and the account are kept, so a
        later ``start()`` on the same port plays an exchange coming back from an outage."""
        await self.stop_running()
        self.faults.release()
        await self.streams.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def ccxt_config(self, api_key: str | None = None, secret: str | None = None) -> dict:
        """Constructor arguments for ``ccxt.async_support.binance`` / ``ccxt.pro.binance`` pointed at
        this emulator (default: the emulator's own key and secret)."""
        return ccxt_config(
            self.url, self.api_key if api_key is None else api_key, self.secret if secret is None else secret
        )

    # --- clock -------------------------------------------------------------------------------------

    @property
    def server_clock(self) -> str:
        """What /api/v3/time answers: "wall" or "market"."""
        return self.clock.server_clock

    def server_time_ms(self) -> int:
        """The exchange's clock as /api/v3/time tells it (``MarketClock.server_time_ms``)."""
        return self.clock.server_time_ms()

    def time_answer(self) -> int:
        """What /api/v3/time answers now (``MarketClock.time_answer``)."""
        return self.clock.time_answer()

    def accepted_clocks(self) -> list[int]:
        """The clocks a signed request's timestamp is checked against (``MarketClock.accepted_clocks``)."""
        return self.clock.accepted_clocks()

    # --- the replay --------------------------------------------------------------------------------

    def last_price(self, symbol: str) -> Decimal:
        return self.replay.symbols[str(parse_symbol(symbol))].last_price

    @property
    def finished(self) -> bool:
        return self.replay.finished

    def add_step_listener(self, listener: Callable[[dict], None]) -> None:
        """Call ``listener(moves)`` after each step ({symbol: (prices visited, their times)})."""
        self._step_listeners.append(listener)

    async def advance(self, n: int = 1) -> int:
        """Close the next ``n`` candles: walk each one's path, fill orders, push stream events.
        Returns how many steps were made (fewer at the end of the data)."""
        steps = 0
        for _ in range(n):
            if self.replay.finished:
                break
            moves = self.replay.step()
            for symbol, (path, _times) in moves.items():
                self.account.walk(symbol, path, self.now_ms)
            for listener in list(self._step_listeners):
                listener(moves)
            steps += 1
        await self.streams.flush()
        return steps

    async def run(self, speed: float = 1.0) -> None:
        """Advance in real time divided by ``speed`` until the data ends (the CLI's driver)."""
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self.clock.running(speed)
        try:
            while not self.replay.finished:
                await asyncio.sleep(self.time_frame.seconds / speed)
                await self.advance()
                self.clock.stepped()
        finally:
            self.clock.running(None)

    def start_running(self, speed: float = 1.0) -> asyncio.Task:
        self._run_task = asyncio.get_running_loop().create_task(self.run(speed))
        return self._run_task

    async def stop_running(self) -> None:
        if self._run_task is not None:
            self._run_task.cancel()
            try:
                await self._run_task
            except asyncio.CancelledError:
                pass
            self._run_task = None

    # --- actions from outside the API (what a user does on the exchange's website) -------------------

    async def deposit(self, asset: str, amount: Decimal) -> None:
        """Credit ``amount`` (negative: withdraw) to the free balance; pushes balanceUpdate and
        outboundAccountPosition like Binance."""
        self.account.adjust(asset, Decimal(amount), self.now_ms)
        await self.streams.flush()

    async def cancel_order(self, order_id: int) -> None:
        """Cancel an open order as if from another session (the client learns it from the streams or by
        fetching the order)."""
        order = self.account.orders.get(order_id)
        if order is None:
            raise EmulatorError(f"no order {order_id}; known: {sorted(self.account.orders)[-10:]}")
        self.account.cancel(order, self.now_ms)
        await self.streams.flush()

    def balance(self, asset: str) -> tuple[Decimal, Decimal]:
        """(free, locked) of ``asset``."""
        return self.account.free.get(asset, Decimal(0)), self.account.locked.get(asset, Decimal(0))


def _one_time_frame(series: list[PriceSeries], time_frame: str | TimeFrame | None) -> TimeFrame:
    """The time frame every symbol replays on: the one asked for, else the files', else inferred."""
    if time_frame:
        return parse_time_frame(time_frame)
    frames = {one.time_frame for one in series if one.time_frame is not None}
    if len(frames) > 1:
        told = ", ".join(f"{one.symbol} {one.time_frame}" for one in series if one.time_frame is not None)
        raise EmulatorDataError(
            f"every symbol replays on one time frame, the files give {told}: pass time_frame="
        )
    return frames.pop() if frames else infer_time_frame(series[0].candles)
