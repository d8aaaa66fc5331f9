"""The live exchange connector: one account on one exchange through ccxt's async client (ccxt.pro when
the exchange has websockets), for market data, balances, orders, order lists and own trades.

Built in layers, one module each: ``transport`` (the client, the one request path, the clock offset,
public reads), ``account_orders`` (balances, orders and trades; orders sent exactly once),
``order_lists`` (one-cancels-the-other lists). Only this project's types leave it, never ccxt's dicts
or exceptions.
"""

from __future__ import annotations

from octobot_trading.ccxt_connector.order_lists import CcxtOrderLists
from octobot_trading.ccxt_connector.transport import LIVE_RETRY_POLICY

__all__ = ["LIVE_RETRY_POLICY", "CcxtLiveConnector"]


class CcxtLiveConnector(CcxtOrderLists):
    """One exchange account; an async context manager (``start`` / ``stop``).

    ``credentials`` may be None for market data only. ``clock`` is the local machine's clock (ccxt's
    time source, so tests can skew it); ``sleep`` the back-off sleeper (tests drive it).
    """
