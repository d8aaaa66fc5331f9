"""Websockets of the emulator, as ccxt.pro's binance client uses them.

- Market streams (``ws://HOST:PORT/ws/<n>``): the client sends ``{"method": "SUBSCRIBE", "params":
  ["ethbtc@kline_5m", ...], "id": 1}``; each ``advance()`` then pushes, per stream subscribed, Binance's
  raw events: ``kline`` (the closed candle, or the forming one of a larger interval), ``24hrTicker``,
  ``trade`` / ``aggTrade`` (the candle's path points), ``depthUpdate`` (diff against the previous book,
  update ids chained with the REST /depth snapshot's lastUpdateId) and ``bookTicker``.
- User data: ccxt.pro subscribes on the WebSocket API (``ws://HOST:PORT/ws-api/v3``) with the signed
  ``userDataStream.subscribe.signature`` request; the legacy ``/ws/<listenKey>`` stream is served too.
  Events: ``executionReport`` per order change or fill, ``listStatus`` per order list (OCO) change,
  ``outboundAccountPosition`` per balance change.

Events are queued synchronously where they happen and written by ``flush()``, which ``advance()`` and the
order endpoints await, so a client has its events on the wire when the call that caused them returns.
A silenced stream (``emulator.faults.silence_streams``) stays open and drops its events until resumed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from octobot_exchange_emulator import market_answers
from octobot_exchange_emulator.emulated_orders import EmulatedOrder, EmulatedTrade
from octobot_exchange_emulator.errors import ApiError
from octobot_exchange_emulator.market_spec import fmt
from octobot_exchange_emulator.signing import check_api_key, check_timestamp, sign
from octobot_trading.time_frames import parse_time_frame

if TYPE_CHECKING:
    import numpy as np

    from octobot_exchange_emulator.emulated_account import Account
    from octobot_exchange_emulator.exchange_emulator import ExchangeEmulator
    from octobot_exchange_emulator.price_replay import PublicTrade, SymbolReplay

logger = logging.getLogger(__name__)

#: the stream name used for silencing the user data stream
USER_DATA_STREAM = "userData"


class _Connection:
    """One websocket client: its subscribed streams, or its user data subscription."""

    def __init__(self, socket: web.WebSocketResponse, user_data_id: int | None = None) -> None:
        self.socket = socket
        self.streams: set[str] = set()
        self.user_data_id = user_data_id
        self.pending: list[str] = []


class StreamHub:
    """The websocket side of one ``ExchangeEmulator``."""

    def __init__(self, emulator: ExchangeEmulator) -> None:
        self.emulator = emulator
        self.connections: list[_Connection] = []
        self._subscribed: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self._books: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
        self._next_subscription_id = 0
        emulator.account.listeners.append(self._on_account_event)
        emulator.add_step_listener(self._on_step)
        self.snapshot_books()

    def register(self, app: web.Application) -> None:
        app.router.add_get("/ws-api/v3", self._ws_api)
        app.router.add_get("/ws", self._market_ws)
        app.router.add_get("/ws/{tail:.*}", self._market_ws)

    async def close(self) -> None:
        for connection in list(self.connections):
            with contextlib.suppress(Exception):
                await connection.socket.close()
        self.connections.clear()

    # --- waiting for subscriptions (tests: subscribe, then advance) --------------------------------

    async def wait_subscribed(self, stream: str) -> None:
        """Return once some client subscribed to ``stream`` ("ethbtc@kline_5m", or "userData")."""
        await self._subscribed[stream].wait()

    def subscribers(self, stream: str) -> int:
        return sum(
            1
            for c in self.connections
            if stream in c.streams or (stream == USER_DATA_STREAM and c.user_data_id is not None)
        )

    # --- connections -------------------------------------------------------------------------------

    async def _market_ws(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        connection = _Connection(socket)
        tail = request.match_info.get("tail", "")
        if tail in self.emulator.listen_keys:  # legacy user data stream: /ws/<listenKey>
            connection.user_data_id = -1
            self._subscribed[USER_DATA_STREAM].set()
        self.connections.append(connection)
        try:
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    continue
                await self._on_market_request(connection, message.data)
        finally:
            self.connections.remove(connection)
        return socket

    async def _on_market_request(self, connection: _Connection, text: str) -> None:
        try:
            request = json.loads(text)
            method, params, request_id = request.get("method"), request.get("params") or [], request.get("id")
        except (ValueError, AttributeError):
            await connection.socket.send_json({"error": {"code": 3, "msg": "Invalid JSON"}, "id": None})
            return
        if method == "SUBSCRIBE":
            unknown = [s for s in params if not self._known_stream(s)]
            if unknown:
                error = {"code": 2, "msg": f"Invalid request: unknown stream {unknown[0]}"}
                await connection.socket.send_json({"error": error, "id": request_id})
                return
            connection.streams.update(params)
            await connection.socket.send_json({"result": None, "id": request_id})
            for stream in params:
                self._subscribed[stream].set()
        elif method == "UNSUBSCRIBE":
            connection.streams.difference_update(params)
            await connection.socket.send_json({"result": None, "id": request_id})
        elif method == "LIST_SUBSCRIPTIONS":
            await connection.socket.send_json({"result": sorted(connection.streams), "id": request_id})
        else:
            error = {"code": 1, "msg": f"Invalid request: unknown method {method}"}
            await connection.socket.send_json({"error": error, "id": request_id})

    def _known_stream(self, stream: str) -> bool:
        market_id, _, channel = stream.partition("@")
        ids = {spec.market_id.lower() for spec in self.emulator.markets.values()}
        if market_id not in ids:
            return False
        if channel.startswith("kline_"):
            try:
                parse_time_frame(channel[len("kline_") :])
            except ValueError:
                return False
            return True
        return channel.split("@")[0] in (
            "ticker",
            "miniTicker",
            "trade",
            "aggTrade",
            "depth",
            "bookTicker",
        ) or (channel.startswith("depth"))

    async def _ws_api(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        connection = _Connection(socket)
        self.connections.append(connection)
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    await self._on_api_request(connection, message.data)
        finally:
            self.connections.remove(connection)
        return socket

    async def _on_api_request(self, connection: _Connection, text: str) -> None:
        request_id = None
        method = None
        status = 200
        try:
            request = json.loads(text)
            request_id, method = request.get("id"), request.get("method")
            params = request.get("params") or {}
            if method == "ping":
                answer: dict = {}
            elif method == "time":
                answer = {"serverTime": self.emulator.time_answer()}
            elif method == "userDataStream.subscribe.signature":
                self._check_ws_signature(params)
                connection.user_data_id = self._next_subscription_id
                self._next_subscription_id += 1
                answer = {"subscriptionId": connection.user_data_id}
            elif method == "userDataStream.unsubscribe":
                connection.user_data_id = None
                answer = {}
            else:
                raise ApiError(-1020, f"Unsupported operation: {method}.")
            await connection.socket.send_json({"id": request_id, "status": 200, "result": answer})
            if method == "userDataStream.subscribe.signature":
                self._subscribed[USER_DATA_STREAM].set()
        except ApiError as error:
            status = error.status
            await connection.socket.send_json({"id": request_id, "status": status, "error": error.body()})
        except (ValueError, AttributeError):
            status = 400
            malformed = {"code": -1000, "msg": "Malformed request."}
            await connection.socket.send_json({"id": request_id, "status": status, "error": malformed})
        finally:
            self.emulator.record_ws_request(text, method, status)

    def _check_ws_signature(self, params: dict) -> None:
        """WebSocket API signing: the sorted ``key=value`` parameters (signature excluded)."""
        check_api_key(params.get("apiKey"), self.emulator.api_key)
        payload = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "signature")
        if str(params.get("signature", "")).lower() != sign(payload, self.emulator.secret):
            raise ApiError(-1022, "Signature for this request is not valid.")
        check_timestamp(params, self.emulator.accepted_clocks())

    # --- events ------------------------------------------------------------------------------------

    def _queue(self, stream: str, event: dict) -> None:
        if self.emulator.faults.is_silenced(stream):
            return
        text = json.dumps(event)
        for connection in self.connections:
            if stream in connection.streams:
                connection.pending.append(text)

    def _queue_user(self, event: dict) -> None:
        if self.emulator.faults.is_silenced(USER_DATA_STREAM):
            return
        for connection in self.connections:
            if connection.user_data_id is None:
                continue
            if connection.user_data_id < 0:  # legacy listenKey stream: raw events
                connection.pending.append(json.dumps(event))
            else:
                connection.pending.append(
                    json.dumps({"subscriptionId": connection.user_data_id, "event": event})
                )

    async def flush(self) -> None:
        """Write every queued event to its socket."""
        for connection in list(self.connections):
            pending, connection.pending = connection.pending, []
            for text in pending:
                try:
                    await connection.socket.send_str(text)
                except (ConnectionError, RuntimeError):
                    logger.debug("websocket closed while sending; dropping its events")
                    break

    def _on_step(self, moves: dict) -> None:
        now = self.emulator.now_ms
        for symbol in moves:
            spec = self.emulator.markets[symbol]
            replay = self.emulator.replay.symbols[symbol]
            prefix = spec.market_id.lower()
            wanted = {s for c in self.connections for s in c.streams if s.startswith(prefix + "@")}
            for stream in wanted:
                channel = stream.split("@", 1)[1]
                if channel.startswith("kline_"):
                    interval = channel[len("kline_") :]
                    self._queue(stream, self._kline_event(spec.market_id, replay, interval, now))
                elif channel == "ticker":
                    ticker = market_answers.ticker_24hr(spec, replay, now)
                    self._queue(stream, _ticker_event(ticker, now))
                elif channel == "miniTicker":
                    ticker = market_answers.ticker_24hr(spec, replay, now)
                    self._queue(stream, _mini_ticker_event(ticker, now))
                elif channel in ("trade", "aggTrade"):
                    for trade in list(replay.trades)[-4:]:
                        self._queue(stream, _trade_event(channel, spec.market_id, trade, now))
                elif channel == "bookTicker":
                    book = market_answers.book_ticker(spec, replay)
                    self._queue(stream, {"u": replay.update_id, "s": spec.market_id} | _bbo(book))
            depth_streams = [s for s in wanted if s.split("@", 1)[1].startswith("depth")]
            if depth_streams:
                event = self._depth_event(symbol, now)
                for stream in depth_streams:
                    self._queue(stream, event)
            self._books[symbol] = self._book_levels(symbol)

    def _kline_event(self, market_id: str, replay: SymbolReplay, interval: str, now: int) -> dict:
        """The candle of ``interval`` the closed candle's trades went to: closed (x=true) for the data's
        own time frame, the current group for a larger one. No event for the candle opening now: it has
        no trade yet (nor does the trade stream)."""
        candles = market_answers.candles_for(replay, self.emulator.time_frame, interval, None)
        return _kline(market_id, interval, candles[-1], parse_time_frame(interval).ms, now)

    def _book_levels(self, symbol: str) -> tuple[dict[str, str], dict[str, str]]:
        spec, replay = self.emulator.markets[symbol], self.emulator.replay.symbols[symbol]
        book = market_answers.depth(spec, replay, market_answers.BOOK_LEVELS, replay.update_id)
        return dict(book["bids"]), dict(book["asks"])

    def _depth_event(self, symbol: str, now: int) -> dict:
        """The diff from the book before this step to the book now (removed levels at quantity 0)."""
        before_bids, before_asks = self._books.get(symbol) or ({}, {})
        bids, asks = self._book_levels(symbol)

        def diff(before: dict[str, str], after: dict[str, str]) -> list[list[str]]:
            changes = [[price, "0.00000000"] for price in before if price not in after]
            changes += [
                [price, quantity] for price, quantity in after.items() if before.get(price) != quantity
            ]
            return changes

        update_id = self.emulator.replay.symbols[symbol].update_id
        return {
            "e": "depthUpdate",
            "E": now,
            "s": self.emulator.markets[symbol].market_id,
            "U": update_id,
            "u": update_id,
            "b": diff(before_bids, bids),
            "a": diff(before_asks, asks),
        }

    def snapshot_books(self) -> None:
        """Remember the current books: the base of the next depth diffs."""
        for symbol in self.emulator.markets:
            self._books[symbol] = self._book_levels(symbol)

    def _on_account_event(self, event: tuple) -> None:
        kind, subject, trade, exec_type = event
        now = self.emulator.now_ms
        if kind == "order":
            self._queue_user(_execution_report(subject, trade, exec_type, now))
        elif kind == "list":
            self._queue_user(subject.status_event(now))
        elif kind == "deposit":
            self._queue_user({"e": "balanceUpdate", "E": now, "a": subject, "d": exec_type, "T": now})
        else:
            account = self.emulator.account
            self._queue_user(
                {"e": "outboundAccountPosition", "E": now, "u": now, "B": _balances(account, subject)}
            )


def _balances(account: Account, assets: list[str]) -> list[dict]:
    return [
        {"a": entry["asset"], "f": entry["free"], "l": entry["locked"]}
        for entry in account.balance_entries(assets)
    ]


def _bbo(book: dict) -> dict:
    return {"b": book["bidPrice"], "B": book["bidQty"], "a": book["askPrice"], "A": book["askQty"]}


def _kline(market_id: str, interval: str, row: np.ndarray, step: int, now: int) -> dict:
    open_time = int(row[0])
    return {
        "e": "kline",
        "E": now,
        "s": market_id,
        "k": {
            "t": open_time,
            "T": open_time + step - 1,
            "s": market_id,
            "i": interval,
            "f": -1,
            "L": -1,
            "o": format(row[1], ".8f"),
            "c": format(row[4], ".8f"),
            "h": format(row[2], ".8f"),
            "l": format(row[3], ".8f"),
            "v": format(row[5], ".8f"),
            "n": 4 if row[5] else 0,
            "x": open_time + step <= now,
            "q": format(row[5] * row[4], ".8f"),
            "V": format(row[5] / 2, ".8f"),
            "Q": format(row[5] * row[4] / 2, ".8f"),
            "B": "0",
        },
    }


def _ticker_event(ticker: dict, now: int) -> dict:
    return {
        "e": "24hrTicker",
        "E": now,
        "s": ticker["symbol"],
        "p": ticker["priceChange"],
        "P": ticker["priceChangePercent"],
        "w": ticker["weightedAvgPrice"],
        "x": ticker["prevClosePrice"],
        "c": ticker["lastPrice"],
        "Q": ticker["lastQty"],
        "b": ticker["bidPrice"],
        "B": ticker["bidQty"],
        "a": ticker["askPrice"],
        "A": ticker["askQty"],
        "o": ticker["openPrice"],
        "h": ticker["highPrice"],
        "l": ticker["lowPrice"],
        "v": ticker["volume"],
        "q": ticker["quoteVolume"],
        "O": ticker["openTime"],
        "C": ticker["closeTime"],
        "F": ticker["firstId"],
        "L": ticker["lastId"],
        "n": ticker["count"],
    }


def _mini_ticker_event(ticker: dict, now: int) -> dict:
    return {
        "e": "24hrMiniTicker",
        "E": now,
        "s": ticker["symbol"],
        "c": ticker["lastPrice"],
        "o": ticker["openPrice"],
        "h": ticker["highPrice"],
        "l": ticker["lowPrice"],
        "v": ticker["volume"],
        "q": ticker["quoteVolume"],
    }


def _trade_event(channel: str, market_id: str, trade: PublicTrade, now: int) -> dict:
    event = {
        "e": channel,
        "E": now,
        "s": market_id,
        "p": fmt(trade.price),
        "q": fmt(trade.quantity),
        "T": trade.time,
        "m": trade.buyer_maker,
        "M": True,
    }
    if channel == "trade":
        event["t"] = trade.trade_id
    else:
        event.update({"a": trade.trade_id, "f": trade.trade_id, "l": trade.trade_id})
    return event


def _execution_report(order: EmulatedOrder, trade: EmulatedTrade | None, exec_type: str, now: int) -> dict:
    zero = Decimal(0)
    return {
        "e": "executionReport",
        "E": now,
        "s": order.market_id,
        "c": order.client_order_id,
        "S": order.side,
        "o": order.type,
        "f": order.time_in_force or "GTC",
        "q": fmt(order.quantity),
        "p": fmt(order.price or zero),
        "P": fmt(order.stop_price or zero),
        "F": "0.00000000",
        "g": order.order_list_id,
        "C": order.client_order_id if exec_type == "CANCELED" else "",
        "x": exec_type,
        "X": order.status,
        "r": "NONE",
        "i": order.order_id,
        "l": fmt(trade.quantity if trade else zero),
        "z": fmt(order.executed),
        "L": fmt(trade.price if trade else zero),
        "n": fmt(trade.commission) if trade else "0",
        "N": trade.commission_asset if trade else None,
        "T": now,
        "t": trade.trade_id if trade else -1,
        "I": 0,
        "w": order.is_open and order.working,
        "m": trade.maker if trade else False,
        "M": False,
        "O": order.time,
        "Z": fmt(order.quote_executed),
        "Y": fmt(trade.quote_quantity if trade else zero),
        "Q": "0.00000000",
        "W": order.working_time,
        "V": "EXPIRE_MAKER",
    }
