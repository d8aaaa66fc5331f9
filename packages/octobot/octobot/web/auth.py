"""Who may use the interface: the password, sessions (pages), tokens (API), CSRF and the login limit.

Why both a cookie and tokens: a browser keeps a session cookie, a script keeps a bearer token it got from
`POST /api/v1/token`. Every request that changes something and is not carried by a bearer token must
repeat the browser's CSRF cookie in a form field or header, which another site cannot read (double
submit). Failed logins are counted per client address: past the limit, logins are refused for a while.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass, field

from octobot.errors import OctoBotError
from octobot.web.password import verify_password

SESSION_COOKIE = "octobot_session"
CSRF_COOKIE = "octobot_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW_S = 300.0
SESSION_TTL_S = 12 * 3600.0
TOKEN_TTL_S = 24 * 3600.0


class LoginRefused(OctoBotError):
    """Too many failed logins from one address: ``retry_after_s`` says when to try again."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"too many failed logins; try again in {int(retry_after_s) + 1} s")
        self.retry_after_s = retry_after_s


@dataclass
class WebAuth:
    """The interface's credentials in memory (sessions and tokens die with the process)."""

    password_hash: str | None
    max_failures: int = MAX_FAILED_LOGINS
    failure_window_s: float = FAILED_LOGIN_WINDOW_S
    _sessions: dict[str, float] = field(default_factory=dict)
    _tokens: dict[str, float] = field(default_factory=dict)
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    @property
    def password_required(self) -> bool:
        return self.password_hash is not None

    # ------------------------------------------------------------------ login
    def check_password(self, password: str, client: str) -> bool:
        """Whether ``password`` is right; LoginRefused while ``client`` is over the failure limit."""
        now = time.monotonic()
        failures = self._failures.setdefault(client, deque())
        while failures and now - failures[0] > self.failure_window_s:
            failures.popleft()
        if len(failures) >= self.max_failures:
            raise LoginRefused(self.failure_window_s - (now - failures[0]))
        if self.password_hash is None or verify_password(self.password_hash, password):
            failures.clear()
            return True
        failures.append(now)
        return False

    def new_session(self) -> str:
        return self._issue(self._sessions, SESSION_TTL_S)

    def new_token(self) -> str:
        return self._issue(self._tokens, TOKEN_TTL_S)

    def end_session(self, session: str | None) -> None:
        if session:
            self._sessions.pop(session, None)

    def valid_session(self, session: str | None) -> bool:
        return self._valid(self._sessions, session)

    def valid_token(self, token: str | None) -> bool:
        return self._valid(self._tokens, token)

    @staticmethod
    def _issue(store: dict[str, float], ttl: float) -> str:
        value = secrets.token_urlsafe(32)
        store[value] = time.monotonic() + ttl
        return value

    @staticmethod
    def _valid(store: dict[str, float], value: str | None) -> bool:
        if not value:
            return False
        expiry = store.get(value)
        if expiry is None:
            return False
        if expiry < time.monotonic():
            del store[value]
            return False
        return True


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_matches(cookie: str | None, submitted: str | None) -> bool:
    return bool(cookie) and bool(submitted) and hmac.compare_digest(str(cookie), str(submitted))
