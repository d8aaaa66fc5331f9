"""The HTTP side of the emulator: its route table, the middleware that records every request and applies
the faults, and the dispatch that checks API keys and signatures before a handler answers.

Why apart from the handlers: what every request goes through (faults, recording, weight header, Binance's
error bodies) is written once; a handler only turns parameters into an answer or an ``ApiError``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from aiohttp import web

from octobot_exchange_emulator.errors import ApiError
from octobot_exchange_emulator.faults import FaultKind, FaultPlan, error_body
from octobot_exchange_emulator.signing import check_api_key, check_signed

logger = logging.getLogger(__name__)

API = "/api/v3"
#: what a route requires: nothing, an API key, or an API key and a signature
NONE, API_KEY, SIGNED = "NONE", "API_KEY", "SIGNED"
_BODY = web.RequestKey("emulator_body", str)
Handler = Callable[[web.Request, dict[str, str]], Awaitable[object]]


@dataclass(frozen=True)
class RecordedRequest:
    """One request received: its method, path, parameters (query and body), whether it was signed
    (carried a signature parameter), the status answered and the fault applied, if any."""

    method: str
    path: str
    params: dict[str, str]
    signed: bool
    status: int
    fault: str | None = None


class HttpFrontend:
    """Routes, faults, recording and authentication of the REST API (the emulator's base class)."""

    faults: FaultPlan
    api_key: str
    secret: str

    def __init__(self) -> None:
        #: every request received, in order
        self.requests: list[RecordedRequest] = []
        self._routes: dict[tuple[str, str], tuple[str, Handler]] = {}
        self._weight_minute = 0
        self._weight_used = 0

    def accepted_clocks(self) -> list[int]:
        """The clocks a signed request's timestamp is checked against (the emulator's market clock)."""
        raise NotImplementedError

    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        """Requests received on ``path`` (e.g. "/api/v3/order"), optionally of one HTTP method."""
        return [r for r in self.requests if r.path == path and (method is None or r.method == method)]

    def record_ws_request(self, text: str, method: str | None, status: int) -> None:
        """Record a WebSocket API request (path "/ws-api/v3", params: its "params" plus "method")."""
        try:
            params = {k: str(v) for k, v in (json.loads(text).get("params") or {}).items()}
        except (ValueError, AttributeError):
            params = {}
        signed = params.pop("signature", None) is not None
        params["method"] = str(method)
        self.requests.append(RecordedRequest("WS", "/ws-api/v3", params, signed, status))

    def _route(self, app: web.Application, method: str, path: str, security: str, handler: Handler) -> None:
        full = path if path.startswith("/sapi/") else API + path
        self._routes[(method, full)] = (security, handler)
        app.router.add_route(method, full, self._dispatch)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        if request.path.startswith(("/ws", "/stream")):
            return await handler(request)
        body = await request.text() if request.can_read_body else ""
        query = request.rel_url.raw_query_string
        params = dict(parse_qsl(query, keep_blank_values=True))
        params.update(parse_qsl(body, keep_blank_values=True))
        signed = "signature" in params
        params.pop("signature", None)
        fault = self.faults.take(request.method, request.path)
        delay = self.faults.delay_s()
        if delay > 0:
            await asyncio.sleep(delay)

        def record(status: int) -> None:
            self.requests.append(
                RecordedRequest(
                    request.method,
                    request.path,
                    params,
                    signed,
                    status,
                    None if fault is None else fault.kind.value,
                )
            )

        if fault is not None and fault.kind is FaultKind.HTTP_ERROR:
            status = fault.status if fault.status is not None else 500  # an HTTP fault always names one
            record(status)
            text, content_type = error_body(status)
            headers = {"Retry-After": str(fault.retry_after)} if status in (418, 429) else {}
            return web.Response(status=status, text=text, content_type=content_type, headers=headers)
        if fault is not None and fault.kind is FaultKind.DROP:
            record(0)
            return self._drop(request)
        if fault is not None and fault.kind is FaultKind.TIMEOUT and not fault.process:
            await fault.released.wait()
        request[_BODY] = body
        response = await handler(request)
        record(response.status)
        if fault is not None and fault.kind is FaultKind.LOST_ANSWER:
            return self._drop(request)
        if fault is not None and fault.kind is FaultKind.TIMEOUT and fault.process:
            await fault.released.wait()
        response.headers["X-MBX-USED-WEIGHT-1M"] = str(self._count_weight())
        return response

    def _count_weight(self) -> int:
        """Requests answered in the current wall-clock minute (every request weighs 1 here)."""
        minute = int(time.time() // 60)
        if minute != self._weight_minute:
            self._weight_minute, self._weight_used = minute, 0
        self._weight_used += 1
        return self._weight_used

    @staticmethod
    def _drop(request: web.Request) -> web.StreamResponse:
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError  # the handler ends without writing anything

    async def _dispatch(self, request: web.Request) -> web.Response:
        security, handler = self._routes[(request.method, request.path)]
        try:
            params = dict(request.query)
            if security != NONE:
                check_api_key(request.headers.get("X-MBX-APIKEY"), self.api_key)
            if security == SIGNED:
                params = check_signed(
                    request.rel_url.raw_query_string, request[_BODY], self.secret, self.accepted_clocks()
                )
            elif security == API_KEY:
                params.update(parse_qsl(request[_BODY], keep_blank_values=True))
            payload = await handler(request, params)
            status = 200
        except ApiError as error:
            payload, status = error.body(), error.status
        except (ValueError, ArithmeticError) as error:  # a malformed number in some parameter
            logger.debug("malformed request %s: %s", request.path_qs, error)
            payload, status = {"code": -1100, "msg": "Illegal characters found in a parameter."}, 400
        return web.Response(status=status, text=json.dumps(payload), content_type="application/json")
