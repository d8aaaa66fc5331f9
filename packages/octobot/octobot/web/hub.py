"""The websocket hub: typed events fanned out to the subscribers that asked for their type.

Why a queue per subscriber: the bot publishes from its channels' consumers and must never wait for a
slow browser; a subscriber whose queue is full loses its oldest events (a chart redraws from the next
one), never the bot's time. Recent notifications and logs are kept so a page opened later shows them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from aiohttp import web

from octobot.secret_masking import mask

logger = logging.getLogger(__name__)

#: every event type the hub streams (the OpenAPI document lists them too)
EVENT_TYPES = (
    "candle",
    "order",
    "trade",
    "portfolio",
    "profitability",
    "evaluation",
    "bot_state",
    "notification",
    "log",
    "backtest_progress",
    "collect_progress",
    "optimizer_progress",
)
#: event types kept for pages opened later, and how many of each: the recent notifications and log
#: lines, and the profitability against the market of the last weeks of candles (the dashboard's chart)
_KEPT = {"notification": 200, "log": 200, "profitability": 5000}
_QUEUE_SIZE = 1000


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def event_text(event_type: str, data: Any) -> str:
    """One event as sent on the wire: ``{"type", "time", "data"}`` (Decimal as string), secrets masked."""
    text = json.dumps(
        {"type": event_type, "time": int(time.time() * 1000), "data": data}, default=_json_default
    )
    return mask(text)


class _Subscriber:
    def __init__(self, ws: web.WebSocketResponse, types: set[str]) -> None:
        self.ws = ws
        self.types = types
        self.queue: asyncio.Queue[str] = asyncio.Queue(_QUEUE_SIZE)

    def offer(self, text: str) -> None:
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(text)


class EventHub:
    """Publishes typed events to websocket subscribers (see module docstring)."""

    def __init__(self) -> None:
        self._subscribers: set[_Subscriber] = set()
        self._kept: dict[str, deque[dict[str, Any]]] = {
            name: deque(maxlen=size) for name, size in _KEPT.items()
        }

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def kept(self, event_type: str) -> list[dict[str, Any]]:
        """The last events of a kept type (notification, log, profitability), oldest first."""
        return list(self._kept.get(event_type, ()))

    def publish(self, event_type: str, data: Any) -> None:
        """Queue ``data`` for every subscriber of ``event_type`` (never waits)."""
        if event_type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {event_type!r} (known: {', '.join(EVENT_TYPES)})")
        if event_type in self._kept:
            self._kept[event_type].append(json.loads(event_text(event_type, data)))
        text: str | None = None
        for subscriber in self._subscribers:
            if event_type in subscriber.types:
                text = text or event_text(event_type, data)
                subscriber.offer(text)

    async def serve(self, request: web.Request) -> web.WebSocketResponse:
        """A websocket: the client sends ``{"type": "subscribe", "data": [types]}`` (any time) and
        receives the events of those types until it closes."""
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        subscriber = _Subscriber(ws, set(_parse_types(request.query.get("types", "").split(","))))
        self._subscribers.add(subscriber)
        writer = asyncio.create_task(self._write(subscriber))
        try:
            async for message in ws:
                if message.type != web.WSMsgType.TEXT:
                    continue
                self._on_client_message(subscriber, message.data)
        finally:
            self._subscribers.discard(subscriber)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    def _on_client_message(self, subscriber: _Subscriber, text: str) -> None:
        try:
            message = json.loads(text)
            kind, data = message.get("type"), message.get("data", [])
        except (ValueError, AttributeError):
            refused = 'malformed message: send {"type": "subscribe", "data": [event types]}'
            notice = {"event": "error", "title": "Websocket", "text": refused, "silent": False}
            subscriber.offer(event_text("notification", notice))
            return
        if kind == "subscribe" and isinstance(data, list):
            subscriber.types |= set(_parse_types(data))
        elif kind == "unsubscribe" and isinstance(data, list):
            subscriber.types -= set(data)
        subscriber.offer(json.dumps({"type": "subscribed", "data": sorted(subscriber.types)}))

    @staticmethod
    async def _write(subscriber: _Subscriber) -> None:
        while True:
            text = await subscriber.queue.get()
            if subscriber.ws.closed:
                return
            try:
                await subscriber.ws.send_str(text)
            except ConnectionError:
                return

    async def close(self) -> None:
        for subscriber in list(self._subscribers):
            await subscriber.ws.close()


def _parse_types(values: Iterable[Any]) -> list[str]:
    return [value for value in values if isinstance(value, str) and value in EVENT_TYPES]


class HubLogHandler(logging.Handler):
    """Log records (INFO and up by default) as ``log`` events, masked like the log file."""

    def __init__(self, hub: EventHub, loop: asyncio.AbstractEventLoop, level: int = logging.INFO) -> None:
        super().__init__(level)
        self.hub = hub
        self.loop = loop

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("aiohttp.access", __name__)):
            return
        try:
            text = mask(record.getMessage())
        except Exception:  # a broken log call must not break the caller
            return
        event = {
            "level": record.levelname,
            "logger": record.name,
            "text": text,
            "time": int(record.created * 1000),
        }
        # records also come from worker threads (asyncio.to_thread): the hub is only touched on its loop
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.hub.publish, "log", event)
