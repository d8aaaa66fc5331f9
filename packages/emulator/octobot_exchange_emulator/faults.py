"""Faults the emulator injects on demand, each one a thing real exchanges do to a live bot.

Every fault targets a request path (``None``: any path; an HTTP method may narrow it) and fires
``times`` times, then disarms itself. Nothing waits on a timer: a held request ("timeout") is released
by ``release()`` or when the emulator stops, so tests never depend on timing.
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass, field
from decimal import Decimal

from octobot_exchange_emulator.random_faults import RandomFaultDraws, RandomFaults


class FaultKind(str, enum.Enum):
    HTTP_ERROR = "http_error"  # answer with an HTTP status (5xx, 429, 418) instead of processing
    TIMEOUT = "timeout"  # hold the answer until released (the client's timeout fires first)
    DROP = "drop"  # close the connection without an answer, before processing
    LOST_ANSWER = "lost_answer"  # process the request (the order exists), then close the connection


@dataclass
class Fault:
    """One armed fault. ``fired`` counts the requests it hit."""

    kind: FaultKind
    path: str | None
    method: str | None
    times: int
    status: int | None = None
    retry_after: int | None = None
    process: bool = False  # TIMEOUT: process the request before holding its answer
    fired: int = 0
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, path: str) -> bool:
        return (
            self.fired < self.times
            and (self.path is None or self.path == path)
            and (self.method is None or self.method == method)
        )

    @property
    def exhausted(self) -> bool:
        return self.fired >= self.times


#: bodies Binance sends with rate-limit statuses; 5xx answers are its gateway's plain text pages
_RATE_LIMIT_BODIES = {
    429: {"code": -1003, "msg": "Too many requests; current limit is 6000 request weight per 1 MINUTE."},
    418: {"code": -1003, "msg": "Way too many requests; IP banned until 1800000000000."},
}


def error_body(status: int) -> tuple[str, str]:
    """(body, content type) of an injected HTTP error."""
    import json

    if status in _RATE_LIMIT_BODIES:
        return json.dumps(_RATE_LIMIT_BODIES[status]), "application/json"
    if status >= 500:
        return f"<html><body><h1>{status} Service Unavailable</h1></body></html>", "text/html"
    return json.dumps({"code": -1000, "msg": "An unknown error occurred while processing the request."}), (
        "application/json"
    )


class FaultPlan:
    """The faults armed on one emulator (``emulator.faults``)."""

    def __init__(self) -> None:
        self.armed: list[Fault] = []
        #: per symbol (None: every symbol): largest share of an order's quantity filled per candle
        self.partial_fills: dict[str | None, Decimal] = {}
        #: streams held silent: stream names, or None for every stream
        self.silenced: set[str | None] = set()
        self.on_resume: list = []
        #: faults drawn at random for each request (``randomize``), after the armed ones
        self.random: RandomFaultDraws | None = None

    def _arm(self, fault: Fault) -> Fault:
        self.armed.append(fault)
        return fault

    def http_error(
        self,
        status: int,
        path: str | None = None,
        times: int = 1,
        method: str | None = None,
        retry_after: int = 1,
    ) -> Fault:
        """Answer with ``status`` (500/502/503/504, 429 or 418 with a Retry-After header)."""
        if not 400 <= status <= 599:
            raise ValueError(f"status {status} is not an HTTP error status (400-599)")
        return self._arm(Fault(FaultKind.HTTP_ERROR, path, method, times, status, retry_after))

    def rate_limit(
        self, path: str | None = None, times: int = 1, retry_after: int = 1, ban: bool = False
    ) -> Fault:
        """Binance's 429 (or 418 when ``ban``: the IP is banned) with Retry-After seconds."""
        return self.http_error(418 if ban else 429, path, times, retry_after=retry_after)

    def timeout(
        self, path: str | None = None, times: int = 1, method: str | None = None, process: bool = False
    ) -> Fault:
        """Hold the answer until ``release()``; with ``process`` the request takes effect first."""
        return self._arm(Fault(FaultKind.TIMEOUT, path, method, times, process=process))

    def drop_connection(self, path: str | None = None, times: int = 1, method: str | None = None) -> Fault:
        """Close the connection without answering (the request has no effect)."""
        return self._arm(Fault(FaultKind.DROP, path, method, times))

    def lose_answer(self, path: str = "/api/v3/order", times: int = 1, method: str | None = "POST") -> Fault:
        """Process the request (e.g. the order is created), then close the connection unanswered."""
        return self._arm(Fault(FaultKind.LOST_ANSWER, path, method, times))

    def partial_fill(self, fraction: Decimal, symbol: str | None = None) -> None:
        """Resting orders fill at most ``fraction`` of their quantity per candle (until ``clear()``)."""
        fraction = Decimal(fraction)
        if not 0 < fraction <= 1:
            raise ValueError(f"fraction must be in (0, 1], got {fraction}")
        self.partial_fills[symbol] = fraction

    def silence_streams(self, stream: str | None = None) -> None:
        """Keep websockets open but send nothing on ``stream`` (e.g. "btcusdt@kline_5m"; None: all)."""
        self.silenced.add(stream)

    def resume_streams(self) -> None:
        """End every silence; events held meanwhile are dropped, as a real stall loses them."""
        self.silenced.clear()

    def is_silenced(self, stream: str) -> bool:
        return None in self.silenced or stream in self.silenced

    def randomize(self, faults: RandomFaults | None) -> None:
        """Draw faults at random for every REST request from now on (None: stop drawing)."""
        self.random = RandomFaultDraws(faults) if faults is not None and faults.active else None

    def delay_s(self) -> float:
        """How long the next answer waits (the random latency; 0 without ``randomize``)."""
        return self.random.delay_s() if self.random is not None else 0.0

    def release(self) -> None:
        """Let every held (timeout) request answer."""
        for fault in self.armed:
            fault.released.set()

    def clear(self) -> None:
        """Disarm everything and release held requests."""
        self.release()
        self.armed.clear()
        self.partial_fills.clear()
        self.silenced.clear()
        self.random = None

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault for this request, counted as fired; else a random one, if drawn."""
        for fault in self.armed:
            if fault.matches(method, path):
                fault.fired += 1
                return fault
        draws = self.random
        kind = draws.kind(method) if draws is not None else None
        if draws is None or kind is None:
            return None
        retry_after = draws.faults.retry_after
        if kind == "http_error":
            return Fault(FaultKind.HTTP_ERROR, path, method, 1, 503, retry_after, fired=1)
        if kind == "rate_limit":
            return Fault(FaultKind.HTTP_ERROR, path, method, 1, 429, retry_after, fired=1)
        return Fault(FaultKind.DROP if kind == "drop" else FaultKind.LOST_ANSWER, path, method, 1, fired=1)
