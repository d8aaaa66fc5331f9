"""Client order ids: every order the bot sends carries one, so a lost answer never means a lost order.

Why deterministic and unique: when the answer to "create this order" is lost, the bot cannot know
whether the exchange accepted it. With an id chosen by the bot, it asks the exchange for the order by
that id instead of sending it again (which would double the position). The id is
``<prefix>-<session>-<n>``: the prefix marks the bot's orders among the account's (manual orders,
other bots), the session (base 36 of the start time in ms, or a persisted value) keeps ids unique
across restarts, and ``n`` counts orders; the same (prefix, session, n) always gives the same id.
"""

from __future__ import annotations

import itertools
import re

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_PREFIX = re.compile(r"^[A-Za-z0-9]{1,16}$")


def base36(value: int) -> str:
    if value < 0:
        raise ValueError(f"base36 needs a non-negative integer, got {value}")
    digits = []
    while True:
        value, digit = divmod(value, 36)
        digits.append(_DIGITS[digit])
        if not value:
            return "".join(reversed(digits))


class ClientOrderIds:
    """Generates ``<prefix>-<session>-<n>`` ids (see module doc), at most ``max_length`` characters."""

    def __init__(self, prefix: str, session: str, *, max_length: int = 32, start: int = 1) -> None:
        if not _PREFIX.match(prefix):
            raise ValueError(f"client order id prefix must be 1-16 letters or digits, got {prefix!r}")
        if not re.match(r"^[a-z0-9]{1,12}$", session):
            raise ValueError(
                f"client order id session must be 1-12 lowercase letters or digits, got {session!r}"
            )
        self.prefix = prefix
        self.session = session
        self.max_length = max_length
        room = max_length - len(prefix) - len(session) - 2
        if room < 4:
            raise ValueError(
                f"prefix {prefix!r} and session {session!r} leave {room} characters for the order number "
                f"(max length {max_length}); use a shorter prefix"
            )
        self._room = room
        self._counter = itertools.count(start)
        #: the number of the last id generated (persist it with the session to resume after a restart)
        self.last = start - 1

    @classmethod
    def for_session_start(cls, prefix: str, start_ms: int, *, max_length: int = 32) -> ClientOrderIds:
        """Ids of a session started at ``start_ms`` (its base-36 time is the session tag)."""
        return cls(prefix, base36(int(start_ms)), max_length=max_length)

    def id_for(self, n: int) -> str:
        """The id of order number ``n`` of this session (deterministic)."""
        number = base36(n)
        if len(number) > self._room:
            raise OverflowError(f"order number {n} does not fit in a {self.max_length}-character client id")
        return f"{self.prefix}-{self.session}-{number}"

    def next(self) -> str:
        n = next(self._counter)
        self.last = n
        return self.id_for(n)

    def is_ours(self, client_order_id: str | None) -> bool:
        """True for ids this bot (any session) generated."""
        return client_order_id is not None and client_order_id.startswith(f"{self.prefix}-")
