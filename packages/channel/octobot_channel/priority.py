"""Consumer priority levels: the order in which consumers see a message."""

from __future__ import annotations

import enum


class Priority(enum.IntEnum):
    """Lower value runs first: in synchronized mode every HIGH consumer is drained before any MEDIUM one.

    The levels mirror the bot's chain (prices, then evaluators, then strategies and trading modes) so a
    backtest processes one simulated instant in a fixed, deterministic order.
    """

    HIGH = 0
    MEDIUM = 1
    OPTIONAL = 2


#: Number of priority levels; the synchronizer keeps one pending list per level.
LEVEL_COUNT = len(Priority)
