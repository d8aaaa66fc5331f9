"""Commands carried by the Evaluators channel, and the helpers that send them."""

from __future__ import annotations

from typing import Any

from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.matrix import EvaluationMatrix

#: Forget the evaluation state (indicator memory, matrix values) and start over.
RESET = "reset"
#: Re-evaluate now, on the candle still forming (updated data), and publish again.
REFRESH = "refresh"


async def send_refresh(
    matrix: EvaluationMatrix,
    exchange: str,
    symbol: str,
    time_frame: str,
    time: int,
    *,
    source: str,
    evaluator_name: str | None = None,
) -> None:
    """Ask the TA evaluators of (exchange, symbol, time frame) to re-evaluate for instant ``time``."""
    await matrix.send_command(
        _command(REFRESH, exchange, EvaluatorType.TA, symbol, time_frame, time, source, evaluator_name)
    )


async def send_reset(
    matrix: EvaluationMatrix,
    exchange: str,
    evaluator_type: EvaluatorType,
    symbol: str,
    time_frame: str | None = None,
    *,
    source: str,
    evaluator_name: str | None = None,
) -> None:
    """Ask evaluators of a kind for (exchange, symbol[, time frame]) to reset their state."""
    await matrix.send_command(
        _command(RESET, exchange, evaluator_type, symbol, time_frame, None, source, evaluator_name)
    )


def _command(
    command: str,
    exchange: str,
    evaluator_type: EvaluatorType,
    symbol: str,
    time_frame: str | None,
    time: int | None,
    source: str,
    evaluator_name: str | None,
) -> dict[str, Any]:
    return {
        "command": command,
        "exchange": exchange,
        "evaluator_type": evaluator_type,
        "symbol": symbol,
        "time_frame": time_frame,
        "time": time,
        "source": source,
        "evaluator_name": evaluator_name,
    }
