"""One request budget per exchange: a token bucket every REST call, poller and client shares.

Why one shared budget rather than ccxt's per-client limiter: an exchange counts the requests of an IP /
API key, not of a ccxt object; a bot with a REST client, candle pollers and a collector on the same
exchange must spend one budget, or together they exceed the exchange's limit and get a 429 (then a
418 ban). The connector plugs this bucket in as its ccxt client's ``throttle``, so ccxt's per-endpoint
costs are honoured and there is no second limiter.

The bucket is a GCRA (generic cell rate algorithm): each request reserves the next free slot on a
virtual schedule and sleeps once until it, so callers are served in order and nothing polls. A
Retry-After answer pauses the whole budget (the exchange bans the IP, not one caller).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from octobot_trading.timestamps import Clock, WallClock

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]


class RequestBudget:
    """``rate_per_s`` requests of cost 1 per second, bursts of up to ``capacity``.

    ``clock`` (ms) and ``sleep`` (seconds) are injectable so that tests drive time explicitly.
    """

    def __init__(
        self,
        rate_per_s: float,
        capacity: float = 1.0,
        *,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        name: str = "",
    ) -> None:
        if not rate_per_s > 0:
            raise ValueError(f"rate_per_s must be > 0 (requests per second), got {rate_per_s}")
        if not capacity >= 1:
            raise ValueError(f"capacity must be >= 1 (the largest burst), got {capacity}")
        self.rate_per_s = float(rate_per_s)
        self.capacity = float(capacity)
        self.clock: Clock = clock or WallClock()
        self.sleep: Sleep = sleep or asyncio.sleep
        self.name = name
        #: theoretical arrival time (ms, float) of the next request on the schedule
        self._tat = 0.0
        #: requests granted so far, and the cost units they spent
        self.granted = 0
        self.spent = 0.0
        #: seconds callers spent waiting for the budget
        self.waited_s = 0.0

    @classmethod
    def from_rate_limit_ms(cls, rate_limit_ms: float, capacity: float = 1.0, **kwargs: Any) -> RequestBudget:
        """A budget matching ccxt's ``rateLimit`` (milliseconds between two requests of cost 1)."""
        if not rate_limit_ms > 0:
            raise ValueError(f"rate_limit_ms must be > 0, got {rate_limit_ms}")
        return cls(1000.0 / rate_limit_ms, capacity, **kwargs)

    def reserve(self, cost: float = 1.0) -> float:
        """Reserves ``cost`` on the schedule; the seconds to wait before sending (0 when free now)."""
        now = float(self.clock.now_ms())
        interval = 1000.0 / self.rate_per_s
        tolerance = (self.capacity - 1.0) * interval
        tat = max(self._tat, now)
        wait_ms = tat - tolerance - now
        self._tat = tat + max(cost, 0.0) * interval
        self.granted += 1
        self.spent += cost
        return max(wait_ms, 0.0) / 1000.0

    async def acquire(self, cost: float | None = None) -> None:
        """Waits for this request's slot. ``cost`` is ccxt's endpoint weight (None = 1)."""
        wait_s = self.reserve(1.0 if cost is None else float(cost))
        if wait_s > 0:
            self.waited_s += wait_s
            await self.sleep(wait_s)

    def pause(self, seconds: float) -> None:
        """No request is granted for ``seconds`` from now (a Retry-After from the exchange)."""
        resume = float(self.clock.now_ms()) + seconds * 1000.0
        if resume > self._tat:
            logger.warning(
                "%s: request budget paused for %.1f s (the exchange asked to wait)", self.name, seconds
            )
            self._tat = resume

    def __repr__(self) -> str:
        return f"RequestBudget({self.name!r}, {self.rate_per_s:g}/s, capacity={self.capacity:g})"


_shared: dict[str, RequestBudget] = {}
_shared_lock = threading.Lock()


def shared_budget(key: str, rate_limit_ms: float, capacity: float = 1.0) -> RequestBudget:
    """The process-wide budget of ``key`` (an exchange id, or exchange id + account), created on first
    use from ccxt's ``rateLimit``; later calls get the same object whatever their arguments."""
    with _shared_lock:
        budget = _shared.get(key)
        if budget is None:
            budget = _shared[key] = RequestBudget.from_rate_limit_ms(rate_limit_ms, capacity, name=key)
        return budget
