# cython: annotation_typing=False
"""Strategies: combine evaluations into one, after a full TA cycle or any real-time/social evaluation.

Why the cycle rule lives here: a strategy must see a consistent picture, so it waits until every TA
evaluator of each of its time frames has an evaluation current at the cycle's instant, and runs once per
instant. It never consumes strategy evaluations, so it never wakes itself up.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, ClassVar, NamedTuple

import octobot_channel as oc

try:
    import cython
except ImportError:  # pure build without Cython installed (see octobot_channel.cython_shim)
    from octobot_channel import cython_shim as cython

from octobot_evaluators.commands import send_refresh
from octobot_evaluators.evaluation import _Unchanged
from octobot_evaluators.evaluation_entry import Evaluation
from octobot_evaluators.evaluator import AbstractEvaluator, EvaluatorCore
from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.matrix_cells import EvaluationGroup
from octobot_evaluators.matrix_key import MatrixKey


class StrategyTrigger(NamedTuple):
    """Why a strategy runs: a complete TA cycle, or one real-time or social evaluation (a named tuple:
    one is made per strategy run)."""

    evaluator_type: EvaluatorType
    symbol: str
    time: int
    key: MatrixKey | None = None
    refresh: bool = False


_new_trigger = tuple.__new__
_TA = EvaluatorType.TA  # read once: an enum member is a class attribute lookup
_REAL_TIME = EvaluatorType.REAL_TIME
_SOCIAL = EvaluatorType.SOCIAL


class StrategyCore(EvaluatorCore):
    """The per-TA-evaluation path of strategies: a ``cdef class`` in the compiled build (strategy.pxd),
    so that the cycle check and the publishing are C calls on typed fields; a plain base in the pure
    build. `Strategy` (what tentacles subclass) stays a Python class above it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_cycle: dict[str, int] = {}  # symbol -> instant of the last TA cycle run
        self._pending_refresh: dict[str, int] = {}  # symbol -> instant a refresh was asked for
        self._time_frame_set: frozenset[str] = frozenset(self.time_frames)
        # symbol -> the matrix's live group of its TA keys on this strategy's time frames, asked once
        self._ta_groups: dict[str, EvaluationGroup] = {}
        # symbol -> the matrix's live groups of its real-time and social keys
        self._instant_groups: dict[str, tuple[EvaluationGroup, EvaluationGroup]] = {}

    def evaluate(self, trigger: StrategyTrigger) -> float | _Unchanged | None:
        """Overridden by `Strategy` (and each tentacle)."""
        raise NotImplementedError(f"{type(self).__name__} must implement evaluate(trigger)")

    @oc.returns_awaitable
    @cython.locals(group=EvaluationGroup)
    def _on_technical(self, message: dict[str, Any]) -> Awaitable[None] | None:
        """A TA evaluation: run once its cycle is complete, and hand the delivery back to the consumer,
        which awaits it (not ``async``: no coroutine per evaluation on the per-candle path)."""
        symbol, time = message["symbol"], message["evaluation_time"]
        if symbol not in self.symbols or message["time_frame"] not in self.time_frames:
            return None
        group = self._ta_groups.get(symbol)
        if group is None:
            group = self.ta_group(symbol)
        if not group.is_complete(time):
            return None  # partial cycle: some TA evaluator of this instant has not evaluated yet
        refresh = message["refresh"]
        answers_refresh = refresh and self._pending_refresh.get(symbol) == time
        last_cycle = self._last_cycle.get(symbol, -1)
        if time <= last_cycle:
            if not answers_refresh:
                return None  # this instant already ran
        else:
            self._last_cycle[symbol] = time
        if answers_refresh:
            del self._pending_refresh[symbol]
        key = message.get("key")  # the matrix sends its key; a message made elsewhere may not
        if type(key) is not MatrixKey:
            key = _message_key(message)
        # run() inlined: this is the strategy's per-candle path
        # tuple.__new__: the named tuple without its Python-level __new__ (one frame less per candle)
        trigger = _new_trigger(StrategyTrigger, (_TA, symbol, time, key, refresh))
        self._symbol, self._time_frame, self._time = symbol, None, time
        return self._emit(self.evaluate(trigger), symbol, None, time, False)

    def ta_group(self, symbol: str) -> EvaluationGroup:
        """The TA keys of ``symbol`` on this strategy's time frames, as the matrix's live group (read its
        ``opinions()`` or ``entries()``); the same object on every call."""
        group = self._ta_groups.get(symbol)
        if group is None:
            group = self._ta_groups[symbol] = self.matrix.group(
                self.exchange, _TA, symbol, self._time_frame_set
            )
        return group

    @cython.locals(group=EvaluationGroup, real_time=EvaluationGroup, social=EvaluationGroup, values=list)
    def opinions(self, symbol: str, ta: bool = True, instant: bool = True) -> list[float]:
        """The values of the evaluations of ``symbol`` that hold an opinion, in one new list: when ``ta``
        the TA ones on this strategy's time frames, then when ``instant`` the real-time and the social
        ones, each in registration order. What an averaging strategy reads on each run, in one call."""
        if ta:
            group = self._ta_groups.get(symbol)
            if group is None:
                group = self.ta_group(symbol)
            values = group.opinions()
        else:
            values = []
        if instant:
            groups = self._instant_groups.get(symbol)
            if groups is None:
                matrix, exchange = self.matrix, self.exchange
                groups = self._instant_groups[symbol] = (
                    matrix.group(exchange, _REAL_TIME, symbol),
                    matrix.group(exchange, _SOCIAL, symbol),
                )
            real_time, social = groups
            if real_time.cells:
                values.extend(real_time.opinions())
            if social.cells:
                values.extend(social.opinions())
        return values

    def ta_opinions(self, symbol: str) -> list[float]:
        """`opinions` of the TA evaluations only (no dict per call: for strategies that average them)."""
        return self.opinions(symbol, True, False)

    def instant_opinions(self, symbol: str) -> list[float]:
        """`opinions` of the real-time and social evaluations only."""
        return self.opinions(symbol, False, True)


class Strategy(StrategyCore, AbstractEvaluator):
    """Base of strategies. Implement `evaluate`: read the matrix and return the evaluation (a float in
    [-1, 1], None for no opinion, `UNCHANGED` to publish nothing). Trading modes consume its evaluations
    on the Matrix channel (``evaluator_type=STRATEGY``) or through
    `octobot_evaluators.on_strategy_evaluation`.

    ``time_frames`` are the TA time frames whose cycle it waits for. Set the config key
    ``refresh_ta_on_real_time`` (or the class attribute) to make TA evaluators re-evaluate on the forming
    candle before it runs after a real-time or social evaluation.
    """

    EVALUATOR_TYPE: ClassVar[EvaluatorType | None] = EvaluatorType.STRATEGY
    WILDCARD_SYMBOL: ClassVar[bool] = True
    WILDCARD_TIME_FRAME: ClassVar[bool] = True
    REFRESH_TA_ON_REAL_TIME: ClassVar[bool] = False
    TRIGGER_METHODS: ClassVar[tuple[str, ...]] = ("evaluate",)
    ABSTRACT: ClassVar[bool] = True

    @property
    def refresh_ta_on_real_time(self) -> bool:
        return bool(self.config.get("refresh_ta_on_real_time", self.REFRESH_TA_ON_REAL_TIME))

    def evaluate(self, trigger: StrategyTrigger) -> float | _Unchanged | None:
        """The evaluation of ``trigger.symbol`` at ``trigger.time``, from the matrix (see the class doc).

        Must depend only on the matrix's evaluations and the config, never on orders or the account:
        a strategy says what it thinks of the market; the trading mode decides what to do about it.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement evaluate(trigger)")

    def ta_evaluations(self, symbol: str) -> dict[MatrixKey, Evaluation | None]:
        """The TA evaluations of ``symbol`` on this strategy's time frames."""
        return self.ta_group(symbol).entries()

    async def run(self, trigger: StrategyTrigger) -> None:
        """Evaluate for ``trigger`` and publish (the wiring calls it; tests and tools may too)."""
        self._set_context(trigger.symbol, None, trigger.time)
        delivered = self._publish(self.evaluate(trigger), trigger.symbol, None, trigger.time)
        if delivered is not None:
            await delivered

    # ----------------------------------------------------------------- wiring
    async def start(self) -> None:
        await super().start()
        channel = self.matrix.matrix_channel
        symbol = oc.WILDCARD if len(self.symbols) > 1 else self.symbols[0]
        for kind, callback in (
            (EvaluatorType.TA, self._on_technical),
            (EvaluatorType.REAL_TIME, self._on_instant),
            (EvaluatorType.SOCIAL, self._on_instant),
        ):
            filters = {"exchange": self.exchange, "evaluator_type": kind, "symbol": symbol}
            await self._subscribe(channel, callback, filters, oc.Priority.OPTIONAL)
        await self._subscribe_commands()

    async def _on_instant(self, message: dict[str, Any]) -> None:
        symbol, time = message["symbol"], message["evaluation_time"]
        if symbol not in self.symbols:
            return
        if self.refresh_ta_on_real_time and self.ta_evaluations(symbol):
            # run once the refreshed TA evaluations of this instant are all in (see _on_technical)
            self._pending_refresh[symbol] = time
            for time_frame in self.time_frames:
                await send_refresh(self.matrix, self.exchange, symbol, time_frame, time, source=self.name)
            return
        await self.run(
            StrategyTrigger(EvaluatorType(message["evaluator_type"]), symbol, time, _message_key(message))
        )

    async def reset(self) -> None:
        await super().reset()
        self._last_cycle.clear()
        self._pending_refresh.clear()


def _message_key(message: dict[str, Any]) -> MatrixKey:
    kind = message["evaluator_type"]
    return MatrixKey(
        message["exchange"],
        kind if type(kind) is EvaluatorType else EvaluatorType(kind),  # the matrix sends the enum itself
        message["evaluator_name"],
        message["cryptocurrency"],
        message["symbol"],
        message["time_frame"],
    )
