"""The account of one exchange manager: its orders, its portfolio and its trades.

Why fills are applied here and not in the connector: the simulator and a live exchange both only report
"this order filled that much at that price for that fee"; what it means for the funds (unlock the share
of the reservation, pay, receive, charge the fee), for the order's group (cancel the other legs) and for
its chained orders (activate them) is the same in both cases, so it is written once.

Every change is recorded as a notification (channel name, message) that the exchange manager sends on
its channels right after the synchronous work: fills never wait on a channel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal

from octobot_trading.exact import EXACT
from octobot_trading.ids import IdCounter
from octobot_trading.markets import MarketRules, Markets
from octobot_trading.orders.enums import OrderSide, OrderStatus
from octobot_trading.orders.errors import InsufficientFundsError, OrderNotFoundError
from octobot_trading.orders.groups import OneCancelsTheOther
from octobot_trading.orders.order import Order
from octobot_trading.orders.trade import Trade
from octobot_trading.portfolio.portfolio import Portfolio
from octobot_trading.timestamps import Clock

logger = logging.getLogger(__name__)

ZERO = Decimal(0)


class _Position:
    """Spot holding bought by this account, with its average entry cost (quote per base, fees in)."""

    __slots__ = ("amount", "cost")

    def __init__(self) -> None:
        self.amount = ZERO
        self.cost = ZERO

    @property
    def average_price(self) -> Decimal:
        return self.cost / self.amount if self.amount else ZERO


def _always(_name: str) -> bool:
    return True


class Account:
    """Orders (open and closed), trades with realised PnL, and the funds they lock in ``portfolio``."""

    def __init__(self, exchange_id: str, markets: Markets, portfolio: Portfolio, clock: Clock) -> None:
        self.exchange_id = exchange_id
        self.markets = markets
        self.portfolio = portfolio
        self.clock = clock
        self.open_orders: dict[str, Order] = {}
        self.closed_orders: list[Order] = []
        #: closed orders changed after they closed (a fill that raced their cancel), in order: the
        #: state recorder writes them again
        self.revised_orders: list[Order] = []
        self.trades: list[Trade] = []
        self.notifications: list[tuple[str, dict]] = []
        self.balance_changed = False
        self._positions: dict[str, _Position] = {}
        #: the factory of trade ids (a restore moves it past the stored trades' ids)
        self.trade_ids = IdCounter()
        self._market_cache: dict[str, tuple[MarketRules, str, str]] = {}
        #: whether a channel has consumers (set by the exchange manager): messages nobody reads are
        #: not even built
        self.wants: Callable[[str], bool] = _always
        #: set by the trader: activates the chained orders of a filled order (given the parent)
        self.submit_chained: Callable[[Order], None] | None = None
        #: set by the trader: new pending copies of the chained orders a cancel killed (a late fill)
        self.revive_chained: Callable[[Order], None] | None = None
        #: set by the trader: takes an order off the exchange (OCO legs)
        self.cancel_on_exchange: Callable[[Order], None] | None = None

    def market(self, symbol: str) -> tuple[MarketRules, str, str]:
        """(rules, base, quote) of ``symbol``, parsed once."""
        found = self._market_cache.get(symbol)
        if found is None:
            rules = self.markets[symbol] if symbol in self.markets else self.markets.rules(symbol)
            found = self._market_cache[symbol] = (rules, rules.base, rules.quote)
        return found

    # --- portfolio access (the only place that talks to the portfolio) ---------------------------
    def available(self, asset: str) -> Decimal:
        return self.portfolio.available(asset)

    def total(self, asset: str) -> Decimal:
        return self.portfolio.total(asset)

    def lock(self, order: Order, asset: str, amount: Decimal) -> None:
        """Reserve ``amount`` of ``asset`` for ``order``; InsufficientFundsError when not available.

        A leg of a one-cancels-the-other group only locks what the other open legs do not hold yet.
        """
        order.required_lock = amount
        group = order.group
        if isinstance(group, OneCancelsTheOther):
            amount = max(ZERO, EXACT.subtract(amount, group.shared_lock(order, asset)))
        available = self.available(asset)
        if amount > available:
            raise InsufficientFundsError(
                f"{self.exchange_id}: not enough {asset} to {order.side.value} {order.amount} "
                f"{order.symbol}: "
                f"needs {amount} {asset}, {available} {asset} available (the rest is locked by open orders "
                "or not held); lower the amount or cancel open orders",
                asset=asset,
                required=amount,
                available=available,
            )
        if amount > ZERO:
            self.portfolio.lock(asset, amount)
        order.locked_asset = asset
        order.locked_amount = amount
        self.balance_changed = True

    def release(self, order: Order) -> Decimal:
        """Return every fund still locked by ``order`` (or hand it to the open legs of its group that
        need it); the amount returned to the portfolio."""
        group = order.group
        if isinstance(group, OneCancelsTheOther) and order.locked_amount:
            group.hand_over_lock(order)
        amount = order.locked_amount
        if amount > ZERO and order.locked_asset is not None:
            self.portfolio.unlock(order.locked_asset, amount)
            self.balance_changed = True
        order.locked_amount = ZERO
        return amount

    # --- orders --------------------------------------------------------------------------------
    def add_open(self, order: Order) -> None:
        """Track ``order`` (the trader notifies once the exchange accepted it)."""
        self.open_orders[order.order_id] = order

    def get_open(self, order_id: str) -> Order:
        try:
            return self.open_orders[order_id]
        except KeyError:
            raise OrderNotFoundError(
                f"{self.exchange_id}: no open order with id {order_id!r}; it may be closed already "
                f"({len(self.open_orders)} open orders)"
            ) from None

    def close(self, order: Order, status: OrderStatus) -> None:
        """Move ``order`` to a closed status, returning whatever it still locks."""
        self.release(order)
        order.set_status(status, self.clock.now_ms())
        self.open_orders.pop(order.order_id, None)
        self.closed_orders.append(order)
        self.notify_order(order)
        if status is not OrderStatus.FILLED:
            for child in order.chained:  # chained orders die with a parent that never filled
                if child.status is OrderStatus.PENDING:
                    child.set_status(OrderStatus.CANCELLED, self.clock.now_ms())

    def notify_order(self, order: Order) -> None:
        if not self.wants("OrdersChannel"):
            return
        self.notifications.append(
            (
                "OrdersChannel",
                {
                    "exchange": self.exchange_id,
                    "symbol": order.symbol,
                    "order": order.to_dict(),
                    "time": self.clock.now_ms(),
                },
            )
        )

    # --- fills ---------------------------------------------------------------------------------
    def apply_fill(
        self, order: Order, amount: Decimal, price: Decimal, fee_asset: str, fee: Decimal, taker: bool
    ) -> None:
        """Apply one fill of ``order``: funds, trade, status, group and chained orders."""
        now = self.clock.now_ms()
        rules, base, quote = self.market(order.symbol)
        cost = rules.cost(amount, price)
        remaining_before = order.remaining
        group = order.group
        if isinstance(group, OneCancelsTheOther):
            group.pool_lock_into(order)  # the group's one reservation now pays for this leg
        # the share of the reservation this fill consumes (all of it on the last fill: nothing is left)
        if amount >= remaining_before:
            share = order.locked_amount
        else:
            share = order.locked_amount * amount / remaining_before
        if share > ZERO and order.locked_asset is not None:  # a reservation always names its asset
            self.portfolio.unlock(order.locked_asset, share)
            order.locked_amount = EXACT.subtract(order.locked_amount, share)
        if order.side is OrderSide.BUY:
            # a buy stop filled past its level (a gap) may cost more than its reservation: it then
            # buys what the available quote pays for, never driving the balance negative
            spent = cost + (fee if fee_asset == quote else ZERO)
            available = self.available(quote)
            if spent > available:
                asked = amount
                amount = rules.adjust_amount(amount * available / spent)
                fee = fee * amount / asked
                cost = rules.cost(amount, price)
                logger.warning(
                    "%s: %s fill reduced to %s: not enough %s for the fill price %s",
                    self.exchange_id,
                    order,
                    amount,
                    quote,
                    price,
                )
                order.amount = EXACT.add(order.filled, amount)  # the rest cannot be bought
                if amount <= ZERO:
                    self.release(order)
                    order.set_status(OrderStatus.CANCELLED, now)
                    self.open_orders.pop(order.order_id, None)
                    self.closed_orders.append(order)
                    self.notify_order(order)
                    return
        self.portfolio.apply(self._changes(order, amount, cost, fee_asset, fee, base, quote))
        self.balance_changed = True
        pnl = self._realise(order.symbol, order.side, amount, price, fee_asset, fee, base, quote)
        order.record_fill(amount, price, fee_asset, fee, now)
        self._record_trade(order, amount, price, cost, fee_asset, fee, taker, pnl, now)
        if order.status is OrderStatus.FILLED:
            self.release(order)  # rounding leftovers of the reservation, if any
            self.open_orders.pop(order.order_id, None)
            self.closed_orders.append(order)
        self.notify_order(order)
        if isinstance(group, OneCancelsTheOther):
            for other in group.others(order):
                self.cancel_leg(other)
        if order.status is OrderStatus.FILLED and order.chained and self.submit_chained is not None:
            self._size_chained(order, rules, base)
            self.submit_chained(order)

    def apply_fill_after_cancel(
        self, order: Order, amount: Decimal, price: Decimal, fee_asset: str, fee: Decimal, taker: bool
    ) -> None:
        """A fill the exchange made before the bot's cancel reached it (live): the order is closed here
        as cancelled and its funds released, but the exchange's word wins: the order takes the fill,
        the trade (with its realised PnL) is recorded once, and the portfolio changes by it.

        Raises PortfolioError when the released funds were spent meanwhile: the trade stays recorded
        and the caller takes the balances from the exchange.
        """
        now = self.clock.now_ms()
        rules, base, quote = self.market(order.symbol)
        cost = rules.cost(amount, price)
        pnl = self._realise(order.symbol, order.side, amount, price, fee_asset, fee, base, quote)
        order.record_fill_after_cancel(amount, price, fee_asset, fee, now)
        self._record_trade(order, amount, price, cost, fee_asset, fee, taker, pnl, now)
        self.revised_orders.append(order)
        self.notify_order(order)
        try:
            self.portfolio.apply(self._changes(order, amount, cost, fee_asset, fee, base, quote))
            self.balance_changed = True
        finally:
            if order.status is OrderStatus.FILLED and order.chained and self.revive_chained is not None:
                # its protections died with the cancel; the position exists: they are created now
                self.revive_chained(order)
                self._size_chained(order, rules, base)
                if self.submit_chained is not None:
                    self.submit_chained(order)

    @staticmethod
    def _changes(
        order: Order, amount: Decimal, cost: Decimal, fee_asset: str, fee: Decimal, base: str, quote: str
    ) -> dict[str, Decimal]:
        """What one fill changes in the portfolio (total and available alike)."""
        # copy_negate and EXACT: a unary minus or a subtraction would round to 28 digits
        if order.side is OrderSide.BUY:
            changes = {quote: cost.copy_negate(), base: amount}
        else:
            changes = {base: amount.copy_negate(), quote: cost}
        changes[fee_asset] = EXACT.subtract(changes.get(fee_asset, ZERO), fee)
        return changes

    def _record_trade(
        self,
        order: Order,
        amount: Decimal,
        price: Decimal,
        cost: Decimal,
        fee_asset: str,
        fee: Decimal,
        taker: bool,
        pnl: Decimal,
        now: int,
    ) -> None:
        trade = Trade(
            trade_id=f"{self.exchange_id}-t{next(self.trade_ids)}",
            order_id=order.order_id,
            exchange_id=self.exchange_id,
            symbol=order.symbol,
            side=order.side,
            kind=order.kind,
            amount=amount,
            price=price,
            cost=cost,
            fee_asset=fee_asset,
            fee=fee,
            taker=taker,
            time=now,
            realised_pnl=pnl,
        )
        self.trades.append(trade)
        if self.wants("TradesChannel"):
            self.notifications.append(
                (
                    "TradesChannel",
                    {
                        "exchange": self.exchange_id,
                        "symbol": order.symbol,
                        "trade": trade.to_dict(),
                        "time": now,
                    },
                )
            )

    @staticmethod
    def _size_chained(parent: Order, rules: MarketRules, base: str) -> None:
        """Size the chained orders left to their parent from what it really brought: its filled amount
        minus the fee charged in the base it received, on the market's precision (a fill reduced for
        want of funds or a maker fee lower than forecast changes it)."""
        brought = parent.filled
        if parent.side is OrderSide.BUY:
            brought = EXACT.subtract(brought, parent.fees.get(base, ZERO))
        brought = rules.adjust_amount(brought)
        for child in parent.chained:
            if child.sized_by_parent and child.status is OrderStatus.PENDING:
                share = child.parent_share
                child.amount = brought if share is None else rules.adjust_amount(brought * share)

    def expire(self, order: Order) -> None:
        """The exchange expired ``order``: its funds come back (chained orders die with it)."""
        self.close(order, OrderStatus.EXPIRED)

    def cancel_leg(self, order: Order) -> None:
        """Cancel one leg of a group whose other leg filled."""
        if order.status is OrderStatus.PENDING:
            order.set_status(OrderStatus.CANCELLED, self.clock.now_ms())
            return
        if order.is_closed:
            return
        if self.cancel_on_exchange is not None:
            self.cancel_on_exchange(order)
        self.close(order, OrderStatus.CANCELLED)

    def holdings(self) -> dict[str, tuple[Decimal, Decimal]]:
        """``{symbol: (amount, average entry price)}`` of what this account bought and still holds (a
        position's live PnL is measured against that price)."""
        return {
            symbol: (position.amount, position.average_price)
            for symbol, position in self._positions.items()
            if position.amount > ZERO
        }

    def restore_trade(self, trade: Trade) -> None:
        """List a trade of an earlier session and rebuild the holding it left (a state restore replays the
        stored trades in order, so the PnL of later sells is measured against the same average cost)."""
        self.trades.append(trade)
        _rules, base, quote = self.market(trade.symbol)
        self._realise(
            trade.symbol, trade.side, trade.amount, trade.price, trade.fee_asset, trade.fee, base, quote
        )

    def _realise(
        self,
        symbol: str,
        side: OrderSide,
        amount: Decimal,
        price: Decimal,
        fee_asset: str,
        fee: Decimal,
        base: str,
        quote: str,
    ) -> Decimal:
        """Update the holding of ``symbol``; the PnL a sell realises against its average cost."""
        position = self._positions.get(symbol)
        if position is None:
            position = self._positions[symbol] = _Position()
        gross = amount * price
        fee_in_quote = fee if fee_asset == quote else fee * price if fee_asset == base else ZERO
        if side is OrderSide.BUY:
            received = EXACT.subtract(amount, fee) if fee_asset == base else amount
            position.cost += gross + (fee if fee_asset == quote else ZERO)
            position.amount += received
            return ZERO
        # sells beyond what this account bought (initial holdings) realise nothing on that part
        matched = min(amount, position.amount)
        entry_cost = position.average_price * matched
        proceeds = price * matched
        pnl = proceeds - entry_cost - fee_in_quote * (matched / amount if amount else ZERO)
        position.cost -= entry_cost
        position.amount -= matched
        if position.amount <= ZERO:
            position.amount = ZERO
            position.cost = ZERO
        return pnl

    def take_notifications(self) -> list[tuple[str, dict]]:
        notifications, self.notifications = self.notifications, []
        return notifications
