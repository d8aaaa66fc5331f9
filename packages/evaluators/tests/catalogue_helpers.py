"""Helpers of the catalogue tests: run a TA evaluator candle by candle on real data, as the bot does."""

from __future__ import annotations

import numpy as np

import octobot_evaluators as oe

from .helpers import Buffers

SYMBOL = "ETH/BTC"


async def replay(
    evaluator: oe.TechnicalEvaluator, buffers: Buffers, rows: np.ndarray, symbol: str = SYMBOL
) -> list[float | None]:
    """Append ``rows`` one closed candle at a time and evaluate after each; the published evaluations."""
    time_frame = evaluator.time_frames[0]
    buffer = buffers(symbol, time_frame)
    key = evaluator.matrix_key(symbol, time_frame)
    values = []
    for row in rows:
        buffer.append(*row)
        await evaluator.on_closed_candle(symbol, time_frame, buffer)
        values.append(evaluator.matrix.get_value(key))
    return values


def as_array(values: list[float | None]) -> np.ndarray:
    """Evaluations as floats, NaN for None."""
    return np.array([np.nan if value is None else value for value in values], dtype=np.float64)


def flat_rows(
    count: int, price: float = 0.05, start: int = 1_515_560_100_000, step: int = 300_000
) -> np.ndarray:
    """``count`` candles that never move (same open, high, low, close and volume)."""
    rows = np.empty((count, 6), dtype=np.float64)
    rows[:, 0] = start + step * np.arange(count)
    rows[:, 1:5] = price
    rows[:, 5] = 10.0
    return rows
