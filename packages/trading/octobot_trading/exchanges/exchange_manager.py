# cython: annotation_typing=False
"""ExchangeManager: one exchange account, everything it needs, in one channel scope.

Why one object per account: a bot may trade on several exchanges and the optimizer runs thousands of
backtests in one process; each ExchangeManager has its own id, used as the channel scope, so nothing is
shared between them (markets, market data, account, trader, channels).

Market data enters only through the ``push_*`` methods (the market-data sink; a live connector's streams
or a backtesting replay call them). ``push_candle`` is the reference:

1. store the closed candle in the (symbol, time frame) buffer;
2. let the simulator walk it (fills, OCO cancels, chained orders), inline: the exchange's own processing
   of a price always comes first, before any consumer of the candle, in normal and synchronized mode;
   in synchronized mode the walk pauses after a fill its owner reacts to (``Order.fill_watched``): the
   manager sends what happened and drains the channels (the owner's reaction, at the price the walk
   reached), then the walk goes on, so the reaction meets the rest of the candle as it would live;
3. send the resulting Orders / Trades / Balance messages, then the OHLCV message.

In synchronized mode (backtesting) the sends are queued and the driver's ``Synchronizer.drain`` delivers
them level by level, so evaluators (MEDIUM) see a candle after its fills were applied.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Mapping, Sequence
from decimal import Decimal
from types import TracebackType

import octobot_channel as oc
from octobot_trading.candles import DEFAULT_MAX_SIZE
from octobot_trading.channels.exchange_channels import create_exchange_channels
from octobot_trading.errors import ValuationError
from octobot_trading.exchanges.account import Account
from octobot_trading.exchanges.candle_route import CandleRoute
from octobot_trading.exchanges.connector import ExchangeConnector
from octobot_trading.exchanges.errors import ExchangeManagerError
from octobot_trading.exchanges.market_data import SymbolData
from octobot_trading.markets import TICK_SIZE, Markets, to_decimal
from octobot_trading.orders.errors import UnknownSymbolError
from octobot_trading.portfolio import Portfolio, PortfolioHistory, PortfolioManager
from octobot_trading.simulator.exchange_simulator import ExchangeSimulator
from octobot_trading.time_frames import TimeFrame, parse_time_frame
from octobot_trading.timestamps import Clock, WallClock
from octobot_trading.trader import Trader

logger = logging.getLogger(__name__)

_manager_ids = itertools.count(1)
#: no candle pushed yet (the last series' symbol and time frame before the first candle)
_NO_SERIES = object()


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class ExchangeManager:
    """An exchange account: connector, market data, account, trader and channels (see module doc).

    A cdef class in the compiled build (see exchange_manager.pxd): the per-candle path (``push_candle``,
    its routes, the OHLCV channel) runs on C fields and C calls; subclasses stay plain Python classes.

    ``markets``: a :class:`Markets` or ccxt's ``exchange.markets`` dict (with ``precision_mode``).
    ``portfolio``: a :class:`Portfolio` or starting balances ``{"USDT": "1000"}`` (simulation).
    ``connector``: defaults to an :class:`ExchangeSimulator` (paper trading, backtesting).
    ``clock``: ``WallClock`` by default; backtesting passes its simulated clock.
    ``synchronizer``: channels in synchronized mode (backtesting).
    ``reference_market``: the asset the portfolio is valued in (default USDT when traded).
    """

    def __init__(
        self,
        exchange_name: str,
        markets: Markets | Mapping[str, Mapping],
        *,
        portfolio: Portfolio | Mapping[str, object] | None = None,
        connector: ExchangeConnector | None = None,
        clock: Clock | None = None,
        synchronizer: oc.Synchronizer | None = None,
        exchange_id: str | None = None,
        precision_mode: int = TICK_SIZE,
        candle_buffer_size: int = DEFAULT_MAX_SIZE,
        reference_market: str | None = None,
    ) -> None:
        self.exchange_name = exchange_name
        self.exchange_id = exchange_id or f"{exchange_name}-{next(_manager_ids)}"
        if not isinstance(markets, Markets):
            markets = Markets.from_ccxt_markets(markets, precision_mode, exchange_name)
        self.markets: Markets = markets
        self.clock: Clock = clock or WallClock()
        self.synchronizer = synchronizer
        self.connector: ExchangeConnector = connector or ExchangeSimulator(markets)
        self.simulated = self.connector.is_simulated
        if portfolio is None or isinstance(portfolio, Mapping):
            portfolio = Portfolio({asset: to_decimal(v, asset) for asset, v in (portfolio or {}).items()})
        self.portfolio = portfolio
        if reference_market is None:
            quotes = sorted({self.markets[s].quote for s in self.markets})
            reference_market = "USDT" if "USDT" in quotes or not quotes else quotes[0]
        self._portfolio_manager = PortfolioManager(portfolio, reference_market, clock=self.clock)
        self.account = Account(self.exchange_id, markets, portfolio, self.clock)
        self.connector.on_fill = self.account.apply_fill
        self.connector.on_expire = self.account.expire
        # only a driver that drains the channels can let the bot react inside a candle's walk
        self.connector.pauses_on_watched_fills = self.simulated and synchronizer is not None
        self.account.wants = self._wants
        self.trader = Trader(
            self.exchange_id, markets, self.account, self.connector, self.clock, simulated=self.simulated
        )
        self.trader.notify = self.flush
        self.candle_buffer_size = candle_buffer_size
        self.channels: dict[str, oc.Channel] = {}
        self._symbols: dict[str, SymbolData] = {}
        #: per symbol and time frame (as pushed, and parsed), where its closed candles go
        self._routes: dict[str, dict[str | TimeFrame, CandleRoute]] = {}
        #: per symbol, the route whose candles give its price and the simulator walks (the smallest time
        #: frame pushed)
        self._price_routes: dict[str, CandleRoute] = {}
        #: the (symbol, time frame) objects of the last candle pushed and their route: a replay pushes the
        #: same objects for a series, so a run on one pair finds its route by two identity checks
        self._last_symbol: object = _NO_SERIES
        self._last_time_frame: object = _NO_SERIES
        self._last_route: CandleRoute = None  # type: ignore[assignment]  # read only once set
        #: the OHLCV channel while started (read on every candle)
        self._ohlcv: oc.Channel | None = None
        #: a completed future: what ``push_candle`` returns when it had nothing to wait for
        self._completed: asyncio.Future | None = None
        self._started = False

    # --- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> ExchangeManager:
        if self._started:
            return self
        self.channels = await create_exchange_channels(self.exchange_id, self.synchronizer)
        self._ohlcv = self.channels["OHLCVChannel"]
        await self.connector.start()
        self._started = True
        return self

    async def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        self._ohlcv = None
        await self.connector.stop()
        await oc.delete_scope(self.exchange_id)
        self.channels = {}

    async def __aenter__(self) -> ExchangeManager:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def get_channel(self, name: str) -> oc.Channel:
        """One of this exchange's channels by name (``"OHLCVChannel"``...)."""
        if not self._started:
            raise ExchangeManagerError(
                f"{self.exchange_id}: not started; await exchange_manager.start() first"
            )
        return self.channels[name]

    # --- market data -----------------------------------------------------------------------------
    def symbol_data(self, symbol: str) -> SymbolData:
        data = self._symbols.get(symbol)
        if data is None:
            if symbol not in self.markets:
                raise UnknownSymbolError(
                    f"{self.exchange_id}: {symbol!r} is not a market of {self.exchange_name}; "
                    f"known: {', '.join(sorted(self.markets)[:10])}"
                )
            data = self._symbols[symbol] = SymbolData(symbol, self.candle_buffer_size)
        return data

    @property
    def portfolio_history(self) -> PortfolioHistory:
        """The portfolio values recorded so far (read as they are: no price sync)."""
        return self._portfolio_manager.history

    @property
    def portfolio_manager(self) -> PortfolioManager:
        """Values the portfolio in the reference market and tracks its profitability (prices synced
        on access: the hot price path only records them)."""
        manager = self._portfolio_manager
        for data in self._symbols.values():
            if data.last_price is not None:
                manager.update_price(data.parsed_symbol, data.last_price)
        return manager

    def _price_seen(self, data: SymbolData) -> None:
        price = data.last_price
        if not data.priced and price is not None:  # a symbol's first price is its starting price
            data.priced = True
            self._portfolio_manager.update_price(data.parsed_symbol, price)

    @property
    def symbols(self) -> list[str]:
        return list(self._symbols)

    def last_price(self, symbol: str) -> Decimal | None:
        return self.symbol_data(symbol).last_price

    def push_candle(self, symbol: str, time_frame: str | TimeFrame, candle: Sequence) -> Awaitable[None]:
        """A closed candle ``[open_time_ms, open, high, low, close, volume]`` (see module doc); await it.

        Why not a coroutine: a backtest calls it for every candle, and most candles only queue their OHLCV
        message (synchronized mode) or have nobody to tell. The candle is stored and walked at the call;
        the returned awaitable is then already complete (the channel's, or a completed future), and only
        a candle whose fills left messages to send costs a coroutine (they go before the OHLCV message).
        """
        if symbol is self._last_symbol and time_frame is self._last_time_frame:
            route = self._last_route  # the series of the last candle (one pair): no lookup
        else:
            routes = self._routes.get(symbol)
            try:
                found = None if routes is None else routes.get(time_frame)
            except TypeError:  # not a time frame: _route names the problem
                found = None
            route = self._route(symbol, time_frame) if found is None else found
            self._last_symbol, self._last_time_frame, self._last_route = symbol, time_frame, route
        if route.store(candle):  # the walk paused after a watched fill: the bot reacts inside the candle
            return self._react_then_send_candle(route, symbol, candle)
        account = self.account
        if account.notifications or account.balance_changed:
            return self._flush_then_send_candle(symbol, route.value, candle)
        channel = self._ohlcv
        if channel is not None and channel.consumers:
            return channel.send(
                {
                    "exchange": self.exchange_id,
                    "symbol": symbol,
                    "time_frame": route.value,
                    "candle": list(candle),
                }
            )
        done = self._completed
        if done is None:
            done = self._completed = asyncio.get_running_loop().create_future()
            done.set_result(None)
        return done

    async def _flush_then_send_candle(self, symbol: str, time_frame: str, candle: Sequence) -> None:
        """``push_candle``'s slow path: the fills' messages, then the candle's."""
        await self.flush()
        channel = self._ohlcv
        if channel is not None and channel.consumers:
            await channel.send(
                {
                    "exchange": self.exchange_id,
                    "symbol": symbol,
                    "time_frame": time_frame,
                    "candle": list(candle),
                }
            )

    async def _react_then_send_candle(self, route: CandleRoute, symbol: str, candle: Sequence) -> None:
        await self._react_inside(route, candle)
        await self._flush_then_send_candle(symbol, route.value, candle)

    async def _react_inside(self, route: CandleRoute, candle: Sequence) -> None:
        """The simulator paused the walk of ``candle`` after a watched fill: the bot reacts at the price
        the walk reached (what a live bot sees at that moment), then the walk goes on, until it ends."""
        data, connector, synchronizer = route.data, self.connector, self.synchronizer
        close_time = data.last_price_time or 0
        paused = True
        while paused:
            reached = connector.last_price(route.symbol)
            if reached is not None:
                data.set_price(reached, close_time)
            await self.flush()
            if synchronizer is not None and not synchronizer.is_draining:
                await synchronizer.drain()
            paused = connector.resume_candle(route.symbol)
        data.set_price(candle[4], close_time)

    def _route(self, symbol: str, time_frame: str | TimeFrame) -> CandleRoute:
        """The route of a (symbol, time frame) pushed for the first time; the symbol's smallest time frame
        so far becomes the one that gives its price."""
        tf = parse_time_frame(time_frame)
        data = self.symbol_data(symbol)
        routes = self._routes.setdefault(symbol, {})
        route = routes.get(tf)
        if route is None:
            simulator = self.connector if self.simulated else None
            route = CandleRoute(data, data.candle_buffer(tf), tf, simulator, self._price_seen)
            price_route = self._price_routes.get(symbol)
            if price_route is None or tf.ms < price_route.tf.ms:
                if price_route is not None:
                    price_route.prices = False
                route.prices = True
                self._price_routes[symbol] = route
        routes[tf] = routes[time_frame] = route  # an alias of the time frame finds it at once too
        return route

    async def push_kline(self, symbol: str, time_frame: str | TimeFrame, candle: Sequence) -> None:
        """The candle in construction (stored as the buffer's current candle; no fills: not a trade)."""
        tf = parse_time_frame(time_frame)
        self.symbol_data(symbol).candle_buffer(tf).update(
            int(candle[0]), candle[1], candle[2], candle[3], candle[4], candle[5]
        )
        await self._send(
            "KlineChannel",
            {"exchange": self.exchange_id, "symbol": symbol, "time_frame": tf.value, "candle": list(candle)},
        )

    async def push_price(self, symbol: str, price: Decimal | str | float, time: int | None = None) -> None:
        """A traded price: the simulator matches orders against the move from the last price."""
        data = self.symbol_data(symbol)
        price = _decimal(price)
        time = self.clock.now_ms() if time is None else int(time)
        data.set_price(price, time)
        self._price_seen(data)
        if self.simulated:
            self.connector.process_price(symbol, price, time)
        await self.flush()

    async def push_ticker(self, symbol: str, ticker: dict) -> None:
        """A ccxt ticker; its ``last`` price moves the market (fills), then the Ticker message is sent."""
        data = self.symbol_data(symbol)
        data.ticker = ticker
        time = int(ticker.get("timestamp") or self.clock.now_ms())
        if ticker.get("last") is not None:
            await self.push_price(symbol, ticker["last"], time)
        await self._send(
            "TickerChannel", {"exchange": self.exchange_id, "symbol": symbol, "ticker": ticker, "time": time}
        )

    async def push_mark_price(
        self, symbol: str, price: Decimal | str | float, time: int | None = None
    ) -> None:
        """A mark price: fills first (as a traded price), then the MarkPrice message."""
        price = _decimal(price)
        time = self.clock.now_ms() if time is None else int(time)
        self.symbol_data(symbol).mark_price = price
        await self.push_price(symbol, price, time)
        await self._send(
            "MarkPriceChannel", {"exchange": self.exchange_id, "symbol": symbol, "price": price, "time": time}
        )

    async def push_order_book(self, symbol: str, bids: list, asks: list, time: int | None = None) -> None:
        data = self.symbol_data(symbol)
        data.bids, data.asks = bids, asks
        await self._send(
            "OrderBookChannel",
            {
                "exchange": self.exchange_id,
                "symbol": symbol,
                "bids": bids,
                "asks": asks,
                "time": self.clock.now_ms() if time is None else time,
            },
        )

    async def push_recent_trades(self, symbol: str, trades: list[dict]) -> None:
        self.symbol_data(symbol).recent_trades = trades
        await self._send(
            "RecentTradesChannel",
            {"exchange": self.exchange_id, "symbol": symbol, "trades": trades, "time": self.clock.now_ms()},
        )

    # --- notifications ---------------------------------------------------------------------------
    async def flush(self) -> None:
        """Send what the account recorded (orders, trades, balance) on the channels."""
        account = self.account
        if not account.notifications and not account.balance_changed:
            return
        for name, message in account.take_notifications():
            await self._send(name, message)
        if account.balance_changed:
            account.balance_changed = False
            if self._wants("BalanceChannel"):
                await self._send(
                    "BalanceChannel",
                    {"exchange": self.exchange_id, "balance": self.balance(), "time": self.clock.now_ms()},
                )
            await self._send_profitability()

    async def _send_profitability(self) -> None:
        if not self._started or not self.channels["BalanceProfitabilityChannel"].consumers:
            return
        try:
            profitability = self.portfolio_manager.profitability()
        except ValuationError as error:  # an asset without a price yet: nothing meaningful to send
            logger.debug("%s: profitability not computed: %s", self.exchange_id, error)
            return
        await self._send(
            "BalanceProfitabilityChannel",
            {
                "exchange": self.exchange_id,
                "profitability": profitability.to_dict(),
                "time": self.clock.now_ms(),
            },
        )

    def balance(self) -> dict[str, dict[str, Decimal]]:
        """``{asset: {"total": ..., "available": ...}}`` of the portfolio."""
        return {
            asset: {"total": balance.total, "available": balance.available}
            for asset, balance in self.portfolio.balances().items()
        }

    def _wants(self, name: str) -> bool:
        """True when channel ``name`` has a consumer (messages nobody reads are not built)."""
        return self._started and bool(self.channels[name].consumers)

    async def _send(self, name: str, message: dict) -> None:
        if not self._started:
            return
        channel = self.channels[name]
        if channel.consumers:
            await channel.send(message)

    def __repr__(self) -> str:
        return f"ExchangeManager({self.exchange_id}, {len(self.markets)} markets, simulated={self.simulated})"
