# cython: annotation_typing=False
"""The exchange simulator: the connector of paper trading and backtesting.

Why it is built from small models: each behaviour a user may want to change (the intra-candle path, fees,
slippage, latency) is one object passed in, so a profile can swap one without touching the others.

Matching rules (deterministic):
- a market order fills at the price at its arrival (``created_at`` + latency), as taker (plus slippage
  if any): at once at the current price without latency, else at the first price dated from its arrival;
- a limit order that is marketable when it arrives (a buy at or above the last price, a sell at or
  below) fills at once at the market, as taker, as on an exchange (never at a worse limit); otherwise
  it fills at its own price once the market trades through it, as maker;
- stops, take-profits and trailing stops fire on their level and fill at that level (or at the open of a
  candle that gapped through it: the worse price), as taker; their limit flavour then rests as a limit
  order at ``price`` (filling at once, as taker, when that limit is marketable);
- a candle is walked along the fill model's path, point by point (open, nearer extreme, farther extreme,
  close); orders are met in the order the path reaches them;
- an order is only matched against prices dated at or after ``created_at`` (+ latency): a candle counts
  for an order when its open time is not before that;
- orders created in reaction to a fill inside a candle meet the rest of that candle, as they would live
  (where a live feed gives the same path as tickers, and the bot reacts between two): the chained orders
  of a fill at a point of the path, and (when ``pauses_on_watched_fills``) the orders its owner creates
  on a ``fill_watched`` order's fill, are matched from the NEXT point of the path on: the walk pauses
  after that point (``process_candle`` returns True), the bot reacts at the price reached (the exchange
  manager drains its synchronized channels), then ``resume_candle`` walks the rest. Such an order never
  fills on the part of the path before the fill that created it, so a grid's buy/sell pair inside one
  candle cannot ping-pong forever: each reaction moves at least one point further (at most 3 per candle).
  With a latency, they wait for the next candle as before;
- an order with ``expires_at`` expires at the first price event dated at or after it (for a candle: its
  open time), before that event's prices are matched;
- with a volume cap, an order takes at most that share of a candle's volume, the rest waits for the next
  candles (partial fills).
"""

from __future__ import annotations

import heapq
import logging
from decimal import Decimal

from octobot_trading.exchanges.connector import ExchangeConnector, FillHandler
from octobot_trading.markets import MarketRules, Markets
from octobot_trading.orders.enums import OrderKind, OrderSide, OrderStatus
from octobot_trading.orders.errors import NoPriceError
from octobot_trading.orders.order import Order
from octobot_trading.simulator.fee_model import FeeModel
from octobot_trading.simulator.fill_model import FillModel
from octobot_trading.simulator.latency_model import LatencyModel
from octobot_trading.simulator.slippage_model import SlippageModel
from octobot_trading.simulator.trigger_index import DOWN, UP, TriggerIndex

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class _SymbolBook:
    """Open orders of one symbol, indexed by trigger level."""

    __slots__ = (
        "_price",
        "_raw_price",
        "arrived",
        "deferred",
        "early",
        "expiries",
        "index",
        "paused",
        "pending_market",
        "trailing",
    )

    def __init__(self) -> None:
        self.index = TriggerIndex()
        #: triggered market-style orders partly filled (volume cap): the rest fills at the next price
        self.pending_market: list[Order] = []
        self.expiries: list = []  # heap of (expires_at, sequence, order)
        self.trailing: list[Order] = []
        #: orders left for the next price event (a latency not over yet, a volume cap reached)
        self.deferred: list[Order] = []
        #: orders created during the walk of a point (chained orders of a fill): on the book from the next
        #: point of the path
        self.arrived: list[Order] = []
        #: orders created in reaction to a fill of the candle being walked: matched on the rest of its path
        #: although dated after its open (cleared when the walk ends)
        self.early: set[Order] = set()
        #: a candle walk paused after a watched fill: (path, index of the point reached, time, volume)
        self.paused: tuple | None = None
        #: the last price as given (a candle's float close) and its Decimal once read: a candle that
        #: meets no order leaves a float, made a Decimal only when an order needs the price
        self._raw_price: Decimal | float | None = None
        self._price: Decimal | None = None

    @property
    def last_price(self) -> Decimal | None:
        price = self._price
        if price is None and self._raw_price is not None:
            price = self._price = _decimal(self._raw_price)
        return price

    @last_price.setter
    def last_price(self, price: Decimal | float | None) -> None:
        self._raw_price = price
        self._price = None

    def quiet(self, open_time: int, prices: tuple) -> bool:
        """True when a candle opened at ``open_time`` with these prices can change nothing here: no order
        waits for a price, none expires by then, no trailing stop follows the market and every indexed
        level lies outside the candle's range (walking it would only move the last price)."""
        if self.pending_market or self.trailing or self.deferred or self.paused is not None:
            return False
        expiries = self.expiries
        if expiries and expiries[0][0] <= open_time:
            return False
        index = self.index
        # the path's prices are Decimal(str(price)): an order preserving map, so its extremes are these
        return not index or index.outside(_decimal(min(prices)), _decimal(max(prices)))


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _direction(order: Order) -> int:
    """Whether ``order`` fires when the price rises to its level (UP) or falls to it (DOWN)."""
    if order.rests_as_limit:
        return UP if order.side is OrderSide.SELL else DOWN
    if order.kind.is_stop or order.kind.is_trailing:
        # stops fire against the order's side: a sell stop when the price falls
        return DOWN if order.side is OrderSide.SELL else UP
    # take-profits fire in favour: a sell take-profit when the price rises
    return UP if order.side is OrderSide.SELL else DOWN


class ExchangeSimulator(ExchangeConnector):
    """Matches orders against the prices it is given; reports fills to ``on_fill``.

    It holds no funds: the account it reports to applies fills to the portfolio. ``markets`` gives the
    fee rates of each symbol (from ccxt's market structures) unless the fee model overrides them.
    """

    is_simulated = True
    #: pause a candle's walk after a ``fill_watched`` fill (see the module doc); the exchange manager
    #: sets it when it can let the bot react before resuming (synchronized channels: a backtest)
    pauses_on_watched_fills = False

    def __init__(
        self,
        markets: Markets,
        fill_model: FillModel | None = None,
        fee_model: FeeModel | None = None,
        slippage_model: SlippageModel | None = None,
        latency_model: LatencyModel | None = None,
    ) -> None:
        self.markets = markets
        self.fill_model = fill_model or FillModel()
        self.fee_model = fee_model or FeeModel()
        self.slippage_model = slippage_model or SlippageModel()
        self.latency_model = latency_model or LatencyModel()
        self.on_fill: FillHandler | None = None
        self._books: dict[str, _SymbolBook] = {}
        self._market_cache: dict[str, tuple[MarketRules, str, str]] = {}
        self._walking = False
        self._expiry_seq = 0
        self._event_time = 0
        self._event_volume: Decimal | None = None
        #: a fill_watched order filled since the last point of the walk
        self._watched_fill = False

    # --- prices -----------------------------------------------------------------------------------
    def _book(self, symbol: str) -> _SymbolBook:
        book = self._books.get(symbol)
        if book is None:
            book = self._books[symbol] = _SymbolBook()
        return book

    def last_price(self, symbol: str) -> Decimal | None:
        book = self._books.get(symbol)
        return book.last_price if book is not None else None

    def open_orders_count(self, symbol: str) -> int:
        book = self._books.get(symbol)
        if book is None:
            return 0
        return (
            len(book.index)
            + len(book.trailing)
            + len(book.deferred)
            + len(book.arrived)
            + len(book.pending_market)
        )

    def process_candle(
        self,
        symbol: str,
        open_time: int,
        open_: Decimal | float,
        high: Decimal | float,
        low: Decimal | float,
        close: Decimal | float,
        volume: Decimal | float | None = None,
    ) -> bool:
        """Walk a closed candle's path; its prices are dated from ``open_time``. True when the walk
        paused after a watched fill (only with ``pauses_on_watched_fills``): call `resume_candle`.

        Prices may also come as floats (a replay's raw candle): they become Decimals only when an order
        has to be matched, since a symbol without orders only needs its last price.
        """
        book = self._books.get(symbol)
        if book is None:
            book = self._book(symbol)
        if book.quiet(open_time, (open_, high, low, close)):
            book.last_price = close  # nothing to match: the walk would only move the price
            return False
        path = self.fill_model.candle_path(_decimal(open_), _decimal(high), _decimal(low), _decimal(close))
        volume = None if volume is None else _decimal(volume)
        return self._walk(symbol, path, open_time, volume, True, self.pauses_on_watched_fills)

    def resume_candle(self, symbol: str) -> bool:
        """Walk the rest of a paused candle (the reactions to its watched fills are on the book now);
        True when it paused again, further on its path."""
        book = self._books.get(symbol)
        if book is None or book.paused is None:
            return False
        return self._resume(book, True)

    def _resume(self, book: _SymbolBook, pauses: bool) -> bool:
        assert book.paused is not None  # checked by the callers
        points, index, time, volume = book.paused
        book.paused = None
        self._event_time = time
        self._event_volume = volume
        self._watched_fill = False  # fills made while paused were reacted to in the same pause
        self._walking = True
        try:
            return self._walk_on(book, points, index, time, pauses)
        finally:
            self._walking = False

    def process_price(self, symbol: str, price: Decimal, time: int) -> None:
        """A new traded/mark price: the market moved from the last price to ``price`` at ``time``."""
        book = self._book(symbol)
        if book.last_price is None:
            points = [price]
        else:
            points = [book.last_price, price]
        self._walk(symbol, points, time, None, False, False)

    def _walk(
        self,
        symbol: str,
        points: list[Decimal],
        time: int,
        volume: Decimal | None,
        gap_first: bool,
        pauses: bool,
    ) -> bool:
        book = self._book(symbol)
        if book.paused is not None:  # a walk left paused (nobody resumed it): it ends first
            self._resume(book, False)
        if book.expiries and book.expiries[0][0] <= time:
            self._expire(book, time)
        self._walking = True
        self._event_time = time
        self._event_volume = volume
        self._watched_fill = False
        try:
            first = points[0]
            if book.pending_market:
                pending, book.pending_market = book.pending_market, []
                for order in pending:
                    if not order.is_active:
                        continue
                    if order.active_from > time:  # a market order still on its way (latency)
                        book.pending_market.append(order)
                        continue
                    self._fill(book, order, self.slippage_model.apply(first, order.is_buy), True)
            if gap_first or len(points) == 1:
                # the market jumped there: whatever was crossed fires at this price
                self._fire_up(book, first, first, time, True)
                self._fire_down(book, first, first, time, True)
            self._update_trailing(book, first, first)
            # the first point reached (inlined: the per-price cost of a live ticker)
            book.last_price = first
            if book.arrived:
                self._join_arrived(book)
            if self._watched_fill:
                self._watched_fill = False
                if pauses and len(points) > 1:
                    book.paused = (points, 0, time, volume)
                    return True
            return self._walk_on(book, points, 0, time, pauses)
        finally:
            self._walking = False

    def _walk_on(self, book: _SymbolBook, points: list[Decimal], index: int, time: int, pauses: bool) -> bool:
        """Walk ``points`` on from ``points[index]`` (reached); True when paused after a watched fill."""
        previous = points[index]
        last = len(points) - 1
        while index < last:
            index += 1
            price = points[index]
            if price > previous:
                self._fire_down(book, previous, previous, time, True)  # marketable newcomers
                self._fire_up(book, price, previous, time, False)
            elif price < previous:
                self._fire_up(book, previous, previous, time, True)
                self._fire_down(book, price, previous, time, False)
            self._update_trailing(book, previous, price)
            previous = price
            # the point reached: the last price (what an order created now is judged against), the orders
            # created on the way join the book; a watched fill on the way pauses the walk here
            book.last_price = price
            if book.arrived:
                self._join_arrived(book)
            if self._watched_fill:
                self._watched_fill = False
                if pauses and index < last:
                    book.paused = (points, index, time, self._event_volume)
                    return True
        if book.early:
            book.early.clear()
        if book.deferred:
            deferred, book.deferred = book.deferred, []
            for order in deferred:
                if order.is_active:
                    self._index(book, order)
        return False

    def _join_arrived(self, book: _SymbolBook) -> None:
        """The orders created on the way to the point just reached join the book from there."""
        arrived, book.arrived = book.arrived, []
        for order in arrived:
            if order.is_active:
                self._index(book, order)

    def _expire(self, book: _SymbolBook, time: int) -> None:
        """Orders whose ``expires_at`` is reached leave the book before the prices of ``time``."""
        while book.expiries and book.expiries[0][0] <= time:
            order = heapq.heappop(book.expiries)[2]
            if order.is_active:
                self.cancel(order)
                if self.on_expire is not None:
                    self.on_expire(order)

    def _fire_up(self, book: _SymbolBook, limit: Decimal, start: Decimal, time: int, jump: bool) -> None:
        """Fire rising levels up to ``limit``; a level below ``start`` was crossed before: fires at start."""
        while True:
            order = book.index.pop_up(limit)
            if order is None:
                return
            level = self._level(order)
            self._fire(book, order, start if jump or level < start else level, time)

    def _fire_down(self, book: _SymbolBook, limit: Decimal, start: Decimal, time: int, jump: bool) -> None:
        while True:
            order = book.index.pop_down(limit)
            if order is None:
                return
            level = self._level(order)
            self._fire(book, order, start if jump or level > start else level, time)

    @staticmethod
    def _level(order: Order) -> Decimal:
        # an indexed order has the level it rests at (the trader refuses one without it)
        return order.price if order.rests_as_limit else order.trigger_price  # type: ignore[return-value]

    def _update_trailing(self, book: _SymbolBook, start: Decimal, end: Decimal) -> None:
        """Trailing stops follow the best price seen; their level moves with it (re-indexed)."""
        if not book.trailing:
            return
        best_high = max(start, end)
        best_low = min(start, end)
        for order in book.trailing:
            if order.triggered or not order.is_active:
                continue
            extreme = order.trailing_extreme
            if order.side is OrderSide.SELL and (extreme is None or best_high > extreme):
                order.trailing_extreme = best_high
            elif order.side is OrderSide.BUY and (extreme is None or best_low < extreme):
                order.trailing_extreme = best_low
            else:
                continue
            order.trigger_price = self._trailing_level(order)
            book.index.add(order, order.trigger_price, _direction(order))  # moves (or first places) it

    @staticmethod
    def _trailing_level(order: Order) -> Decimal:
        extreme, percent = order.trailing_extreme, order.trailing_percent
        assert extreme is not None and percent is not None  # set on every trailing order before this
        distance = extreme * percent / HUNDRED
        return extreme - distance if order.side is OrderSide.SELL else extreme + distance

    def _fire(self, book: _SymbolBook, order: Order, price: Decimal, time: int) -> None:
        if not order.is_active:
            return
        if order.active_from > time and order not in book.early:
            book.deferred.append(order)  # created after these prices: matched from the next event
            return
        if order.kind.has_trigger and not order.triggered:
            order.triggered = True
            if order.kind.is_trailing:
                book.trailing.remove(order)
            if order.kind.becomes_limit:
                limit = order.price
                # a stop-limit has its limit price (the trader refuses one without it)
                marketable = price >= limit if order.side is OrderSide.SELL else price <= limit  # type: ignore[operator]
                if not marketable:
                    self._index(book, order)  # now rests as a limit at its price
                    return
                order.taker = True
                self._fill(book, order, price, True)
                return
            self._fill(book, order, self.slippage_model.apply(price, order.is_buy), True)
            return
        if order.rests_as_limit:
            if order.taker and not order.filled:
                # marketable when it arrived: takes the market, never worse than its limit
                self._fill(book, order, self._taker_limit_price(order, price), True)
                return
            self._fill(book, order, order.price, order.taker)  # type: ignore[arg-type]  # a resting limit has its price
            return
        self._fill(book, order, self.slippage_model.apply(price, order.is_buy), True)

    def _taker_limit_price(self, order: Order, market: Decimal) -> Decimal:
        """The price a marketable limit order takes: the market (with slippage), capped by its limit."""
        price = self.slippage_model.apply(market, order.is_buy)
        limit: Decimal = order.price  # type: ignore[assignment]  # a limit order has its price
        return min(price, limit) if order.is_buy else max(price, limit)

    def _fill(self, book: _SymbolBook, order: Order, price: Decimal, taker: bool) -> None:
        amount = self.fill_model.fillable(order.remaining, self._event_volume)
        if amount <= ZERO:
            book.deferred.append(order)
            return
        rules, base, quote = self._market(order.symbol)
        fee_asset, fee = self.fee_model.fee(rules, base, quote, order.is_buy, amount, price, taker)
        if self.on_fill is None:
            raise RuntimeError("the simulator has no fill handler: attach an account (ExchangeManager does)")
        self.on_fill(order, amount, price, fee_asset, fee, taker)
        if order.fill_watched and order.status is OrderStatus.FILLED:
            self._watched_fill = True
        if order.is_active:  # partial fill: the rest waits for the next price event
            if order.rests_as_limit:
                book.deferred.append(order)  # back on the book at its limit
            else:
                book.pending_market.append(order)  # triggered: the rest fills at the next price

    def _market(self, symbol: str) -> tuple[MarketRules, str, str]:
        found = self._market_cache.get(symbol)
        if found is None:
            rules = self.markets.rules(symbol)
            found = self._market_cache[symbol] = (rules, rules.base, rules.quote)
        return found

    # --- orders -----------------------------------------------------------------------------------
    def _index(self, book: _SymbolBook, order: Order) -> None:
        if order.kind.is_trailing and not order.triggered:
            if order not in book.trailing:
                book.trailing.append(order)
            if order.trailing_extreme is None:
                order.trailing_extreme = book.last_price
            if order.trailing_extreme is not None:
                order.trigger_price = self._trailing_level(order)
        if order.rests_as_limit or order.trigger_price is not None:
            book.index.add(order, self._level(order), _direction(order))

    def is_marketable(self, order: Order) -> bool:
        """True when a limit order would take liquidity at the current price."""
        last = self.last_price(order.symbol)
        if last is None or order.price is None:
            return False
        return order.price >= last if order.is_buy else order.price <= last

    def submit(self, order: Order, time: int) -> None:
        """Accept ``order`` (funds already locked by the trader): fill a market order, rest the others."""
        book = self._book(order.symbol)
        order.active_from = self.latency_model.active_from(order.created_at)
        if order.kind is OrderKind.MARKET:
            if book.last_price is None:
                raise NoPriceError(
                    f"cannot fill a market order on {order.symbol}: no price received yet; push a candle "
                    "or a ticker to the exchange manager first"
                )
            order.taker = True
            order.set_status(OrderStatus.OPEN, time)
            if order.active_from > time:  # latency: it fills at the first price of its arrival
                book.pending_market.append(order)
                return
            self._fill_now(book, order, self.slippage_model.apply(book.last_price, order.is_buy), time)
            return
        if order.kind is OrderKind.LIMIT:
            order.taker = self.is_marketable(order)
        order.set_status(OrderStatus.OPEN, time)
        if order.expires_at is not None:
            self._expiry_seq += 1
            heapq.heappush(book.expiries, (order.expires_at, self._expiry_seq, order))
        if order.taker and order.kind is OrderKind.LIMIT and not self._walking and order.active_from <= time:
            # marketable on arrival: it takes the market at once, as on an exchange (a rest the
            # account could not pay for waits on the book); a marketable limit was judged on a known price
            self._fill_now(book, order, self._taker_limit_price(order, book.last_price), time)  # type: ignore[arg-type]
            return
        if self._walking:  # created by a fill on the way to a point: on the book from that point
            book.arrived.append(order)
            if order.active_from <= time:
                book.early.add(order)
            if order.kind.is_trailing and order not in book.trailing:
                book.trailing.append(order)
                order.trailing_extreme = book.last_price
        else:
            self._index(book, order)
            if book.paused is not None and order.active_from <= time:
                book.early.add(order)  # a reaction to a watched fill: meets the rest of the candle

    def _fill_now(self, book: _SymbolBook, order: Order, price: Decimal, time: int) -> None:
        """Fill ``order`` on its submission, outside any price event (no volume cap applies)."""
        previous_time, self._event_time = self._event_time, time
        previous_volume, self._event_volume = self._event_volume, None
        try:
            self._fill(book, order, price, True)
        finally:
            self._event_time, self._event_volume = previous_time, previous_volume

    def cancel(self, order: Order) -> None:
        """Take ``order`` off the book (the trader changes its status and unlocks its funds)."""
        book = self._books.get(order.symbol)
        if book is None:
            return
        book.index.remove(order)
        if order in book.trailing:
            book.trailing.remove(order)
        if order in book.deferred:
            book.deferred.remove(order)
        if order in book.arrived:
            book.arrived.remove(order)
        book.early.discard(order)
        if order in book.pending_market:
            book.pending_market.remove(order)

    def reindex(self, order: Order) -> None:
        """Re-read an edited order's levels."""
        self.cancel(order)
        book = self._book(order.symbol)
        if order.kind is OrderKind.LIMIT:
            order.taker = self.is_marketable(order)
        self._index(book, order)
