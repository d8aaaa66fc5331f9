# cython: annotation_typing=False
"""The hop from a strategy's evaluation to whatever acts on it (a trading mode)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import octobot_channel as oc

#: ``receiver(symbol, evaluation, evaluation_time)``: returns None or an awaitable (the consumer awaits it)
Receiver = Callable[[str, "float | None", "int | None"], "Awaitable[Any] | None"]


class StrategyLink:
    """A Matrix channel callback handing each strategy evaluation's symbol, value and time to ``receiver``
    (a trading mode's ``set_evaluation``); subscribe it with `on_strategy_evaluation`.

    Why a compiled class rather than a closure in the orchestrator: it runs on every strategy evaluation
    of a backtest, and a closure is a Python frame on that path even in the compiled build. Marked
    `octobot_channel.returns_awaitable`: ``receiver`` must not block and returns what is left to wait for.
    """

    def __init__(self, receiver: Receiver) -> None:
        self._receiver = receiver
        oc.returns_awaitable(self)

    @property
    def receiver(self) -> Receiver:
        return self._receiver

    def __call__(self, message: dict[str, Any]) -> Awaitable[Any] | None:
        return self._receiver(message["symbol"], message["evaluation"], message.get("evaluation_time"))

    def __repr__(self) -> str:
        return f"StrategyLink({self._receiver!r})"
