"""Symbol and time frame from a candle file's name, as freqtrade names them.

``ETH_BTC-5m.csv`` is ETH/BTC 5m; ``XRP_USDT_USDT-5m-futures.csv`` is the perpetual XRP/USDT:USDT 5m.
"""

from __future__ import annotations

import re
from pathlib import Path

from octobot_backtesting._time_frames import checked_time_frame
from octobot_backtesting.errors import ImporterError
from octobot_trading import format_symbol

_NAME_RE = re.compile(
    r"^(?P<pair>[A-Za-z0-9._]+?)-(?P<time_frame>\d+[mhdwM])(?:-(?P<candle_type>[A-Za-z_]+))?$"
)
#: freqtrade candle types that are trade candles; mark, index and funding-rate series are not
_TRADE_CANDLE_TYPES = {None, "spot", "futures"}


def parse_candle_file_name(path: str | Path) -> tuple[str, str]:
    """(symbol, time frame) from a freqtrade-style file name; ImporterError naming the fix when it fails."""
    name = Path(path).name
    stem = name.split(".")[0] if not name.startswith(".") else name
    match = _NAME_RE.match(stem)
    if match is None:
        raise ImporterError(
            f"cannot tell the symbol and time frame of {name!r} from its name (expected freqtrade's "
            "'BASE_QUOTE-5m.csv' or 'BASE_QUOTE_SETTLE-5m-futures.csv')",
            fix_key="symbol_time_frame",
            fix="pass symbol= and time_frame=",
        )
    candle_type = match["candle_type"]
    if candle_type not in _TRADE_CANDLE_TYPES:
        raise ImporterError(
            f"{name!r} holds freqtrade {candle_type!r} candles, not trade candles; import the spot "
            "or futures file"
        )
    parts = match["pair"].split("_")
    if len(parts) == 2:
        symbol = format_symbol(parts[0], parts[1])
    elif len(parts) == 3:
        symbol = format_symbol(parts[0], parts[1], parts[2])
    else:
        raise ImporterError(
            f"cannot split the pair {match['pair']!r} of {name!r} into base and quote",
            fix_key="symbol",
            fix="pass symbol= explicitly",
        )
    try:
        time_frame = checked_time_frame(match["time_frame"]).value
    except ValueError as error:
        raise ImporterError(
            f"{name!r}: {error}", fix_key="time_frame", fix="pass time_frame= explicitly"
        ) from None
    return symbol, time_frame
