"""Orders on their own: the state machine, sides and kinds, groups."""

from __future__ import annotations

from decimal import Decimal

import pytest

import octobot_trading as ot

from .sim_helpers import D

BTC = "BTC/USDT"


def test_order_state_machine_never_goes_back():
    s = ot.OrderStatus
    assert ot.can_transition(s.PENDING, s.OPEN) and ot.can_transition(s.OPEN, s.PARTIALLY_FILLED)
    assert ot.can_transition(s.CANCELLING, s.FILLED)  # a fill may win the race against a cancel
    for closed in (s.FILLED, s.CANCELLED, s.REJECTED, s.EXPIRED):
        assert closed.is_closed and not ot.ORDER_TRANSITIONS[closed]
    assert not ot.can_transition(s.OPEN, s.PENDING)
    assert not ot.can_transition(s.PARTIALLY_FILLED, s.OPEN)
    assert not ot.can_transition(s.CANCELLING, s.OPEN)
    order = ot.Order("o1", "x", BTC, ot.OrderSide.BUY, ot.OrderKind.LIMIT, D(1), 0, price=D(1))
    order.set_status(s.OPEN, 1)
    order.record_fill(D("0.4"), D(1), "BTC", D(0), 2)
    assert order.status is s.PARTIALLY_FILLED and order.remaining == D("0.6")
    with pytest.raises(ot.InvalidOrderTransitionError, match="partially_filled to open"):
        order.set_status(s.OPEN, 3)
    order.record_fill(D("0.6"), D(2), "BTC", D(0), 4)
    assert order.status is s.FILLED and order.average_price == D("1.6")
    with pytest.raises(ot.InvalidOrderTransitionError):
        order.set_status(s.CANCELLED, 5)


def _order(order_id: str, side: str = "sell", amount: str = "1") -> ot.Order:
    return ot.Order(order_id, "x", BTC, ot.OrderSide(side), ot.OrderKind.LIMIT, D(amount), 0, price=D(100))


def test_order_vocabulary():
    assert ot.OrderSide.BUY.opposite is ot.OrderSide.SELL
    assert ot.OrderKind.STOP_LIMIT.becomes_limit and ot.OrderKind.STOP_LIMIT.is_stop
    assert ot.OrderKind.TRAILING_STOP.is_trailing and not ot.OrderKind.TRAILING_STOP.becomes_limit
    assert not ot.OrderKind.MARKET.has_trigger and ot.OrderKind.TAKE_PROFIT.has_trigger
    assert ot.OrderStatus.PARTIALLY_FILLED.is_active and not ot.OrderStatus.PENDING.is_active


def test_one_cancels_the_other_legs_share_and_hand_over_one_reservation():
    group = ot.OneCancelsTheOther()
    stop, take, third = (group.add(_order(name)) for name in ("stop", "take", "third"))
    for leg in (stop, take, third):
        leg.set_status(ot.OrderStatus.OPEN, 1)
        leg.locked_asset = "BTC"
        leg.required_lock = D(1)
    stop.locked_amount = D(1)
    assert group.shared_lock(take, "BTC") == D(1) and group.shared_lock(stop, "BTC") == 0
    assert group.others(stop) == [take, third]
    assert group.hand_over_lock(stop) == 0  # take needs the whole reservation
    assert (stop.locked_amount, take.locked_amount) == (0, D(1))
    group.pool_lock_into(third)  # third is about to fill: the reservation moves to it
    assert (take.locked_amount, third.locked_amount) == (0, D(1))
    take.set_status(ot.OrderStatus.CANCELLED, 2)
    assert group.others(third) == [stop]
    assert repr(group).startswith("OneCancelsTheOther(")


def test_order_to_dict_is_the_orders_channel_view():
    order = _order("o9", "buy", "0.5")
    view = order.to_dict()
    assert view["id"] == "o9" and view["side"] == "buy" and view["kind"] == "limit"
    assert view["amount"] == Decimal("0.5") and view["status"] == "pending" and view["filled"] == 0
