"""Latency model: the time between sending an order and the exchange taking it into account.

An order is only matched against prices dated at or after ``created_at + delay``; with the default 0 ms
it is matched from its creation time (never against older prices).
"""

from __future__ import annotations


class LatencyModel:
    def __init__(self, delay_ms: int = 0) -> None:
        if delay_ms < 0:
            raise ValueError(f"latency must be >= 0 ms, got {delay_ms}")
        self.delay_ms = int(delay_ms)

    def active_from(self, created_at: int) -> int:
        return created_at + self.delay_ms
