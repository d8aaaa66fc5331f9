"""The request gate of the interface: who is let in, what a changing request must carry, and the headers
every answer gets.

Rules: with a password set, a page needs the session cookie (else a redirect to /login) and an API call a
session or a bearer token (else 401). With no password set, everything is open (the server then listens
on loopback only). A request that changes something (POST, PUT, PATCH, DELETE) without a bearer token must
repeat the CSRF cookie in the ``csrf_token`` form field or the ``X-CSRF-Token`` header (a script gets a
token from ``POST /api/v1/token``: with no password set, any password is accepted); a websocket opened
from a browser must come from the interface's own origin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlsplit

from aiohttp import web

from octobot.web.auth import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    csrf_matches,
    new_csrf_token,
)
from octobot.web.context import context_of

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: the CSRF token given to a browser on its first visit (set as a cookie on the answer)
_NEW_CSRF = web.RequestKey("octobot_new_csrf", str)

#: reachable without credentials
PUBLIC_PATHS = ("/login", "/api/v1/token", "/api/v1/openapi.json", "/api/v1/ping")
_PUBLIC_PREFIXES = ("/static/",)
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: scripts only from the interface itself; inline styles allowed (the chart library sets its own)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def is_authenticated(request: web.Request) -> bool:
    auth = context_of(request).auth
    if not auth.password_required:
        return True
    return auth.valid_session(request.cookies.get(SESSION_COOKIE)) or auth.valid_token(bearer_token(request))


def csrf_token_of(request: web.Request) -> str:
    """The browser's CSRF token (a new one, set on the answer by the middleware, for a first visit)."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing:
        return existing
    if _NEW_CSRF not in request:
        request[_NEW_CSRF] = new_csrf_token()
    return request[_NEW_CSRF]


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


def _unauthorized(request: web.Request) -> web.StreamResponse:
    if _is_api(request.path):
        return web.json_response(
            {"error": "unauthorized", "message": "log in: POST /api/v1/token with the password"}, status=401
        )
    target = request.path_qs
    raise web.HTTPFound(f"/login?next={quote(target, safe='')}")


#: changing requests without the CSRF check: getting a token (another site could not read the answer)
_CSRF_EXEMPT = ("/api/v1/token",)


async def _csrf_ok(request: web.Request) -> bool:
    if request.method in _SAFE_METHODS or request.path in _CSRF_EXEMPT:
        return True
    if bearer_token(request) is not None and context_of(request).auth.valid_token(bearer_token(request)):
        return True
    cookie = request.cookies.get(CSRF_COOKIE)
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    return csrf_matches(cookie, submitted)


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:  # not a browser: scripts authenticate by token
        return True
    return urlsplit(origin).netloc == request.host


@web.middleware
async def security_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path
    public = path in PUBLIC_PATHS or path.startswith(_PUBLIC_PREFIXES)
    if not public and not is_authenticated(request):
        return _unauthorized(request)
    if path.endswith("/ws") and not _same_origin(request):
        return web.json_response({"error": "forbidden", "message": "cross-origin websocket"}, status=403)
    if not await _csrf_ok(request):
        message = "missing or wrong CSRF token: reload the page and submit again"
        if _is_api(path):
            return web.json_response({"error": "csrf", "message": message}, status=403)
        raise web.HTTPForbidden(text=message)
    response = await handler(request)
    _secure_headers(request, response)
    return response


def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    if response.prepared:  # websockets and streamed files are already on their way
        return
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy", CSP)
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    if _NEW_CSRF in request and not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(CSRF_COOKIE, request[_NEW_CSRF], httponly=False, samesite="Strict", path="/")
