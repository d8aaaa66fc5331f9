"""Values of command-line flags checked before a command does anything, each error naming its flag.

Why before: `octobot data collect --exchange binanse` must not create a folder, open a connection or
fail deep inside ccxt; the user gets the flag, the value and the closest valid one.
"""

from __future__ import annotations

from collections.abc import Sequence

import octobot_trading as ot
from octobot.errors import BadSymbolError, BadTimeFrameError, UsageError
from octobot.profile_schema import TIME_FRAMES, suggest_time_frame
from octobot.suggestions import did_you_mean


def checked_exchange(name: str, flag: str = "--exchange") -> str:
    """``name`` when ccxt knows it; else a UsageError with the closest exchange id."""
    exchanges = ot.ccxt_exchange_ids()
    if name not in exchanges:
        raise UsageError(
            f"{flag}: unknown exchange '{name}'{did_you_mean(name, exchanges)} "
            "(expected a ccxt exchange id like 'binance')"
        )
    return name


def checked_time_frames(values: Sequence[str], flag: str = "--time-frame") -> list[str]:
    """The time frames of a flag, refused with the closest valid one (exit code 7)."""
    for value in values:
        try:
            ot.parse_time_frame(value)
        except ot.UnknownTimeFrameError:
            found = suggest_time_frame(value)
            hint = f"; did you mean '{found}'?" if found else ""
            raise BadTimeFrameError(
                f"{flag}: unknown time frame '{value}'{hint} (valid: {', '.join(TIME_FRAMES)})"
            ) from None
    return list(values)


def checked_symbols(values: Sequence[str], flag: str = "--symbol") -> list[str]:
    """The symbols of a flag in ccxt's unified form (exit code 8 otherwise)."""
    for value in values:
        try:
            ot.parse_symbol(value)
        except ot.InvalidSymbolError:
            raise BadSymbolError(
                f"{flag}: '{value}' is not a symbol in ccxt's unified form; write it like BTC/USDT "
                "(or BTC/USDT:USDT for a linear futures contract)"
            ) from None
    return list(values)
