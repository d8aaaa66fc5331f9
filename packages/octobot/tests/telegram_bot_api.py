"""A Telegram Bot API server on loopback, for tests: the methods a bot library uses, over real HTTP.

Why a real server: the interface, the notifier and the channel feeds are tested through the library they
use in production (its HTTP client, its parsing, its error handling), only the address changes
(``TelegramBotAPI.url`` as the library's API server). The test plays the users: `user_sends`,
`user_presses`, `channel_posts` queue updates; what the bot sent is in `sent`, `edited`, `answered`.

Protocol as documented at core.telegram.org/bots/api: ``POST /bot<token>/<method>`` with form, multipart
or JSON parameters; answers ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N,
"description": "...", "parameters": {"retry_after": S}}``. getUpdates holds the request up to its
``timeout`` (long polling) and confirms the updates below ``offset``. As Telegram does, a getUpdates
arriving while another is held open ends the older one with ``409 Conflict: terminated by other getUpdates
request``: `conflicts` counts those, `most_concurrent_polls` the most reads held open at once (a bot with
one reader per token keeps it at 1). `fail_next` makes the next calls of a method fail (429 with
retry_after, 400, 500, a malformed body) to test the error paths.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER_ID = 7000001
_NUMBERS = ("chat_id", "message_id", "offset", "limit", "timeout")
BOT_USERNAME = "octobot_test_bot"


@dataclass
class Failure:
    """How the next call of a method fails: an HTTP status and description, or a malformed body."""

    status: int
    description: str
    retry_after: int | None = None
    malformed: bool = False


@dataclass
class _Poll:
    """A getUpdates held open; ``terminated`` once a newer one took its place."""

    request: web.Request
    terminated: bool = False
    answered: bool = False

    @property
    def open(self) -> bool:  # an answered read, or a reader that went away (cancelled), no longer counts
        transport = self.request.transport
        held = not self.terminated and not self.answered
        return held and transport is not None and not transport.is_closing()


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token_ok: bool


@dataclass
class TelegramBotAPI:
    """The server (``async with TelegramBotAPI(token) as api``); ``api.url`` is the API server's base."""

    token: str
    host: str = "127.0.0.1"
    calls: list[Call] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    edited: list[dict[str, Any]] = field(default_factory=list)
    answered: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._failures: dict[str, list[Failure]] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._polls: list[_Poll] = []
        self.conflicts = 0
        self.most_concurrent_polls = 0
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> TelegramBotAPI:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing = True
        async with self._changed:
            self._changed.notify_all()  # long polls answer now
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- the users ---------------------------------------------------------------------------
    async def _push(self, update: dict[str, Any]) -> dict[str, Any]:
        update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        async with self._changed:
            self._changed.notify_all()
        return update

    @staticmethod
    def _user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"user{user_id}", "username": f"user{user_id}"}

    @staticmethod
    def _chat(chat_id: int, kind: str = "private") -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = f"user{chat_id}"
        else:
            chat["title"] = f"chat{chat_id}"
        return chat

    async def user_sends(self, chat_id: int, text: str, user_id: int | None = None) -> dict[str, Any]:
        """A user writes ``text`` to the bot in chat ``chat_id`` (a command when it starts with /)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self._user(user_id or chat_id),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self._push({"message": message})

    async def user_presses(
        self, chat_id: int, message: dict[str, Any], data: str, user_id: int | None = None
    ) -> dict[str, Any]:
        """A user presses the inline button carrying ``data`` under ``message`` (one the bot sent)."""
        query = {
            "id": str(next(self._callback_ids)),
            "from": self._user(user_id or chat_id),
            "message": message,
            "chat_instance": str(chat_id),
            "data": data,
        }
        return await self._push({"callback_query": query})

    async def channel_posts(self, chat_id: int, text: str, title: str = "signals") -> dict[str, Any]:
        """A post in channel ``chat_id`` where the bot is a member (what a channel feed reads)."""
        post = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "channel", "title": title},
            "text": text,
        }
        return await self._push({"channel_post": post})

    def fail_next(self, method: str, failure: Failure, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` fail as ``failure`` says."""
        self._failures.setdefault(method, []).extend([failure] * times)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10) -> Any:
        """Wait (on the server's events, not polling) until ``predicate()`` is truthy; its value."""

        async def until() -> Any:
            async with self._changed:
                while not (value := predicate()):
                    await self._changed.wait()
                return value

        return await asyncio.wait_for(until(), timeout)

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    # --- the server --------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        token_ok = request.match_info["token"] == self.token
        self.calls.append(Call(method, params, token_ok))
        async with self._changed:
            self._changed.notify_all()
        try:
            if not token_ok:
                return self._error(401, "Unauthorized")
            failures = self._failures.get(method)
            if failures:
                failure = failures.pop(0)
                if failure.malformed:
                    return web.Response(status=failure.status, text="<html>bad gateway</html>")
                return self._error(failure.status, failure.description, failure.retry_after)
            if method.lower() == "getupdates":
                return await self._get_updates(request, params)
            handler = getattr(self, f"_method_{method.lower()}", None)
            if handler is None:
                return self._error(404, "Not Found: method not found")
            result = await handler(params)
            if isinstance(result, web.Response):
                return result
            return web.json_response({"ok": True, "result": result})
        finally:
            async with self._changed:
                self._changed.notify_all()

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.json()
            return dict(body) if isinstance(body, dict) else {}
        values: dict[str, Any] = dict(request.query)
        for key, value in (await request.post()).items():
            values[key] = value if isinstance(value, str) else value.file.read().decode()
        for key, value in list(values.items()):  # form fields carry JSON for objects and numbers
            if isinstance(value, str) and (value[:1] in "{[" or key in _NUMBERS):
                try:
                    values[key] = json.loads(value)
                except json.JSONDecodeError:
                    pass
        return values

    @staticmethod
    def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    def _bot_user(self) -> dict[str, Any]:
        return {"id": BOT_USER_ID, "is_bot": True, "first_name": "OctoBot", "username": BOT_USERNAME}

    async def _method_getme(self, params: dict[str, Any]) -> Any:
        return {**self._bot_user(), "can_join_groups": True, "can_read_all_group_messages": False}

    async def _method_deletewebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _method_setmycommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _get_updates(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]  # confirmed: forgotten
        others = [poll for poll in self._polls if poll.open]
        for other in others:  # Telegram: the newer read wins, the older one ends in 409
            other.terminated = True
        poll = _Poll(request)
        self._polls = [poll]
        self.most_concurrent_polls = max(self.most_concurrent_polls, len(others) + 1)
        if others:
            async with self._changed:
                self._changed.notify_all()

        def pending() -> list[dict[str, Any]]:
            return [u for u in self._updates if u["update_id"] >= offset][:limit]

        if not pending() and timeout > 0 and not self._closing:
            async with self._changed:
                try:
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(pending()) or self._closing or poll.terminated),
                        timeout,
                    )
                except asyncio.TimeoutError:
                    pass
        poll.answered = True
        if poll.terminated:
            self.conflicts += 1
            return self._error(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
                "running",
            )
        return web.json_response({"ok": True, "result": pending()})

    def _message(self, params: dict[str, Any], text: str) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        numeric = isinstance(chat_id, int) or str(chat_id).lstrip("-").isdigit()
        chat = self._chat(int(str(chat_id))) if numeric else {"id": chat_id, "type": "channel"}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
            "text": text,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _method_sendmessage(self, params: dict[str, Any]) -> Any:
        text = params.get("text")
        if not text:
            return self._error(400, "Bad Request: message text is empty")
        if "chat_id" not in params:
            return self._error(400, "Bad Request: chat not found")
        message = self._message(params, str(text))
        self.sent.append({**params, "message": message})
        return message

    async def _method_editmessagetext(self, params: dict[str, Any]) -> Any:
        if not params.get("text"):
            return self._error(400, "Bad Request: message text is empty")
        message = self._message(params, str(params["text"]))
        message["message_id"] = params.get("message_id")
        self.edited.append({**params, "message": message})
        return message

    async def _method_answercallbackquery(self, params: dict[str, Any]) -> Any:
        self.answered.append(params)
        return True
