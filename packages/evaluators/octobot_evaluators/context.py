"""What every evaluator of one exchange needs from its surroundings, bundled once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from octobot_evaluators.exchange_candles import ExchangeCandles
from octobot_evaluators.matrix import EvaluationMatrix
from octobot_trading import CandleBuffer, ExchangeManager

#: Gives the candle buffer of a (symbol, time frame): the exchange manager's, or one a test filled. The
#: same buffer for a pair on every call (it is appended to, never replaced): a TA evaluator asks once
#: per pair and keeps it.
CandleSource = Callable[[str, str], CandleBuffer]


@dataclass(frozen=True)
class EvaluatorContext:
    """The matrix evaluators publish into, and where the market data of their exchange comes from.

    ``exchange`` is the exchange name in matrix keys; ``exchange_scope`` the channel scope of that
    exchange's data channels (OHLCV, Kline, Ticker, MarkPrice), by default the same string;
    ``candles`` gives the candle buffers TA evaluators compute on.
    """

    matrix: EvaluationMatrix
    exchange: str
    candles: CandleSource | None = None
    exchange_scope: str | None = None

    @property
    def data_scope(self) -> str:
        return self.exchange_scope or self.exchange

    @classmethod
    def from_exchange_manager(
        cls, matrix: EvaluationMatrix, exchange_manager: ExchangeManager
    ) -> EvaluatorContext:
        """Evaluators fed by an octobot_trading ExchangeManager: its channels and its candle buffers."""
        candles = ExchangeCandles(exchange_manager)
        return cls(matrix, exchange_manager.exchange_name, candles, exchange_manager.exchange_id)
