"""JSON answers of the API: Decimal as text (no digit lost), secrets masked, errors in one shape
``{"error": code, "message": text, "fields": {key: text}}`` with the HTTP status of their kind."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from aiohttp import web

import octobot_backtesting as ob
from octobot.errors import AlreadyExistsError, ConfigError, NotFoundError, OctoBotError
from octobot.secret_masking import mask

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    if hasattr(value, "value"):  # enums
        return value.value
    return str(value)


def dumps(value: Any) -> str:
    return mask(json.dumps(value, default=_default))


def ok(value: Any, status: int = 200) -> web.Response:
    return web.json_response(text=dumps(value), status=status)


class FieldErrors(OctoBotError):
    """A document refused by its schema, with the message of each field."""

    def __init__(self, message: str, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.fields = fields


def error_response(error: Exception) -> web.Response:
    status, code = 400, "bad_request"
    if isinstance(error, NotFoundError):
        status, code = 404, "not_found"
    elif isinstance(error, AlreadyExistsError):
        status, code = 409, "already_exists"
    elif isinstance(error, (ConfigError, FieldErrors)):
        status, code = 422, "invalid"
    elif isinstance(error, ob.BacktestingError):
        status, code = 422, "data_error"
    body: dict[str, Any] = {"error": code, "message": mask(str(error))}
    if isinstance(error, FieldErrors):
        body["fields"] = {key: mask(text) for key, text in error.fields.items()}
    return web.json_response(text=dumps(body), status=status)


def bad_request(message: str) -> web.Response:
    return web.json_response(text=dumps({"error": "bad_request", "message": message}), status=400)


@web.middleware
async def api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The API's errors as JSON (pages show theirs in the page)."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except (OctoBotError, ob.BacktestingError) as error:
        return error_response(error)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return web.json_response(
            {"error": error.reason.lower().replace(" ", "_"), "message": error.text or error.reason},
            status=error.status,
        )
