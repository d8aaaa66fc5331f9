"""ccxt's websocket futures that nobody awaits: their rejection is taken as retrieved.

Why: during an outage ccxt rejects every pending future of a websocket client. Some of them are
internal bookkeeping that no caller awaits (binance's user-data subscription marker
``authenticate:signature:spot`` is one), so asyncio logs ``Future exception was never retrieved ...
NetworkError`` for each reconnection attempt, although the caller's own watch got (and handled) the
same error. Reading the exception of every future a client makes, as it completes, keeps the log to
what the feed reports itself; a caller awaiting such a future still gets the exception.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

_MARK = "_octobot_consumes_rejections"


def _retrieve(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()  # marks it retrieved; awaiters still receive it


def consume_ws_rejections(exchange: Any) -> None:
    """Make every websocket client ``exchange`` (a ccxt pro instance) creates retrieve the rejection of
    its futures (see module docstring). Idempotent."""
    if getattr(exchange, _MARK, False) or not callable(getattr(exchange, "client", None)):
        return
    make_client = exchange.client

    def client(url: str) -> Any:
        ws_client = make_client(url)
        if not getattr(ws_client, _MARK, False):
            make_future = ws_client.future

            def future(message_hash: Any) -> Any:
                made = make_future(message_hash)
                if not getattr(made, _MARK, False):
                    made.add_done_callback(_retrieve)
                    with contextlib.suppress(AttributeError):  # a future without attributes: once more
                        setattr(made, _MARK, True)
                return made

            ws_client.future = future
            setattr(ws_client, _MARK, True)
        return ws_client

    exchange.client = client
    setattr(exchange, _MARK, True)
