# cython: annotation_typing=False
"""Technical (TA) evaluators: run on each closed candle of their (symbol, time frame), and on refresh."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, ClassVar

import octobot_channel as oc
from octobot_evaluators.context import CandleSource
from octobot_evaluators.errors import EvaluatorsError
from octobot_evaluators.evaluation import _Unchanged
from octobot_evaluators.evaluator import AbstractEvaluator, EvaluatorCore
from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.time_frames import EPOCH_GRID_MS, candle_close_time
from octobot_trading import CandleBuffer

#: Name of the exchange data channel of closed candles (octobot_trading), in the exchange's scope.
OHLCV_CHANNEL = "OHLCVChannel"


class TechnicalCore(EvaluatorCore):
    """The per-candle path of TA evaluators: a ``cdef class`` in the compiled build (technical.pxd), so
    that the closed-candle callback reads typed fields and publishes through C calls; a plain base in
    the pure build. `TechnicalEvaluator` (what tentacles subclass) stays a Python class above it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the context is frozen: its candle source is read once, not on every candle
        self._candle_source: CandleSource | None = self.context.candles
        # the (symbol, time frame) of the last closed candle handled, its buffer and its epoch grid step
        # (0: not on the grid), compared by identity: see _on_ohlcv
        self._bound_symbol: str | None = None
        self._bound_time_frame: str | None = None
        self._bound_candles: CandleBuffer | None = None
        self._grid = 0

    def evaluate(self, candles: CandleBuffer, *, forming: bool) -> float | _Unchanged | None:
        """Overridden by `TechnicalEvaluator` (and each tentacle)."""
        raise NotImplementedError(f"{type(self).__name__} must implement evaluate(candles, forming=...)")

    def _candles(self, symbol: str, time_frame: str) -> CandleBuffer:
        source = self._candle_source
        if source is None:
            raise EvaluatorsError(
                f"{type(self).__name__}: the EvaluatorContext has no candle source; give candles=... "
                "(the exchange manager's candle buffers)"
            )
        return source(symbol, time_frame)

    def _bind_candles(self, symbol: str, time_frame: str) -> None:
        """Keep the buffer and the epoch grid step of (symbol, time frame) for the next candles: an exchange
        keeps one buffer per pair for its whole life (see `CandleSource`)."""
        source = self._candle_source
        candles = source(symbol, time_frame) if source is not None else self._candles(symbol, time_frame)
        self._bound_candles, self._grid = candles, EPOCH_GRID_MS.get(time_frame, 0)
        self._bound_symbol, self._bound_time_frame = symbol, time_frame

    @oc.returns_awaitable
    def _on_ohlcv(self, message: dict[str, Any]) -> Awaitable[None] | None:
        """Per closed candle (on_closed_candle inlined): evaluate, publish, and hand the delivery back to
        the consumer, which awaits it. Why not ``async``: no coroutine per candle and evaluator."""
        symbol, time_frame = message["symbol"], message["time_frame"]
        # the channel hands the same strings on every candle: the pair of the last candle, compared by
        # identity, was checked and its buffer found then (no lookup nor call per candle)
        if symbol is not self._bound_symbol or time_frame is not self._bound_time_frame:
            if symbol not in self.symbols or time_frame not in self.time_frames:
                return None
            self._bind_candles(symbol, time_frame)
        candles: CandleBuffer = self._bound_candles  # type: ignore[assignment]  # bound above
        last = candles.last_timestamp
        if last is None:
            return None
        grid = self._grid
        if grid and type(last) is int:  # minutes to days: the next step of the epoch grid (no call)
            time = last - last % grid + grid
        else:
            time = candle_close_time(last, time_frame)
        self._symbol, self._time_frame, self._time = symbol, time_frame, time
        return self._emit(self.evaluate(candles, forming=False), symbol, time_frame, time, False)


class TechnicalEvaluator(TechnicalCore, AbstractEvaluator):
    """Computes an evaluation from the candles of one (symbol, time frame).

    Implement `evaluate`: read ``candles`` (closed candles; ``forming`` says whether the candle still
    forming must be included, as on a refresh) and return the evaluation. It runs on each closed candle
    (evaluation time: the candle's close time) and on a strategy's refresh request (the refresh instant).
    Keep per-candle work O(1) with the incremental indicators (see the tentacle template).
    """

    EVALUATOR_TYPE: ClassVar[EvaluatorType | None] = EvaluatorType.TA
    TIME_FRAME_BOUND: ClassVar[bool] = True
    TRIGGER_METHODS: ClassVar[tuple[str, ...]] = ("evaluate",)
    ABSTRACT: ClassVar[bool] = True

    def evaluate(self, candles: CandleBuffer, *, forming: bool) -> float | _Unchanged | None:
        """The evaluation of ``self.symbol`` on ``self.time_frame`` given ``candles`` (see the class doc).

        Must depend only on ``candles`` (and the config): the framework may call it on any candles, for
        instance to check that it never looks ahead.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement evaluate(candles, forming=...)")

    async def on_closed_candle(self, symbol: str, time_frame: str, candles: CandleBuffer) -> None:
        """Evaluate after ``candles`` received a closed candle (its close time is the evaluation time)."""
        last = candles.last_timestamp
        if last is None:
            return
        time = candle_close_time(last, time_frame)
        self._set_context(symbol, time_frame, time)
        delivered = self._publish(self.evaluate(candles, forming=False), symbol, time_frame, time)
        if delivered is not None:
            await delivered

    async def on_refresh(self, symbol: str, time_frame: str, candles: CandleBuffer, time: int) -> None:
        """Evaluate again for instant ``time``, including the candle still forming."""
        self._set_context(symbol, time_frame, time)
        delivered = self._publish(self.evaluate(candles, forming=True), symbol, time_frame, time, True)
        if delivered is not None:
            await delivered

    # ----------------------------------------------------------------- wiring
    async def start(self) -> None:
        """Register keys, then consume closed candles and commands."""
        await super().start()
        try:
            channel = oc.get_channel(OHLCV_CHANNEL, scope=self.context.data_scope)
        except oc.ChannelNotFoundError:
            self.logger.warning(
                "%s: no %s in scope %r: it will only run on direct calls and refresh commands",
                self.name,
                OHLCV_CHANNEL,
                self.context.data_scope,
            )
        else:
            filters = {
                "symbol": oc.WILDCARD if self.WILDCARD_SYMBOL else self.symbols[0],
                "time_frame": oc.WILDCARD if self.WILDCARD_TIME_FRAME else self.time_frames[0],
            }
            await self._subscribe(channel, self._on_ohlcv, filters, oc.Priority.MEDIUM)
        await self._subscribe_commands()

    async def on_refresh_command(self, message: dict[str, Any]) -> None:
        symbol = message["symbol"]
        time_frames = self.time_frames if message.get("time_frame") is None else (message["time_frame"],)
        for time_frame in time_frames:
            await self.on_refresh(symbol, time_frame, self._candles(symbol, time_frame), message["time"])
