"""Scripted evaluators: a user's plain Python function, run per candle like a TA evaluator."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from octobot_evaluators.errors import EvaluatorDefinitionError
from octobot_evaluators.technical import TechnicalEvaluator
from octobot_trading import CandleBuffer


@dataclass(frozen=True)
class ScriptContext:
    """What a script knows besides its candles."""

    symbol: str
    time_frame: str
    time: int
    forming: bool
    config: dict[str, Any]


#: A script: candles and context in, evaluation out (a float in [-1, 1] or None).
Script = Callable[[CandleBuffer, ScriptContext], "float | None"]


class ScriptedEvaluator(TechnicalEvaluator):
    """Runs ``SCRIPT`` on each closed candle (and refresh) and publishes what it returns.

    Make one with `ScriptedEvaluator.from_function(my_function, name="my_signal")`; the returned value
    is validated like any evaluation (NaN or out of range is refused, naming the script).
    """

    SCRIPT: ClassVar[Script | None] = None
    ABSTRACT: ClassVar[bool] = True

    @classmethod
    def from_function(
        cls,
        function: Script,
        *,
        name: str | None = None,
        required_history: int = 0,
        default_config: dict[str, Any] | None = None,
        config_schema: dict[str, Any] | None = None,
    ) -> type[ScriptedEvaluator]:
        """A ScriptedEvaluator class running ``function`` (named after it unless ``name`` is given)."""
        if not callable(function):
            raise EvaluatorDefinitionError(
                f"a script must be a function (candles, context) -> float, got {function!r}"
            )
        script_name = name or getattr(function, "__name__", "script")
        attributes: dict[str, Any] = {
            "SCRIPT": staticmethod(function),
            "NAME": script_name,
            "REQUIRED_HISTORY": required_history,
            "DEFAULT_CONFIG": default_config or {},
            "CONFIG_SCHEMA": config_schema or {"type": "object"},
            "ABSTRACT": False,
            "__module__": getattr(function, "__module__", __name__),
        }
        return type(f"Scripted_{script_name}", (cls,), attributes)

    def evaluate(self, candles: CandleBuffer, *, forming: bool) -> float | None:
        script = type(self).SCRIPT
        assert script is not None and self.symbol is not None and self.time_frame is not None
        context = ScriptContext(self.symbol, self.time_frame, self._time or 0, forming, self.config)
        result = script(candles, context)
        if inspect.isawaitable(result):
            close = getattr(result, "close", None)
            if close is not None:
                close()  # never awaited: no "coroutine was never awaited" warning on top of the error
            raise EvaluatorDefinitionError(
                f"script {self.name!r} returned an awaitable: a script is a plain function (def, not "
                "async def) returning a float in [-1, 1] or None"
            )
        return result
