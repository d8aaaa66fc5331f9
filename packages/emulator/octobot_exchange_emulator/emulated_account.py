"""The emulated account: balances, orders and the matching of orders against the replayed price path.

Rules (Binance spot, simplified to a price path without an order book):
- a MARKET order fills at once, entirely, at the symbol's current price (taker);
- a LIMIT order that would cross the current price fills at once at the current price (taker; a
  LIMIT_MAKER is refused instead); otherwise it rests and fills at its own price (maker) when the path
  trades at or through it;
- STOP_LOSS_LIMIT / TAKE_PROFIT_LIMIT orders wait for the path to reach their stop price, then become
  limit orders: filled at once at the stop price (taker) when their limit is marketable there, else
  resting at their limit price like any limit order;
- funds are reserved when an order is placed (buys at their limit price), fees are charged in the
  received asset at the market's maker or taker rate, rounded to 8 decimals; balances are Decimal.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from octobot_exchange_emulator import errors
from octobot_exchange_emulator.emulated_orders import (
    LIMIT_TYPES,
    ORDER_TYPES,
    SELL_ABOVE_TYPES,
    SELL_BELOW_TYPES,
    STOP_MARKET_TYPES,
    TRIGGERED_TYPES,
    ZERO,
    EmulatedOrder,
    EmulatedOrderList,
    EmulatedTrade,
)
from octobot_exchange_emulator.errors import ApiError
from octobot_exchange_emulator.market_spec import EIGHT_PLACES, MarketSpec, parse_decimal

logger = logging.getLogger(__name__)


def quote_amount(value: Decimal) -> Decimal:
    """A quote amount as Binance books it: 8 decimal places (half up)."""
    return value.quantize(EIGHT_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class _Request:
    """A new order's checked parameters, and what it must reserve (``need`` of ``asset``)."""

    spec: MarketSpec
    side: str
    kind: str
    quantity: Decimal
    price: Decimal | None
    stop: Decimal | None
    tif: str | None
    marketable: bool
    asset: str
    need: Decimal


#: an account event: ("order", order, trade | None, execution type) or ("balance", assets, None, "")
AccountEvent = tuple[str, object, EmulatedTrade | None, str]


class Account:
    """Balances and orders of the one emulated user."""

    def __init__(self, markets: dict[str, MarketSpec], balances: dict[str, Decimal]) -> None:
        self.markets = markets
        self._by_id = {spec.market_id: spec for spec in markets.values()}
        self.free: dict[str, Decimal] = {}
        self.locked: dict[str, Decimal] = {}
        for asset, amount in balances.items():
            if not isinstance(amount, (Decimal, int)) or amount < 0:
                raise ValueError(f"balance of {asset} must be a non-negative Decimal, got {amount!r}")
            self.free[asset] = Decimal(amount)
            self.locked[asset] = ZERO
        self.orders: dict[int, EmulatedOrder] = {}
        self.trades: list[EmulatedTrade] = []
        self._next_order_id = 1
        self._next_trade_id = 1
        self.order_lists: dict[int, EmulatedOrderList] = {}
        self._next_list_id = 1
        #: largest share of an order's quantity that may fill per candle (None: no cap); a fault
        self.partial_fill_fraction: dict[str | None, Decimal] = {}
        self.listeners: list[Callable[[AccountEvent], None]] = []

    # --- lookups ----------------------------------------------------------------------------------

    def spec_by_id(self, market_id: str | None) -> MarketSpec:
        spec = self._by_id.get(market_id or "")
        if spec is None:
            raise errors.invalid_symbol()
        return spec

    def find_order(self, market_id: str, order_id: str | None, client_order_id: str | None) -> EmulatedOrder:
        spec = self.spec_by_id(market_id)
        if order_id:
            try:
                order = self.orders.get(int(order_id))
            except ValueError as error:
                raise ApiError(-1100, "Illegal characters found in parameter 'orderId'.") from error
        elif client_order_id:
            order = next(
                (o for o in reversed(self.orders.values()) if o.client_order_id == client_order_id), None
            )
        else:
            raise ApiError(
                -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"
            )
        if order is None or order.market_id != spec.market_id:
            raise errors.unknown_order()
        return order

    def open_orders(self, market_id: str | None = None) -> list[EmulatedOrder]:
        return [
            o for o in self.orders.values() if o.is_open and (market_id is None or o.market_id == market_id)
        ]

    def balance_entries(self, assets: list[str] | None = None) -> list[dict]:
        from octobot_exchange_emulator.market_spec import fmt

        names = sorted(self.free) if assets is None else assets
        return [
            {"asset": a, "free": fmt(self.free.get(a, ZERO)), "locked": fmt(self.locked.get(a, ZERO))}
            for a in names
        ]

    # --- order entry ------------------------------------------------------------------------------

    def _validate(self, params: dict[str, str], price_now: Decimal) -> _Request:
        """A new order's parameters checked as Binance checks them (funds apart)."""
        spec = self.spec_by_id(params.get("symbol"))
        side = (params.get("side") or "").upper()
        if side not in ("BUY", "SELL"):
            raise ApiError(
                -1117 if side else -1102, "Invalid side." if side else errors.mandatory("side").msg
            )
        kind = (params.get("type") or "").upper()
        if kind not in ORDER_TYPES:
            raise ApiError(-1116, "Invalid orderType.")
        price = stop = None
        tif = None
        if kind in LIMIT_TYPES:
            price = parse_decimal(params.get("price"), "price")
            spec.check_price(price)
            if kind != "LIMIT_MAKER":
                tif = params.get("timeInForce")
                if tif not in ("GTC", "IOC", "FOK"):
                    raise errors.mandatory("timeInForce")
        if kind in TRIGGERED_TYPES:
            stop = parse_decimal(params.get("stopPrice"), "stopPrice")
            spec.check_price(stop)
        if kind == "MARKET" and params.get("quoteOrderQty") and not params.get("quantity"):
            spend = parse_decimal(params.get("quoteOrderQty"), "quoteOrderQty")
            quantity = spec.floor_quantity(spend / price_now)
        else:
            quantity = parse_decimal(params.get("quantity"), "quantity")
        spec.check_quantity(quantity)
        spec.check_notional(quantity, price if price is not None else stop if stop is not None else price_now)
        if stop is not None and self._would_trigger(kind, side, stop, price_now):
            raise ApiError(-2010, "Order would trigger immediately.")
        marketable = price is not None and stop is None and self._crosses(side, price, price_now)
        if kind == "LIMIT_MAKER" and marketable:
            raise ApiError(-2010, "Order would immediately match and take.")
        # funds: limits reserve at their price, stops at their trigger; market orders pay at once
        if side == "BUY":
            at = price if price is not None else stop if stop is not None else price_now
            asset, need = spec.quote, quote_amount(quantity * at)
        else:
            asset, need = spec.base, quantity
        return _Request(spec, side, kind, quantity, price, stop, tif, marketable, asset, need)

    def _client_id(self, wanted: str | None) -> str:
        """``wanted`` (refused while an OPEN order has it, as Binance does: the id of a closed order may
        be used again), else a fresh id."""
        client_id = wanted or f"emulator-{self._next_order_id}"
        if any(o.client_order_id == client_id and o.is_open for o in self.orders.values()):
            raise errors.duplicate_order()
        return client_id

    def _new_order(self, request: _Request, client_id: str, now_ms: int, list_id: int = -1) -> EmulatedOrder:
        order = EmulatedOrder(
            order_id=self._next_order_id,
            client_order_id=client_id,
            symbol=request.spec.symbol,
            market_id=request.spec.market_id,
            side=request.side,
            type=request.kind,
            quantity=request.quantity,
            price=request.price,
            stop_price=request.stop,
            time_in_force=request.tif,
            time=now_ms,
            working=request.stop is None,
            update_time=now_ms,
            working_time=now_ms if request.stop is None else -1,
            order_list_id=list_id,
        )
        self._next_order_id += 1
        self.orders[order.order_id] = order
        return order

    def place(self, params: dict[str, str], price_now: Decimal, now_ms: int) -> EmulatedOrder:
        """Validate and accept a new order (POST /api/v3/order); fills it at once when marketable."""
        request = self._validate(params, price_now)
        client_id = self._client_id(params.get("newClientOrderId"))
        spec, kind, asset, need = request.spec, request.kind, request.asset, request.need
        if self.free.get(asset, ZERO) < need:
            raise errors.insufficient_balance()
        order = self._new_order(request, client_id, now_ms)
        if kind != "MARKET":
            self._move(asset, -need, +need)
            order.locked = need
        self._emit_order(order, None, "NEW")
        if kind == "MARKET" or request.marketable:
            self._fill(order, spec, request.quantity, price_now, maker=False, now_ms=now_ms)
        elif request.tif in ("IOC", "FOK"):
            self._close(order, "EXPIRED", now_ms, "EXPIRED")
        if kind != "MARKET":
            self._emit_balance([spec.base, spec.quote])
        return order

    # --- order lists (one-cancels-the-other) -------------------------------------------------------

    def place_oco(self, params: dict[str, str], price_now: Decimal, now_ms: int) -> EmulatedOrderList:
        """POST /api/v3/orderList/oco: an "above" and a "below" leg of one side and quantity; the base
        (sells) or quote (buys) is reserved ONCE for both, since only one of them can execute."""
        spec = self.spec_by_id(params.get("symbol"))
        side = (params.get("side") or "").upper()
        if side not in ("BUY", "SELL"):
            raise ApiError(-1117, "Invalid side.") if side else errors.mandatory("side")
        legs = {}
        for position in ("above", "below"):
            leg = {"symbol": params.get("symbol", ""), "side": side, "quantity": params.get("quantity", "")}
            for name in ("type", "price", "stopPrice", "timeInForce", "clientOrderId"):
                value = params.get(position + name[0].upper() + name[1:])
                if value is not None:
                    leg[name] = value
            if not leg.get("type"):
                raise errors.mandatory(position + "Type")
            legs[position] = leg
        above_types, below_types = (
            (SELL_ABOVE_TYPES, SELL_BELOW_TYPES) if side == "SELL" else (SELL_BELOW_TYPES, SELL_ABOVE_TYPES)
        )
        above_type, below_type = legs["above"]["type"].upper(), legs["below"]["type"].upper()
        if above_type not in above_types or below_type not in below_types:
            raise ApiError(-1116, f"Invalid orderType: no {side} order list of these above and below types.")
        requests = {position: self._validate(leg, price_now) for position, leg in legs.items()}
        level = {p: r.price if r.kind in ("LIMIT_MAKER",) else r.stop for p, r in requests.items()}
        if not level["above"] > price_now > level["below"]:  # type: ignore[operator]
            raise ApiError(-1106, "Order list prices must straddle the last price (above > last > below).")
        list_client_id = params.get("listClientOrderId") or f"emulator-list-{self._next_list_id}"
        if any(lst.list_client_order_id == list_client_id for lst in self.open_lists()):
            raise errors.duplicate_order()
        client_ids = [self._client_id(legs[p].get("clientOrderId")) for p in ("below", "above")]
        if client_ids[0] == client_ids[1]:
            raise errors.duplicate_order()
        asset = requests["above"].asset
        need = max(requests["above"].need, requests["below"].need)
        if self.free.get(asset, ZERO) < need:
            raise errors.insufficient_balance()
        list_id = self._next_list_id
        self._next_list_id += 1
        orders = [
            self._new_order(requests[p], client_id, now_ms, list_id)
            for p, client_id in zip(("below", "above"), client_ids, strict=True)
        ]
        order_list = EmulatedOrderList(
            list_id, list_client_id, spec.symbol, spec.market_id, orders, now_ms, locked=need
        )
        self.order_lists[list_id] = order_list
        self._move(asset, -need, +need)  # one reservation for both legs
        for order in orders:
            self._emit_order(order, None, "NEW")
        self._emit_list(order_list)
        self._emit_balance([spec.base, spec.quote])
        return order_list

    def find_list(self, list_id: str | None, list_client_id: str | None) -> EmulatedOrderList:
        if list_id:
            try:
                found = self.order_lists.get(int(list_id))
            except ValueError as error:
                raise ApiError(-1100, "Illegal characters found in parameter 'orderListId'.") from error
        elif list_client_id:
            lists = reversed(self.order_lists.values())
            found = next((lst for lst in lists if lst.list_client_order_id == list_client_id), None)
        else:
            raise ApiError(
                -1102, "Param 'origClientOrderId' or 'orderListId' must be sent, but both were empty/null!"
            )
        if found is None:
            raise ApiError(-2013, "Order list does not exist.")
        return found

    def open_lists(self) -> list[EmulatedOrderList]:
        return [lst for lst in self.order_lists.values() if lst.is_executing]

    def cancel_list(self, order_list: EmulatedOrderList, now_ms: int) -> EmulatedOrderList:
        """DELETE /api/v3/orderList (and the cancel of any leg of an executing list): every open leg is
        cancelled, the shared reservation comes back. A list done (ALL_DONE: a leg triggered or filled,
        the others expired) is no longer cancelled as a list: its leg still open is cancelled alone."""
        if not order_list.is_executing or not any(o.is_open for o in order_list.orders):
            raise ApiError(-2011, "Unknown order list sent.")
        if order_list.locked:
            self._unlock_list(order_list)
        for order in order_list.orders:
            if order.is_open:
                self._close(order, "CANCELED", now_ms, "CANCELED")
        self._finish_list(order_list, "ALL_DONE")
        spec = self.markets[order_list.symbol]
        self._emit_balance([spec.base, spec.quote])
        return order_list

    def _unlock_list(self, order_list: EmulatedOrderList) -> None:
        spec = self.markets[order_list.symbol]
        asset = spec.quote if order_list.orders[0].side == "BUY" else spec.base
        self._move(asset, order_list.locked, -order_list.locked)
        order_list.locked = ZERO

    def _take_list_lock(self, order: EmulatedOrder) -> EmulatedOrderList | None:
        """``order`` (a leg) triggers or fills: it takes its share of its list's reservation, the rest
        is released. The list, when this resolves it (its other legs are then to expire)."""
        order_list = self.order_lists.get(order.order_list_id)
        if order_list is None or not order_list.is_executing:
            return None
        if order.side == "SELL":
            need = order.quantity
        else:
            at = order.price if order.price is not None else order.stop_price
            need = quote_amount(order.quantity * at)  # type: ignore[operator]
        need = min(need, order_list.locked)
        order.locked = need
        order_list.locked -= need
        if order_list.locked:
            self._unlock_list(order_list)
        return order_list

    def _expire_others(self, order_list: EmulatedOrderList, order: EmulatedOrder, now_ms: int) -> None:
        for other in order_list.orders:
            if other is not order and other.is_open:
                self._close(other, "EXPIRED", now_ms, "EXPIRED")
        self._finish_list(order_list, "ALL_DONE")

    def _finish_list(self, order_list: EmulatedOrderList, status: str) -> None:
        order_list.status_type = status
        order_list.order_status = status
        self._emit_list(order_list)

    def cancel(self, order: EmulatedOrder, now_ms: int) -> EmulatedOrder:
        """Cancel an open order; a leg of an executing order list cancels the whole list (Binance)."""
        if not order.is_open:
            raise errors.cancel_rejected()
        order_list = self.order_lists.get(order.order_list_id)
        if order_list is not None and order_list.is_executing:
            self.cancel_list(order_list, now_ms)
            return order
        self._close(order, "CANCELED", now_ms, "CANCELED")
        spec = self.markets[order.symbol]
        self._emit_balance([spec.base, spec.quote])
        return order

    def adjust(self, asset: str, delta: Decimal, now_ms: int) -> None:
        """A deposit (delta > 0) or withdrawal (delta < 0) of free balance."""
        if self.free.get(asset, ZERO) + delta < 0:
            raise ValueError(f"cannot withdraw {-delta} {asset}: only {self.free.get(asset, ZERO)} free")
        self._move(asset, delta, ZERO)
        for listener in self.listeners:
            listener(("deposit", asset, None, str(delta)))
        self._emit_balance([asset])

    # --- matching ---------------------------------------------------------------------------------

    def walk(self, symbol: str, path: list[Decimal], now_ms: int) -> None:
        """Match the symbol's orders along ``path`` (the prices visited, in order, from the last price)."""
        spec = self.markets[symbol]
        cap = self.partial_fill_fraction.get(symbol, self.partial_fill_fraction.get(None))
        for order in self.open_orders(spec.market_id):
            order.filled_this_candle = ZERO
            order.done_this_candle = False
        for start, end in itertools.pairwise(path):
            position = start
            while True:
                hit = self._next_hit(spec.market_id, position, end)
                if hit is None:
                    break
                order, at = hit
                position = at
                if not order.working:  # a stop reached: it becomes a limit (or market) order
                    order_list = self._take_list_lock(order)
                    order.working = True
                    order.working_time = now_ms
                    order.update_time = now_ms
                    if order.type in STOP_MARKET_TYPES:
                        self._fill(order, spec, order.remaining, at, maker=False, now_ms=now_ms)
                    else:
                        self._emit_order(order, None, "NEW")
                    if order_list is not None:  # triggered: the other legs expire (Binance OCO)
                        self._expire_others(order_list, order, now_ms)
                    if order.is_open and self._crosses(order.side, order.price, at):
                        self._fill(order, spec, order.remaining, at, maker=False, now_ms=now_ms)
                    continue
                quantity = order.remaining
                if cap is not None:
                    allowed = spec.floor_quantity(order.quantity * cap) - order.filled_this_candle
                    quantity = min(quantity, max(allowed, ZERO))
                    if quantity < order.remaining:
                        order.done_this_candle = True
                if quantity > 0 and order.price is not None:  # a resting order here is a limit order
                    order_list = self._take_list_lock(order)
                    self._fill(order, spec, quantity, order.price, maker=True, now_ms=now_ms)
                    if order_list is not None:  # filled, even partly: the other legs expire
                        self._expire_others(order_list, order, now_ms)
                else:
                    order.done_this_candle = True

    def _next_hit(self, market_id: str, start: Decimal, end: Decimal) -> tuple[EmulatedOrder, Decimal] | None:
        """The open order the move start -> end meets first, and the price where it meets it."""
        best: tuple[Decimal, int, EmulatedOrder, Decimal] | None = None
        for order in self.open_orders(market_id):
            if order.done_this_candle:
                continue
            level, falling = self._trigger(order)
            if falling:  # met when the price is at or below level
                if start <= level:
                    distance = ZERO
                elif end <= level:
                    distance = start - level
                else:
                    continue
            elif start >= level:
                distance = ZERO
            elif end >= level:
                distance = level - start
            else:
                continue
            key = (distance, order.order_id, order, level)
            if best is None or key[:2] < best[:2]:
                best = key
        return None if best is None else (best[2], best[3])

    @staticmethod
    def _trigger(order: EmulatedOrder) -> tuple[Decimal, bool]:
        """(price level, met when falling to it) of a resting order's next event."""
        if order.working:
            return order.price, order.side == "BUY"  # type: ignore[return-value]
        falling = order.type.startswith("STOP_LOSS") == (order.side == "SELL")
        return order.stop_price, falling  # type: ignore[return-value]

    @staticmethod
    def _crosses(side: str, limit: Decimal | None, price: Decimal) -> bool:
        return limit is not None and (limit >= price if side == "BUY" else limit <= price)

    @staticmethod
    def _would_trigger(kind: str, side: str, stop: Decimal, price: Decimal) -> bool:
        falling = kind.startswith("STOP_LOSS") == (side == "SELL")
        return price <= stop if falling else price >= stop

    # --- balances ---------------------------------------------------------------------------------

    def _fill(
        self,
        order: EmulatedOrder,
        spec: MarketSpec,
        quantity: Decimal,
        price: Decimal,
        maker: bool,
        now_ms: int,
    ) -> None:
        cost = quote_amount(quantity * price)
        rate = spec.maker_fee if maker else spec.taker_fee
        if order.side == "BUY":
            received_asset, received = spec.base, quantity
            reserved = ZERO
            if order.type != "MARKET":  # the share of the reservation this fill uses; the last takes the rest
                last = quantity == order.remaining
                reserved = order.locked if last else min(quote_amount(quantity * order.price), order.locked)  # type: ignore[operator]
            self._move(spec.quote, reserved - cost, -reserved)
            order.locked -= reserved
        else:
            received_asset, received = spec.quote, cost
            reserved = quantity if order.type != "MARKET" else ZERO
            self._move(spec.base, reserved - quantity, -reserved)
            order.locked -= reserved
        fee = (received * rate).quantize(EIGHT_PLACES, rounding=ROUND_HALF_UP)
        self._move(received_asset, received - fee, ZERO)
        trade = EmulatedTrade(
            trade_id=self._next_trade_id,
            order_id=order.order_id,
            symbol=spec.symbol,
            market_id=spec.market_id,
            side=order.side,
            price=price,
            quantity=quantity,
            quote_quantity=cost,
            commission=fee,
            commission_asset=received_asset,
            time=now_ms,
            maker=maker,
        )
        self._next_trade_id += 1
        self.trades.append(trade)
        order.executed += quantity
        order.quote_executed += cost
        order.filled_this_candle += quantity
        order.update_time = now_ms
        order.fills.append(trade.to_fill())
        order.status = "FILLED" if order.executed == order.quantity else "PARTIALLY_FILLED"
        if order.status == "FILLED":
            self._release(order, spec)
        self._emit_order(order, trade, "TRADE")
        self._emit_balance([spec.base, spec.quote])

    def _close(self, order: EmulatedOrder, status: str, now_ms: int, exec_type: str) -> None:
        order.status = status
        order.update_time = now_ms
        self._release(order, self.markets[order.symbol])
        self._emit_order(order, None, exec_type)

    def _release(self, order: EmulatedOrder, spec: MarketSpec) -> None:
        if order.locked:
            asset = spec.quote if order.side == "BUY" else spec.base
            self._move(asset, order.locked, -order.locked)
            order.locked = ZERO

    def _move(self, asset: str, free_delta: Decimal, locked_delta: Decimal) -> None:
        free = self.free.get(asset, ZERO) + free_delta
        locked = self.locked.get(asset, ZERO) + locked_delta
        if free < 0 or locked < 0:  # a bug of the emulator, never a user error
            raise AssertionError(f"{asset} balance would go negative: free {free}, locked {locked}")
        self.free[asset] = free
        self.locked[asset] = locked

    # --- events -----------------------------------------------------------------------------------

    def _emit_order(self, order: EmulatedOrder, trade: EmulatedTrade | None, exec_type: str) -> None:
        for listener in self.listeners:
            listener(("order", order, trade, exec_type))

    def _emit_list(self, order_list: EmulatedOrderList) -> None:
        for listener in self.listeners:
            listener(("list", order_list, None, ""))

    def _emit_balance(self, assets: list[str]) -> None:
        for listener in self.listeners:
            listener(("balance", assets, None, ""))
