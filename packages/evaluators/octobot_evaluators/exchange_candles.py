# cython: annotation_typing=False
"""The candle buffers of one exchange manager, as a TA evaluator's candle source."""

from __future__ import annotations

from octobot_trading import CandleBuffer, ExchangeManager


class ExchangeCandles:
    """Calls as a `CandleSource`: ``source(symbol, time_frame)`` gives the exchange manager's buffer.

    Why a compiled class rather than a closure: a TA evaluator asks for its buffer on every closed candle,
    and a closure is a Python frame on that path even in the compiled build; this call is a C call there.
    An exchange manager keeps one buffer per (symbol, time frame) for its whole life, so each is looked up
    once and read back.
    """

    def __init__(self, exchange_manager: ExchangeManager) -> None:
        self._manager = exchange_manager
        self._buffers: dict[tuple[str, str], CandleBuffer] = {}

    def __call__(self, symbol: str, time_frame: str) -> CandleBuffer:
        buffer = self._buffers.get((symbol, time_frame))
        if buffer is None:
            buffer = self._buffers[(symbol, time_frame)] = self._manager.symbol_data(symbol).candle_buffer(
                time_frame
            )
        return buffer
