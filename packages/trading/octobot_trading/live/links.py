"""Links between the bot's orders and the exchange's: client order id (chosen by the bot, sent with the
order) and exchange order id (learnt from the answer).

Why persisted with each order: after a crash, the client order id is the only way to find an order
whose answer never came back; the session and counter of the ids are stored too, so that a restarted
bot never issues an id it used before.
"""

from __future__ import annotations

from typing import Any

from octobot_trading.ccxt_connector.client_ids import ClientOrderIds, base36
from octobot_trading.orders.order import Order

SESSION_COUNTER = "client_order_session"
NUMBER_COUNTER = "client_order_number"


class OrderLinks:
    """order id -> client order id / exchange order id (see module docstring)."""

    def __init__(self, prefix: str, session_ms: int, start: int = 1, *, max_length: int = 32) -> None:
        self.session_ms = int(session_ms)
        self.ids = ClientOrderIds(prefix, base36(self.session_ms), max_length=max_length, start=start)
        self.client_ids: dict[str, str] = {}
        self.exchange_ids: dict[str, str] = {}
        self._by_client: dict[str, str] = {}
        #: order id -> client id of the native order list (OCO) it is a leg of
        self.list_client_ids: dict[str, str] = {}
        #: list client id -> the exchange's list id (known once the exchange answered)
        self.list_ids: dict[str, str] = {}

    def client_id(self, order: Order) -> str:
        """The order's client id, issued on first use."""
        found = self.client_ids.get(order.order_id)
        if found is None:
            found = self.ids.next()
            self.link(order.order_id, found)
        return found

    def link(self, order_id: str, client_id: str, exchange_id: str | None = None) -> None:
        self.client_ids[order_id] = client_id
        self._by_client[client_id] = order_id
        if exchange_id is not None:
            self.exchange_ids[order_id] = exchange_id

    def list_client_id(self, orders: list[Order]) -> str:
        """The client id of the order list made of ``orders``, issued on first use (kept on resends)."""
        found = next(
            (self.list_client_ids[o.order_id] for o in orders if o.order_id in self.list_client_ids), None
        )
        if found is None:
            found = self.ids.next()
        for order in orders:
            self.list_client_ids[order.order_id] = found
        return found

    def renew(self, order_id: str) -> str:
        """A new client id for ``order_id`` (sent again after an edit): the old id and the exchange id no
        longer lead to the order, so late news of the replaced exchange order is not taken for it."""
        old = self.client_ids.get(order_id)
        if old is not None:
            self._by_client.pop(old, None)
        self.exchange_ids.pop(order_id, None)
        new = self.ids.next()
        self.link(order_id, new)
        return new

    def forget_list(self, list_client_id: str) -> None:
        """The legs of ``list_client_id`` are no longer in that list (it was cancelled to be replaced)."""
        for order_id in [o for o, c in self.list_client_ids.items() if c == list_client_id]:
            del self.list_client_ids[order_id]
        self.list_ids.pop(list_client_id, None)

    def list_of(self, order_id: str) -> str | None:
        """The client id of the native order list ``order_id`` is a leg of, None when sent alone."""
        return self.list_client_ids.get(order_id)

    def bind(self, order_id: str, exchange_id: str) -> None:
        self.exchange_ids[order_id] = exchange_id

    def order_id_of(self, client_id: str | None) -> str | None:
        return self._by_client.get(client_id) if client_id else None

    def is_ours(self, client_id: str | None) -> bool:
        return self.ids.is_ours(client_id)

    # --- persistence --------------------------------------------------------------------------------
    def extras(self, order: Order) -> dict[str, Any]:
        """Fields stored with the order's record."""
        extras = {
            "client_order_id": self.client_ids.get(order.order_id),
            "exchange_order_id": self.exchange_ids.get(order.order_id),
        }
        list_client_id = self.list_client_ids.get(order.order_id)
        if list_client_id is not None:
            extras["order_list_client_id"] = list_client_id
            extras["order_list_id"] = self.list_ids.get(list_client_id)
        return extras

    def counters(self) -> dict[str, int]:
        return {SESSION_COUNTER: self.session_ms, NUMBER_COUNTER: self.ids.last}

    @classmethod
    def restore(
        cls,
        prefix: str,
        counters: dict[str, int],
        records: list[dict[str, Any]],
        now_ms: int,
        *,
        max_length: int = 32,
    ) -> OrderLinks:
        """Links of the stored orders; new ids continue the stored session after its last number."""
        session = counters.get(SESSION_COUNTER)
        if session is None:
            links = cls(prefix, now_ms, max_length=max_length)
        else:
            links = cls(prefix, session, start=counters.get(NUMBER_COUNTER, 0) + 1, max_length=max_length)
        for record in records:
            links._restore_record(record)
        return links

    def _restore_record(self, record: dict[str, Any]) -> None:
        client_id = record.get("client_order_id")
        if client_id:
            self.link(record["id"], client_id, record.get("exchange_order_id"))
        list_client_id = record.get("order_list_client_id")
        if list_client_id:
            self.list_client_ids[record["id"]] = list_client_id
            if record.get("order_list_id"):
                self.list_ids[list_client_id] = record["order_list_id"]
        for child in record.get("chained", ()):
            self._restore_record(child)
