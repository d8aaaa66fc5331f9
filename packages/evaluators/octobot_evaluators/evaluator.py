# cython: annotation_typing=False
"""The base of every evaluator and strategy: identity, config, history needs, and publishing.

Why class attributes: the orchestrator reads a tentacle's kind, defaults, config schema, history needs
and wildcards without instantiating it (to draw its config form, to load enough candles, to decide how
many instances to create).
"""

from __future__ import annotations

import copy
import inspect
import logging
from collections.abc import Awaitable, Sequence
from typing import Any, ClassVar

import jsonschema

import octobot_channel as oc
from octobot_evaluators.commands import REFRESH, RESET
from octobot_evaluators.context import EvaluatorContext
from octobot_evaluators.errors import EvaluatorConfigError, EvaluatorDefinitionError, EvaluatorsError
from octobot_evaluators.evaluation import UNCHANGED
from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.matrix import EvaluationMatrix
from octobot_evaluators.matrix_cells import MatrixCell
from octobot_evaluators.matrix_key import MatrixKey
from octobot_evaluators.time_frames import time_frame_name

logger = logging.getLogger(__name__)


def cryptocurrency_of(symbol: str) -> str:
    """The base currency of a ccxt symbol ("BTC" for "BTC/USDT" and "BTC/USDT:USDT")."""
    return symbol.split("/", 1)[0]


class EvaluatorCore:
    """The per-candle state and publishing step of every evaluator (issue 12).

    Why a separate base: in the compiled build this is a ``cdef class`` (declared in evaluator.pxd) whose
    typed fields and C methods carry the per-candle path, which would otherwise be generic attribute
    lookups and Python calls on a plain object; `AbstractEvaluator` and the tentacles stay Python classes
    above it (their ClassVars, ``__init_subclass__`` and any attribute still work). In the pure build it
    is a plain base class and nothing changes. Its fields are set by `AbstractEvaluator.__init__`.
    """

    def __init__(
        self, context: EvaluatorContext, symbols: tuple[str, ...], time_frames: tuple[str, ...]
    ) -> None:
        """The typed state (AbstractEvaluator.__init__ checks the arguments and calls this first)."""
        self.context = context
        self.matrix: EvaluationMatrix = context.matrix
        self.exchange: str = context.exchange
        self.symbols: tuple[str, ...] = symbols
        self.time_frames: tuple[str, ...] = time_frames
        self.eval_note: float | None = None
        # the trigger being handled: evaluation_completed() publishes for it by default
        self._symbol: str | None = symbols[0] if len(symbols) == 1 else None
        self._time_frame: str | None = time_frames[0] if len(time_frames) == 1 else None
        self._time: int | None = None
        self._matrix_keys: dict[tuple[str, str | None], MatrixKey] = {}  # built once per (symbol, tf)
        # the matrix cell of the last key published and its (symbol, time frame): see _emit
        self._cell: MatrixCell | None = None
        self._key_symbol: str | None = None
        self._key_time_frame: str | None = None

    def matrix_key(self, symbol: str, time_frame: str | None = None) -> MatrixKey:
        """The matrix key of (symbol, time frame) for this evaluator (see `AbstractEvaluator`)."""
        raise NotImplementedError(f"{type(self).__name__} must derive from AbstractEvaluator")

    def _publish(
        self, value: object, symbol: str, time_frame: str | None, time: int, refresh: bool = False
    ) -> Awaitable[None] | None:
        """Publish what a trigger method returned for (symbol, time frame) at ``time``; `UNCHANGED`
        publishes nothing (None is returned instead of an awaitable).

        Raises InvalidEvaluationError (naming this evaluator) for NaN or out-of-range values: one bad
        evaluation must not skew every strategy silently.
        """
        return self._emit(value, symbol, time_frame, time, refresh)

    def _emit(
        self, value: object, symbol: str, time_frame: str | None, time: int, refresh: bool
    ) -> Awaitable[None] | None:
        """`AbstractEvaluator._publish` without its Python call: what the per-candle paths call (a C
        call in the compiled build). Returns None for `UNCHANGED`, else the channel's delivery."""
        if value is UNCHANGED:
            return None
        # the cell of the last (symbol, time frame) published, compared by identity (the channels hand
        # the same strings on every candle): no tuple and no dict lookup per candle
        cell = self._cell
        if cell is None or symbol is not self._key_symbol or time_frame is not self._key_time_frame:
            key = self._matrix_keys.get((symbol, time_frame))
            if key is None:
                key = self.matrix_key(symbol, time_frame)
            cell = self.matrix.cell(key)
            self._cell, self._key_symbol, self._key_time_frame = cell, symbol, time_frame
        # any other value than UNCHANGED goes to the matrix, which refuses what is not an evaluation by name
        delivered = self.matrix._send(cell, value, time, None, refresh)  # type: ignore[arg-type]
        # a float or None is stored as it is (_send raised otherwise); anything else was converted
        self.eval_note = value if value is None or type(value) is float else cell.entry.value  # type: ignore[union-attr]
        return delivered


class AbstractEvaluator(EvaluatorCore):
    """Base of TA, real-time, social evaluators and strategies.

    Subclasses declare:
    - ``EVALUATOR_TYPE``: their kind (set by the four intermediate bases);
    - ``NAME``: the name used in matrix keys and profiles (defaults to the class name);
    - ``DEFAULT_CONFIG`` and ``CONFIG_SCHEMA`` (JSON Schema; the defaults must satisfy it);
    - ``REQUIRED_HISTORY``: how many closed candles the bot loads before the first evaluation;
    - ``WILDCARD_SYMBOL`` / ``WILDCARD_TIME_FRAME``: one instance handles every symbol / time frame
      (otherwise there is one instance per symbol / per time frame).

    The author writes each behaviour once, as a plain (not async) trigger method that returns the
    evaluation: a float in [-1, 1] (+1 strongest buy), None for "no opinion", or `UNCHANGED` to publish
    nothing. The framework publishes it (matrix cell + Matrix channel) and keeps ``eval_note`` as the last
    value published. Why a return value and no side effect: the same method serves live trading, paper
    trading and backtests, and a tool can call it on any candles to check it (no look-ahead, determinism).
    """

    EVALUATOR_TYPE: ClassVar[EvaluatorType | None] = None
    NAME: ClassVar[str | None] = None
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {"type": "object"}
    REQUIRED_HISTORY: ClassVar[int] = 0
    WILDCARD_SYMBOL: ClassVar[bool] = False
    WILDCARD_TIME_FRAME: ClassVar[bool] = False
    #: Whether the evaluations are bound to a time frame (their matrix key carries it).
    TIME_FRAME_BOUND: ClassVar[bool] = False
    #: The methods an author implements (plain methods returning the evaluation), set by each base.
    TRIGGER_METHODS: ClassVar[tuple[str, ...]] = ()
    #: Abstract bases set this so that only concrete tentacles are checked at class creation.
    ABSTRACT: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "ABSTRACT" not in cls.__dict__:
            cls.ABSTRACT = False
        if cls.ABSTRACT:
            return
        for method in cls.TRIGGER_METHODS:
            if inspect.iscoroutinefunction(getattr(cls, method, None)):
                raise EvaluatorDefinitionError(
                    f"{cls.__name__}.{method} is async: write it as a plain method (def, not async def) "
                    "that returns the evaluation (a float in [-1, 1], None for no opinion, or UNCHANGED); "
                    "the framework publishes it"
                )
        if cls.EVALUATOR_TYPE is None:
            raise EvaluatorDefinitionError(
                f"{cls.__name__} has no EVALUATOR_TYPE: derive it from TechnicalEvaluator, "
                "RealTimeEvaluator, SocialEvaluator or Strategy"
            )
        try:
            jsonschema.Draft202012Validator.check_schema(cls.CONFIG_SCHEMA)
        except jsonschema.SchemaError as error:
            raise EvaluatorDefinitionError(
                f"{cls.__name__}.CONFIG_SCHEMA is not a valid JSON Schema: {error.message}"
            ) from None
        cls.validate_config(cls.DEFAULT_CONFIG)

    @classmethod
    def get_name(cls) -> str:
        """The name of this evaluator in matrix keys and profiles."""
        return cls.NAME or cls.__name__

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        """Return ``config`` if it satisfies CONFIG_SCHEMA; otherwise raise naming the key and the rule."""
        validator = jsonschema.Draft202012Validator(cls.CONFIG_SCHEMA)
        error = jsonschema.exceptions.best_match(validator.iter_errors(config))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "<root>"
            raise EvaluatorConfigError(
                f"invalid config for {cls.get_name()} at {where!r}: {error.message} "
                f"(see {cls.__name__}.CONFIG_SCHEMA; defaults: {cls.DEFAULT_CONFIG})"
            )
        return config

    def __init__(
        self,
        context: EvaluatorContext,
        symbols: Sequence[str],
        time_frames: Sequence[str] = (),
        config: dict[str, Any] | None = None,
    ) -> None:
        """One instance for ``symbols`` x ``time_frames``: a single one of each unless wildcard."""
        if self.ABSTRACT:
            raise EvaluatorDefinitionError(f"{type(self).__name__} is an abstract base: subclass it")
        super().__init__(context, tuple(symbols), tuple(time_frame_name(tf) for tf in time_frames))
        if not self.symbols:
            raise EvaluatorsError(f"{self.get_name()} needs at least one symbol")
        if not self.WILDCARD_SYMBOL and len(self.symbols) != 1:
            raise EvaluatorsError(
                f"{self.get_name()} is not a wildcard on symbols: create one instance per symbol "
                f"(got {list(self.symbols)}; see create_evaluators)"
            )
        if self.TIME_FRAME_BOUND and not self.WILDCARD_TIME_FRAME and len(self.time_frames) != 1:
            raise EvaluatorsError(
                f"{self.get_name()} is not a wildcard on time frames: create one instance per time frame "
                f"(got {list(self.time_frames)}; see create_evaluators)"
            )
        merged = copy.deepcopy(self.DEFAULT_CONFIG)
        merged.update(config or {})
        self.config: dict[str, Any] = self.validate_config(merged)
        self.name: str = self.get_name()
        self.logger = logging.getLogger(f"{type(self).__module__}.{self.name}")
        self._consumers: list[tuple[oc.Channel, Any]] = []

    # ----------------------------------------------------------------- identity
    @property
    def symbol(self) -> str | None:
        """The symbol of this instance, or of the trigger being handled for a wildcard."""
        return self._symbol

    @property
    def time_frame(self) -> str | None:
        return self._time_frame

    @property
    def required_history(self) -> int:
        """Closed candles needed before the first evaluation (override when it depends on config)."""
        return self.REQUIRED_HISTORY

    def matrix_key(self, symbol: str, time_frame: str | None = None) -> MatrixKey:
        key = self._matrix_keys.get((symbol, time_frame))
        if key is None:
            key = self._matrix_keys[(symbol, time_frame)] = MatrixKey(
                self.exchange,
                self.EVALUATOR_TYPE,  # type: ignore[arg-type]  # set on every concrete class (checked at creation)
                self.name,
                cryptocurrency_of(symbol),
                symbol,
                time_frame if self.TIME_FRAME_BOUND else None,
            )
        return key

    def matrix_keys(self) -> list[MatrixKey]:
        """Every key this instance will publish: pre-registered at start."""
        if self.TIME_FRAME_BOUND:
            return [self.matrix_key(s, tf) for s in self.symbols for tf in self.time_frames]
        return [self.matrix_key(s) for s in self.symbols]

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Pre-register keys, then subscribe to the channels that trigger this kind (see subclasses)."""
        for key in self.matrix_keys():
            self.matrix.register(key)

    async def stop(self) -> None:
        """Unsubscribe from every channel this instance subscribed to."""
        consumers, self._consumers = self._consumers, []
        for channel, consumer in consumers:
            if not channel.is_closed:  # its scope may already be gone (exchange or matrix stopped first)
                await channel.remove_consumer(consumer)

    def subscriptions(self) -> list[tuple[oc.Channel, Any]]:
        """The (channel, consumer) pairs this instance subscribed (to tell them from other consumers)."""
        return list(self._consumers)

    async def _subscribe(
        self, channel: oc.Channel, callback: Any, filters: dict[str, Any], priority: oc.Priority
    ) -> None:
        consumer = await channel.new_consumer(callback, priority=priority, filters=filters, name=self.name)
        self._consumers.append((channel, consumer))

    async def _subscribe_commands(self) -> None:
        """Listen to reset/refresh commands addressed to this kind, exchange and (unless wildcard) symbol."""
        filters = {
            "exchange": self.exchange,
            "evaluator_type": self.EVALUATOR_TYPE,
            "symbol": oc.WILDCARD if self.WILDCARD_SYMBOL else self.symbols[0],
            "time_frame": oc.WILDCARD,  # a reset may address every time frame (None)
        }
        await self._subscribe(self.matrix.evaluators_channel, self._on_command, filters, oc.Priority.MEDIUM)

    async def _on_command(self, message: dict[str, Any]) -> None:
        target = message.get("evaluator_name")
        if target is not None and target != self.name:
            return
        time_frame = message.get("time_frame")
        if message.get("symbol") not in self.symbols or (
            time_frame is not None and self.TIME_FRAME_BOUND and time_frame not in self.time_frames
        ):
            return
        command = message.get("command")
        if command == RESET:
            await self.reset()
            self.matrix.reset(self.matrix_keys())
        elif command == REFRESH:
            await self.on_refresh_command(message)
        else:
            self.logger.warning("%s ignores unknown command %r (known: reset, refresh)", self.name, command)

    async def on_refresh_command(self, message: dict[str, Any]) -> None:
        """Re-evaluate with updated data; only TA evaluators do something by default."""

    async def reset(self) -> None:
        """Forget the evaluation state (the Evaluators channel's "reset" command calls it)."""
        self.eval_note = None

    # ----------------------------------------------------------------- publishing
    def _set_context(self, symbol: str | None, time_frame: str | None, time: int) -> None:
        self._symbol = symbol
        self._time_frame = time_frame
        self._time = time

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.exchange!r}, {list(self.symbols)}, {list(self.time_frames)})"
