"""Retry with exponential back-off for transient exchange failures.

Why here and nowhere else: the connector is the only part of the bot that waits on the outside world
(DESIGN.md §1), so it is the only place allowed to wait before trying a request again. Only
``ExchangeNetworkError`` (network, timeouts, 5xx, 429) is retried; a refused request fails at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from octobot_trading.ccxt_connector.errors import ExchangeNetworkError, ExchangeRateLimitError

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a failed request is tried again.

    The n-th retry waits ``min(max_delay_s, base_delay_s * multiplier ** (n - 1))`` seconds, times
    ``rate_limit_factor`` after a rate-limit answer (the exchange asked us to slow down), and never less
    than the exchange's Retry-After. ``jitter`` (a fraction, 0.2 = up to +20 %) spreads the retries of
    many clients so they do not hit the exchange in step. ccxt's own rate limiter (``enableRateLimit``)
    still spaces every request; this only adds the back-off.
    """

    max_attempts: int = 6
    base_delay_s: float = 1.0
    multiplier: float = 2.0
    max_delay_s: float = 60.0
    rate_limit_factor: float = 4.0
    jitter: float = 0.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if (
            self.base_delay_s < 0
            or self.max_delay_s < 0
            or self.multiplier < 1
            or self.rate_limit_factor < 1
            or self.jitter < 0
        ):
            raise ValueError(
                "RetryPolicy delays must be >= 0 and multiplier / rate_limit_factor >= 1, got "
                f"{self.base_delay_s=}, {self.max_delay_s=}, {self.multiplier=}, {self.rate_limit_factor=}, "
                f"{self.jitter=}"
            )

    def delay_s(self, retry: int, rate_limited: bool, retry_after_s: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        delay = self.base_delay_s * self.multiplier ** (retry - 1)
        if rate_limited:
            delay *= self.rate_limit_factor
        delay = min(self.max_delay_s, delay)
        if self.jitter:
            delay *= 1 + random.uniform(0, self.jitter)
        if retry_after_s is not None:  # the exchange's own figure wins when longer
            delay = max(delay, retry_after_s)
        return delay


#: called after each transient failure with (attempt number, error, seconds before the next attempt)
RetryListener = Callable[[int, ExchangeNetworkError, float], None]


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    on_retry: RetryListener | None = None,
    sleep: Callable[[float], Awaitable[object]] | None = None,
) -> T:
    """``await call()``, trying again after transient failures; the last failure is raised as is.

    ``sleep`` (default ``asyncio.sleep``) lets tests drive the waits without real time passing.
    """
    sleep = sleep or asyncio.sleep
    attempt = 1
    while True:
        try:
            return await call()
        except ExchangeNetworkError as error:
            if attempt >= policy.max_attempts:
                raise
            rate_limited = isinstance(error, ExchangeRateLimitError)
            retry_after = error.retry_after_s if isinstance(error, ExchangeRateLimitError) else None
            delay = policy.delay_s(attempt, rate_limited, retry_after)
            logger.warning(
                "attempt %d/%d failed (%s); retrying in %.2f s", attempt, policy.max_attempts, error, delay
            )
            if on_retry is not None:
                on_retry(attempt, error, delay)
            await sleep(delay)
            attempt += 1
