"""The trader: creates, edits and cancels the orders of one account.

Why it validates everything before the connector sees an order: an order that breaks a market rule or
lacks funds must fail here, with an error that names the problem, and leave the portfolio untouched.
The same trader drives a real exchange or the simulator; only ``simulated`` (and the connector) differ.

Funds: creating an order locks what it may spend (quote for a buy at its limit/trigger price, plus the
forecast fee when the fee is charged in quote; base for a sell); a fill consumes the matching share of
the lock, a cancel returns the rest exactly.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal

from octobot_trading.errors import OrderBelowMinimumError
from octobot_trading.exact import EXACT
from octobot_trading.exchanges.account import Account
from octobot_trading.exchanges.connector import ExchangeConnector
from octobot_trading.ids import IdCounter
from octobot_trading.markets import TICK_SIZE, MarketRules, Markets, to_decimal
from octobot_trading.orders.enums import OrderKind, OrderSide, OrderStatus
from octobot_trading.orders.errors import (
    InsufficientFundsError,
    InvalidOrderError,
    NoPriceError,
    UnknownSymbolError,
)
from octobot_trading.orders.groups import OneCancelsTheOther
from octobot_trading.orders.order import Order
from octobot_trading.orders.trade import Trade
from octobot_trading.timestamps import Clock

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
_PRICED = (OrderKind.LIMIT, OrderKind.STOP_LIMIT, OrderKind.TAKE_PROFIT_LIMIT, OrderKind.TRAILING_STOP_LIMIT)
_TRIGGERED = (OrderKind.STOP_LOSS, OrderKind.STOP_LIMIT, OrderKind.TAKE_PROFIT, OrderKind.TAKE_PROFIT_LIMIT)
#: order ids are unique in the process (several accounts and backtests share it)
ORDER_IDS = IdCounter()


def _adjust_amount(rules: MarketRules, amount: Decimal) -> Decimal:
    """The market's amount precision; a value already on a tick-size grid is kept as is (fast path)."""
    step = rules.amount_precision
    if step is not None and rules.amount_precision_mode == TICK_SIZE and not amount % step:
        return amount
    return rules.adjust_amount(amount)


def _adjust_price(rules: MarketRules, price: Decimal) -> Decimal:
    step = rules.price_precision
    if step is not None and rules.price_precision_mode == TICK_SIZE and not price % step:
        return price
    return rules.adjust_price(price)


class Trader:
    """Order API of one account (see module docstring)."""

    #: the factory of order ids (process-wide: ``ORDER_IDS``); a restore moves it past the stored ids
    order_ids: IdCounter = ORDER_IDS

    def __init__(
        self,
        exchange_id: str,
        markets: Markets,
        account: Account,
        connector: ExchangeConnector,
        clock: Clock,
        *,
        simulated: bool = True,
        dust_tolerance: Decimal = Decimal("0.001"),
    ) -> None:
        self.exchange_id = exchange_id
        self.markets = markets
        self.account = account
        self.connector = connector
        self.clock = clock
        self.simulated = simulated
        #: a sell asking for at most this share more than available sells what is available (dust)
        self.dust_tolerance = dust_tolerance
        #: sends what the account recorded on the channels (set by the exchange manager)
        self.notify: Callable[[], Awaitable[None]] | None = None
        account.submit_chained = self._submit_chained
        account.revive_chained = self._revive_chained
        account.cancel_on_exchange = connector.cancel
        connector.on_stop_passed = self._exit_passed_stop

    async def _notify(self) -> None:
        if self.notify is not None:
            await self.notify()

    # --- building orders ------------------------------------------------------------------------
    def _rules(self, symbol: str) -> MarketRules:
        if symbol not in self.markets:
            known = ", ".join(sorted(self.markets)[:10])
            raise UnknownSymbolError(
                f"{self.exchange_id}: {symbol!r} is not a market of this exchange (known: {known}...); "
                "check the pair in the profile"
            )
        return self.markets[symbol]

    def new_order(
        self,
        symbol: str,
        side: OrderSide | str,
        kind: OrderKind | str,
        amount: Decimal | str | int,
        price: Decimal | str | int | None = None,
        trigger_price: Decimal | str | int | None = None,
        trailing_percent: Decimal | str | int | None = None,
        tag: str | None = None,
    ) -> Order:
        """A validated order, not yet sent: pass it to :meth:`submit` or chain it to a parent."""
        rules = self._rules(symbol)
        # the enums themselves skip the Enum call (a trading mode always passes them)
        side = side if type(side) is OrderSide else OrderSide(side)
        kind = kind if type(kind) is OrderKind else OrderKind(kind)
        requested = to_decimal(amount, "amount")
        if requested <= ZERO:
            raise InvalidOrderError(f"{symbol}: order amount must be positive, got {requested}")
        # below one precision step this truncates to 0: the minimum check then names the minimum
        amount = _adjust_amount(rules, requested)
        if kind in _PRICED:
            if price is None:
                raise InvalidOrderError(f"{symbol}: a {kind.value} order needs a limit price (price=...)")
            price = _adjust_price(rules, to_decimal(price, "price"))
        elif price is not None:
            raise InvalidOrderError(f"{symbol}: a {kind.value} order takes no limit price; use trigger_price")
        trigger = None if trigger_price is None else to_decimal(trigger_price, "trigger_price")
        if kind in _TRIGGERED:
            if trigger is None:
                raise InvalidOrderError(f"{symbol}: a {kind.value} order needs trigger_price=...")
            trigger = _adjust_price(rules, trigger)
        trailing = None if trailing_percent is None else to_decimal(trailing_percent, "trailing_percent")
        if kind.is_trailing and (trailing is None or trailing <= ZERO):
            raise InvalidOrderError(
                f"{symbol}: a {kind.value} order needs trailing_percent > 0 (e.g. 2 for 2%)"
            )
        return Order(
            order_id=f"{self.exchange_id}-{next(self.order_ids)}",
            exchange_id=self.exchange_id,
            symbol=symbol,
            side=side,
            kind=kind,
            amount=amount,
            created_at=self.clock.now_ms(),
            price=price,
            trigger_price=trigger,
            trailing_percent=trailing,
            tag=tag,
        )

    def _reference_price(self, order: Order, valued_at: Decimal | None = None) -> Decimal:
        price = order.reference_price()
        if price is None:  # market or trailing without trigger: the current price
            price = self.connector.last_price(order.symbol)
            if price is None:
                price = valued_at
            percent = order.trailing_percent
            if price is not None and order.kind.is_trailing and percent is not None:
                distance = price * percent / 100
                price = price - distance if order.side is OrderSide.SELL else price + distance
        if price is None:
            raise NoPriceError(
                f"{self.exchange_id}: no price known for {order.symbol} to value a {order.kind.value} order; "
                "push a candle or a ticker first"
            )
        return price

    def _check_limits(self, order: Order, round_up_to_minimum: bool, price: Decimal) -> None:
        """The market's limits at ``price`` (the order's reference price, read once per submit)."""
        rules = self.markets[order.symbol]
        try:
            rules.check_order(order.amount, price)
        except OrderBelowMinimumError:
            if not round_up_to_minimum:
                raise
            order.amount = rules.adjust_to_minimum(order.amount, price)
            logger.info(
                "%s: %s amount rounded up to the market minimum: %s",
                self.exchange_id,
                order.symbol,
                order.amount,
            )

    def _lock(self, order: Order, price: Decimal) -> None:
        """Reserve what ``order`` may spend at ``price`` (its reference price; see module docstring);
        sells of dust are trimmed."""
        rules, base, quote = self.account.market(order.symbol)
        fee_model = getattr(self.connector, "fee_model", None)
        taker = True  # forecast the dearer taker fee; the fill charges the real one and frees the rest
        if order.is_buy:
            cost = rules.cost(order.remaining, price)
            slippage = getattr(self.connector, "slippage_model", None)
            if order.kind is OrderKind.MARKET and slippage is not None:
                cost = rules.cost(order.remaining, slippage.apply(price, True))
            fee_asset, fee = (
                fee_model.fee(rules, base, quote, True, order.remaining, price, taker)
                if fee_model is not None
                else (base, order.remaining * rules.fee_rate(taker))
            )
            order.forecast_fee, order.forecast_fee_asset = fee, fee_asset
            self.account.lock(order, quote, cost + (fee if fee_asset == quote else ZERO))
            return
        available = self.account.available(base)
        if order.remaining > available:
            shortfall = EXACT.subtract(order.remaining, available)
            if shortfall <= order.remaining * self.dust_tolerance:
                trimmed = rules.adjust_amount(available)
                logger.info(
                    "%s: %s sell trimmed from %s to the available %s (dust)",
                    self.exchange_id,
                    order.symbol,
                    order.amount,
                    trimmed,
                )
                order.amount = EXACT.add(order.filled, trimmed)
            if order.remaining <= ZERO:
                raise InsufficientFundsError(
                    f"{self.exchange_id}: no {base} available to sell on {order.symbol}",
                    asset=base,
                    required=order.remaining,
                    available=available,
                )
        fee_asset, fee = (
            fee_model.fee(rules, base, quote, False, order.remaining, price, taker)
            if fee_model is not None
            else (quote, rules.cost(order.remaining, price) * rules.fee_rate(taker))
        )
        order.forecast_fee, order.forecast_fee_asset = fee, fee_asset
        self.account.lock(order, base, order.remaining)

    # --- public API ------------------------------------------------------------------------------
    async def create_order(
        self,
        symbol: str,
        side: OrderSide | str,
        kind: OrderKind | str,
        amount: Decimal | str | int,
        price: Decimal | str | int | None = None,
        trigger_price: Decimal | str | int | None = None,
        trailing_percent: Decimal | str | int | None = None,
        *,
        group: OneCancelsTheOther | None = None,
        chained: list[Order] | None = None,
        round_up_to_minimum: bool = False,
        tag: str | None = None,
        expires_at: int | None = None,
    ) -> Order:
        """Validate, lock the funds and send an order; returns it (a simulated market order comes back filled,
        unless a latency model delays it to its arrival).

        ``expires_at`` (ms): the exchange expires the order from then on (good-till-date).

        ``chained`` orders (built with :meth:`new_order`) are created when this one fills: typically
        the stop-loss and take-profits of an entry, often put in one ``OneCancelsTheOther`` group.
        Raises UnknownSymbolError, InvalidOrderError, OrderBelowMinimumError (unless
        ``round_up_to_minimum``), OrderAboveMaximumError, InsufficientFundsError, NoPriceError.
        """
        order = self.new_order(symbol, side, kind, amount, price, trigger_price, trailing_percent, tag)
        order.expires_at = expires_at
        if group is not None:
            group.add(order)
        for child in chained or ():
            self.chain(order, child)
        try:
            return self.submit(order, round_up_to_minimum=round_up_to_minimum)
        finally:
            await self._notify()

    def chain(self, parent: Order, child: Order) -> Order:
        """Create ``child`` when ``parent`` fills (its funds are locked then)."""
        child.parent_id = parent.order_id
        parent.chained.append(child)
        return child

    def submit(
        self, order: Order, *, round_up_to_minimum: bool = False, valued_at: Decimal | None = None
    ) -> Order:
        """Send an order built with :meth:`new_order` (synchronous: usable inside a fill).

        ``valued_at``: the price to value a market order at when the connector knows no price yet.
        """
        # the reference price depends on the order's levels only (not its amount): read once for both
        price = self._reference_price(order, valued_at)
        self._check_limits(order, round_up_to_minimum, price)
        if order.amount <= ZERO:
            raise InvalidOrderError(
                f"{order.symbol}: order amount is 0 on the market's precision; increase it"
            )
        self._lock(order, price)
        self.account.add_open(order)
        try:
            self.connector.submit(order, self.clock.now_ms())
        except Exception:
            self.account.release(order)
            self.account.open_orders.pop(order.order_id, None)
            if not order.is_closed:
                order.set_status(OrderStatus.REJECTED, self.clock.now_ms())
            self.account.notify_order(order)
            raise
        if order.is_active:  # a market order already reported its fill
            self.account.notify_order(order)
        return order

    def _submit_chained(self, parent: Order) -> None:
        """Create the pending chained orders of ``parent``, which just filled.

        A leg below the market's minimum (a small entry, or what is left of a reduced one) cannot
        exist on the exchange: it is not created, and one warning per parent says so (the position
        then has no such protection); any other failure is an error, and never undoes the parent.
        """
        below: list[str] = []
        for child in parent.chained:
            if child.status is not OrderStatus.PENDING:
                continue
            child.created_at = self.clock.now_ms()
            try:
                if child.amount <= ZERO:
                    raise OrderBelowMinimumError(
                        f"{child.symbol}: amount {child.amount} rounds to nothing",
                        symbol=child.symbol,
                        limit="amount",
                        value=child.amount,
                        bound=ZERO,
                    )
                self.submit(child)
            except OrderBelowMinimumError as error:
                below.append(f"{child.side.value} {child.kind.value} {child.amount} ({error})")
                if child.status is OrderStatus.PENDING:
                    child.set_status(OrderStatus.REJECTED, self.clock.now_ms())
            except Exception as error:  # a failing child must not undo its parent's fill
                logger.error(
                    "%s: chained order %s of %s could not be created: %s",
                    self.exchange_id,
                    child,
                    child.parent_id,
                    error,
                )
                if child.status is OrderStatus.PENDING:
                    child.set_status(OrderStatus.REJECTED, self.clock.now_ms())
        if below:
            logger.warning(
                "%s: %s filled %s: %d chained order(s) below the market minimum not created, the position "
                "is unprotected by them: %s; raise the entry amount",
                self.exchange_id,
                parent.order_id,
                parent.filled,
                len(below),
                "; ".join(below),
            )

    def _exit_passed_stop(self, stop: Order) -> None:
        """The exchange refused ``stop`` because the market already passed its trigger: the exit it
        stood for happens now, at market, for its amount (same side, tag and parent)."""
        logger.warning(
            "%s: the market already passed the trigger %s of %s when it reached the exchange: exiting %s %s "
            "at market instead",
            self.exchange_id,
            stop.trigger_price,
            stop.order_id,
            stop.side.value,
            stop.amount,
        )
        try:
            exit_order = self.new_order(stop.symbol, stop.side, OrderKind.MARKET, stop.amount, tag=stop.tag)
            exit_order.parent_id = stop.parent_id
            self.submit(exit_order, valued_at=stop.trigger_price)
        except Exception as error:  # the position stays open: the user must know, loudly
            logger.error(
                "%s: the market exit replacing the stop %s could not be sent (%s); the position is "
                "unprotected: close it on the exchange",
                self.exchange_id,
                stop.order_id,
                error,
            )

    def _revive_chained(self, parent: Order) -> None:
        """Replace the chained orders of ``parent`` that its cancel killed by new pending copies (new
        ids, one new group for the legs that shared one): ``parent`` filled after all."""
        groups: dict[int, OneCancelsTheOther] = {}
        revived: list[Order] = []
        for child in parent.chained:
            if child.status is not OrderStatus.CANCELLED or child.locked_asset is not None:
                revived.append(child)  # it existed on the exchange: not one the cancel killed pending
                continue
            copy = self.new_order(
                child.symbol,
                child.side,
                child.kind,
                child.amount,
                child.price,
                child.trigger_price,
                child.trailing_percent,
                child.tag,
            )
            copy.parent_id = parent.order_id
            copy.sized_by_parent = child.sized_by_parent
            copy.parent_share = child.parent_share
            copy.expires_at = child.expires_at
            if isinstance(child.group, OneCancelsTheOther):
                groups.setdefault(id(child.group), OneCancelsTheOther()).add(copy)
            revived.append(copy)
        parent.chained = revived

    async def cancel_order(self, order: Order | str) -> Order:
        """Cancel an open order; its locked funds come back exactly."""
        if isinstance(order, str):
            order = self.account.get_open(order)
        elif order.order_id not in self.account.open_orders:
            order = self.account.get_open(order.order_id)
        order.set_status(OrderStatus.CANCELLING, self.clock.now_ms())
        self.connector.cancel(order)
        self.account.close(order, OrderStatus.CANCELLED)
        await self._notify()
        return order

    async def cancel_all_orders(self, symbol: str) -> list[Order]:
        """Cancel every open order of ``symbol``; the cancelled orders."""
        self._rules(symbol)
        cancelled = []
        for order in [o for o in self.account.open_orders.values() if o.symbol == symbol]:
            if order.is_active:
                cancelled.append(await self.cancel_order(order))
        return cancelled

    async def edit_order(
        self,
        order: Order | str,
        amount: Decimal | str | None = None,
        price: Decimal | str | None = None,
        trigger_price: Decimal | str | None = None,
    ) -> Order:
        """Change an open order's amount or levels; its funds are re-locked for the new values.

        On any error (limits, funds) the order is left exactly as it was.
        """
        if isinstance(order, str):
            order = self.account.get_open(order)
        rules = self.markets[order.symbol]
        saved = (order.amount, order.price, order.trigger_price, order.locked_asset, order.locked_amount)
        self.account.release(order)
        try:
            if amount is not None:
                new_amount = rules.adjust_amount(to_decimal(amount, "amount"))
                if new_amount <= order.filled:
                    raise InvalidOrderError(
                        f"{order.symbol}: new amount {new_amount} must exceed the filled {order.filled}"
                    )
                order.amount = new_amount
            if price is not None:
                if order.price is None:
                    raise InvalidOrderError(f"{order.symbol}: a {order.kind.value} order has no limit price")
                order.price = rules.adjust_price(to_decimal(price, "price"))
            if trigger_price is not None:
                if order.trigger_price is None:
                    raise InvalidOrderError(
                        f"{order.symbol}: a {order.kind.value} order has no trigger price"
                    )
                order.trigger_price = rules.adjust_price(to_decimal(trigger_price, "trigger_price"))
            reference = self._reference_price(order)
            self._check_limits(order, False, reference)
            self._lock(order, reference)
        except Exception:
            order.amount, order.price, order.trigger_price = saved[0], saved[1], saved[2]
            if saved[3] is not None:
                self.account.lock(order, saved[3], saved[4])
            raise
        self.connector.reindex(order)
        self.account.notify_order(order)
        await self._notify()
        return order

    # --- queries ---------------------------------------------------------------------------------
    def open_orders(self, symbol: str | None = None) -> list[Order]:
        return [o for o in self.account.open_orders.values() if symbol is None or o.symbol == symbol]

    def closed_orders(self, symbol: str | None = None) -> list[Order]:
        """Orders filled, cancelled, rejected or expired, oldest first."""
        return [o for o in self.account.closed_orders if symbol is None or o.symbol == symbol]

    def trades(self, symbol: str | None = None) -> list[Trade]:
        return [t for t in self.account.trades if symbol is None or t.symbol == symbol]

    def realised_pnl(self, symbol: str | None = None) -> Decimal:
        return sum((t.realised_pnl for t in self.trades(symbol)), ZERO)
