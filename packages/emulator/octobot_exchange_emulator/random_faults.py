"""Faults drawn at random for each REST request from a seed: a rehearsal under a bad day's exchange.

Why random and seeded: the armed faults of ``FaultPlan`` hit exactly the request a test names; a rehearsal
of hours needs faults spread over every request, and the same seed must replay the same sequence of draws
(given the same requests in the same order), so that a failure seen once can be looked at again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

#: methods that change the account: only their answers can be "lost" after processing
_STATE_CHANGING = ("POST", "PUT", "DELETE")


@dataclass(frozen=True)
class RandomFaults:
    """Per-request fault probabilities (each in [0, 1], their sum at most 1) and a latency.

    ``error_rate``: answered 503 (ccxt: ExchangeNotAvailable); ``rate_limit_rate``: answered 429 with
    ``Retry-After: retry_after`` (DDoSProtection); ``disconnect_rate``: connection closed unanswered, the
    request not processed (NetworkError); ``lost_answer_rate``: a request that changes the account (POST,
    PUT, DELETE) is processed, then its connection closed unanswered. Every answer waits ``latency_ms``
    plus a uniform draw in [0, ``jitter_ms``).
    """

    seed: int = 0
    latency_ms: int = 0
    jitter_ms: int = 0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    disconnect_rate: float = 0.0
    lost_answer_rate: float = 0.0
    retry_after: int = 1

    def __post_init__(self) -> None:
        for name in ("error_rate", "rate_limit_rate", "disconnect_rate", "lost_answer_rate"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        if self.error_rate + self.rate_limit_rate + self.disconnect_rate + self.lost_answer_rate > 1:
            raise ValueError("the fault rates add up to more than 1")
        for name in ("latency_ms", "jitter_ms", "retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")

    @property
    def active(self) -> bool:
        rates = self.error_rate + self.rate_limit_rate + self.disconnect_rate + self.lost_answer_rate
        return rates > 0 or self.latency_ms > 0 or self.jitter_ms > 0

    def describe(self) -> str:
        """One line for the CLI: what is injected, with the seed."""
        parts = [f"seed {self.seed}"]
        if self.latency_ms or self.jitter_ms:
            parts.append(f"latency {self.latency_ms} ms + [0, {self.jitter_ms}) ms")
        for label, rate in (
            ("503", self.error_rate),
            ("429", self.rate_limit_rate),
            ("disconnects", self.disconnect_rate),
            ("lost answers", self.lost_answer_rate),
        ):
            if rate:
                parts.append(f"{label} {rate:.2%}")
        return ", ".join(parts)


class RandomFaultDraws:
    """The seeded draws of one ``RandomFaults``: one uniform draw per request decides its fault."""

    def __init__(self, faults: RandomFaults) -> None:
        self.faults = faults
        self._rng = random.Random(faults.seed)

    def kind(self, method: str) -> str | None:
        """ "http_error", "rate_limit", "drop", "lost_answer" or None for this request."""
        faults, draw = self.faults, self._rng.random()
        for kind, rate in (
            ("http_error", faults.error_rate),
            ("rate_limit", faults.rate_limit_rate),
            ("drop", faults.disconnect_rate),
            ("lost_answer", faults.lost_answer_rate),
        ):
            if draw < rate:
                return None if kind == "lost_answer" and method not in _STATE_CHANGING else kind
            draw -= rate
        return None

    def delay_s(self) -> float:
        """How long this answer waits, in seconds."""
        jitter = self._rng.uniform(0, self.faults.jitter_ms) if self.faults.jitter_ms else 0.0
        return (self.faults.latency_ms + jitter) / 1000
