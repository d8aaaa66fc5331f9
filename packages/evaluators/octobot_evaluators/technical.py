"""Technical (TA) evaluators: run on each closed candle of their (symbol, time frame), and on refresh."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

import octobot_channel as oc
from octobot_evaluators.errors import EvaluatorsError
from octobot_evaluators.evaluator import AbstractEvaluator
from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.time_frames import candle_close_time
from octobot_trading import CandleBuffer

#: Name of the exchange data channel of closed candles (octobot_trading), in the exchange's scope.
OHLCV_CHANNEL = "OHLCVChannel"


class TechnicalEvaluator(AbstractEvaluator):
    """Computes an evaluation from the candles of one (symbol, time frame).

    Implement `evaluate`: read ``candles`` (closed candles; ``forming`` says whether the candle still
    forming must be included, as on a refresh), set ``self.eval_note`` and call
    ``await self.evaluation_completed()``. The evaluation time is the close time of the last closed
    candle (or the refresh instant).
    """

    EVALUATOR_TYPE: ClassVar[EvaluatorType | None] = EvaluatorType.TA
    TIME_FRAME_BOUND: ClassVar[bool] = True
    ABSTRACT: ClassVar[bool] = True

    async def evaluate(self, candles: CandleBuffer, *, forming: bool) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement evaluate(candles, forming=...)")

    # ----------------------------------------------------------------- candle runs (backtesting)
    #: True when the evaluator implements `evaluate_run` and `commit_run`: a backtest may then evaluate
    #: a run of closed candles ahead and hand it over in one call (see `evaluate_run`).
    SUPPORTS_CANDLE_RUNS: ClassVar[bool] = False

    def evaluate_run(
        self, symbol: str, time_frame: str, candles: CandleBuffer, run: np.ndarray
    ) -> np.ndarray:
        """The evaluation (NaN for no opinion) `evaluate` would publish on each closed candle of ``run``
        (an (n, 6) array of the candles that follow those of ``candles``), in order, WITHOUT changing
        this evaluator: each value may only depend on the candles up to its own (no look-ahead)."""
        raise NotImplementedError(f"{type(self).__name__} does not support candle runs")

    def commit_run(
        self, symbol: str, time_frame: str, run: np.ndarray, evaluations: np.ndarray, close_times: np.ndarray
    ) -> None:
        """Take the state evaluating each candle of ``run`` in turn would leave (``evaluations`` are what
        `evaluate_run` gave for them), and write the last evaluation into the matrix."""
        self._advance_run(symbol, time_frame, run)
        self._write_last(symbol, time_frame, evaluations, int(close_times[-1]))

    def _advance_run(self, symbol: str, time_frame: str, run: np.ndarray) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not support candle runs")

    async def on_closed_candle(self, symbol: str, time_frame: str, candles: CandleBuffer) -> None:
        """Evaluate after ``candles`` received a closed candle (its close time is the evaluation time)."""
        last = candles.last_timestamp
        if last is None:
            return
        self._set_context(symbol, time_frame, candle_close_time(last, time_frame))
        await self.evaluate(candles, forming=False)

    async def on_refresh(self, symbol: str, time_frame: str, candles: CandleBuffer, time: int) -> None:
        """Evaluate again for instant ``time``, including the candle still forming."""
        self._set_context(symbol, time_frame, time, refresh=True)
        await self.evaluate(candles, forming=True)

    # ----------------------------------------------------------------- wiring
    def _candles(self, symbol: str, time_frame: str) -> CandleBuffer:
        if self.context.candles is None:
            raise EvaluatorsError(
                f"{self.name}: the EvaluatorContext has no candle source; give candles=... "
                "(the exchange manager's candle buffers)"
            )
        return self.context.candles(symbol, time_frame)

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

    async def _on_ohlcv(self, message: dict[str, Any]) -> None:
        symbol, time_frame = message["symbol"], str(message["time_frame"])
        if symbol not in self.symbols or time_frame not in self.time_frames:
            return
        await self.on_closed_candle(symbol, time_frame, self._candles(symbol, time_frame))

    async def on_refresh_command(self, message: dict[str, Any]) -> None:
        symbol = message["symbol"]
        time_frames = self.time_frames if message.get("time_frame") is None else (message["time_frame"],)
        for time_frame in time_frames:
            await self.on_refresh(symbol, time_frame, self._candles(symbol, time_frame), message["time"])
