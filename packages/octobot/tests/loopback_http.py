"""A real HTTP server on 127.0.0.1 whose answers a test scripts, path by path (feeds' failures included).

Each path has a queue of `Reply`s served in order; the last one is repeated. A reply can be late (to
make a client time out), any status (429 with Retry-After, 500), any body (malformed XML, JSON).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    status: int = 200
    body: str | bytes = ""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering

    @classmethod
    def json(cls, content: Any, status: int = 200) -> Reply:
        return cls(status, json.dumps(content))


class LoopbackHTTPServer:
    """``async with LoopbackHTTPServer() as server``: ``server.url``, ``server.script(path, *replies)``,
    ``server.requests`` (every request seen: method, path, query, headers, body)."""

    def __init__(self) -> None:
        self._replies: dict[str, list[Reply | Callable[[web.Request], Reply]]] = {}
        self.requests: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    def script(self, path: str, *replies: Reply | Callable[[web.Request], Reply]) -> None:
        """Serve ``replies`` in order on ``path`` (the last one forever); a callable makes one per call."""
        self._replies[path] = list(replies)

    def hits(self, path: str) -> int:
        return sum(1 for request in self.requests if request["path"] == path)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "headers": dict(request.headers),
                "body": body,
            }
        )
        queue = self._replies.get(request.path)
        if not queue:
            return web.Response(status=404, text="not scripted")
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(reply):
            reply = reply(request)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        return web.Response(
            status=reply.status,
            body=reply.body.encode() if isinstance(reply.body, str) else reply.body,
            content_type=reply.content_type,
            headers=reply.headers,
        )

    async def __aenter__(self) -> LoopbackHTTPServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait (without a timing assertion: the timeout only bounds a broken test) until ``predicate()``."""

    async def poll() -> None:
        while not predicate():  # noqa: ASYNC110  (state of another task, no event to await)
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)
