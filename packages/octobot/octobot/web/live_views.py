"""What the pages and the API show of a running bot that is not a command: candles for the charts, the
portfolio value history, the evaluation matrix. Read from the bot's exchange managers and matrix; every
action goes through the bot's control API instead."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

import octobot_trading as ot
from octobot.errors import NotFoundError

if TYPE_CHECKING:
    from octobot.bot import OctoBot


def _manager(bot: OctoBot, exchange: str | None) -> tuple[str, ot.ExchangeManager]:
    if not bot.exchange_managers:
        raise NotFoundError("the bot has no exchange running")
    name = exchange or next(iter(bot.exchange_managers))
    if name not in bot.exchange_managers:
        raise NotFoundError(f"exchange '{name}' is not one of the bot's ({', '.join(bot.exchange_managers)})")
    return name, bot.exchange_managers[name]


def candles(
    bot: OctoBot, exchange: str | None, symbol: str, time_frame: str, limit: int = 500
) -> dict[str, Any]:
    """The last closed ``limit`` candles of a series (with the one in construction, when there is one)."""
    name, manager = _manager(bot, exchange)
    if symbol not in bot.profile.pairs:
        raise NotFoundError(f"pair '{symbol}' is not traded by the bot ({', '.join(bot.profile.pairs)})")
    buffer = manager.symbol_data(symbol).candle_buffer(ot.parse_time_frame(time_frame))
    rows: np.ndarray = buffer.to_array(min(limit, len(buffer)) or None, include_current=True)
    return {
        "exchange": name,
        "symbol": symbol,
        "time_frame": time_frame,
        "candles": [[int(row[0]), *map(float, row[1:6])] for row in rows],
    }


def portfolio_history(bot: OctoBot) -> list[dict[str, Any]]:
    """Per exchange, the portfolio value points ``[time_ms, value]`` in its reference market."""
    histories = []
    for name, manager in bot.exchange_managers.items():
        history = manager.portfolio_history
        histories.append(
            {
                "exchange": name,
                "reference_market": history.reference,
                "points": [[int(time), str(value)] for time, value in history.points()],
            }
        )
    return histories


def evaluation_matrix(bot: OctoBot) -> list[dict[str, Any]]:
    """Every registered evaluation: evaluator, type, symbol, time frame, value (None: no opinion yet)."""
    matrix = bot.matrix
    if matrix is None:
        return []
    rows = []
    for key in matrix.registered_keys():
        evaluation = matrix.get(key)
        rows.append(
            {
                "exchange": key.exchange,
                "evaluator_type": str(getattr(key.evaluator_type, "value", key.evaluator_type)),
                "evaluator": key.evaluator_name,
                "symbol": key.symbol,
                "time_frame": key.time_frame,
                "value": None if evaluation is None else evaluation.value,
                "time": None if evaluation is None else evaluation.time,
            }
        )
    return sorted(
        rows,
        key=lambda row: (row["symbol"], row["evaluator_type"], row["evaluator"], row["time_frame"] or ""),
    )
