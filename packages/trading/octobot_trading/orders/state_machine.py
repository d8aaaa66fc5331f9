"""The order state machine: which status may follow which.

Why a table: every status change in the package goes through :func:`check_transition`, so an order can
never go back (a filled order never reopens, a cancelled one never fills) whatever the caller does.
"""

from __future__ import annotations

from octobot_trading.orders.enums import OrderStatus
from octobot_trading.orders.errors import InvalidOrderTransitionError

_S = OrderStatus

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    _S.PENDING: frozenset({_S.OPEN, _S.PARTIALLY_FILLED, _S.FILLED, _S.CANCELLED, _S.REJECTED}),
    _S.OPEN: frozenset({_S.PARTIALLY_FILLED, _S.FILLED, _S.CANCELLING, _S.CANCELLED, _S.EXPIRED}),
    _S.PARTIALLY_FILLED: frozenset({_S.PARTIALLY_FILLED, _S.FILLED, _S.CANCELLING, _S.CANCELLED, _S.EXPIRED}),
    # a fill may race a cancel request: the exchange decides which one wins
    _S.CANCELLING: frozenset({_S.CANCELLED, _S.FILLED}),
    _S.FILLED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.REJECTED: frozenset(),
    _S.EXPIRED: frozenset(),
}


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(order_id: str, current: OrderStatus, target: OrderStatus) -> None:
    """Raise :class:`InvalidOrderTransitionError` unless ``current -> target`` is allowed."""
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none (closed)"
        raise InvalidOrderTransitionError(
            f"order {order_id}: cannot go from {current.value} to {target.value}; allowed: {allowed}"
        )
