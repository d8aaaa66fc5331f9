"""octobot-backtesting's errors as the `octobot` command's DataError, their fix worded with its flags.

Why: octobot-backtesting words a fix for a Python caller (``pass overwrite=True``); a user of the command
has `--overwrite` instead. Its errors carry the fix's key (``fix_key``), mapped here to what the command
line offers, so one error reads right for both.
"""

from __future__ import annotations

import octobot_backtesting as ob
from octobot.errors import DataError

#: what a command-line user does for each fix key of octobot-backtesting's errors
_CLI_FIXES = {
    "overwrite": "delete it or add --overwrite to replace it",
    "exchange": "give it with --exchange, e.g. --exchange binance",
    "timestamp_unit": "if the file's timestamps are in seconds, add --timestamp-unit s",
    "time_frame": "rename the file for the time frame of its candles (like ETH_BTC-5m.csv) or give that "
    "time frame with --time-frame",
    "symbol": "give the symbol with --symbol, e.g. --symbol ETH/BTC",
    "symbol_time_frame": "rename the file like ETH_BTC-5m.csv, or give --symbol and --time-frame",
    "restart": "run the same collection again to finish it, or add --restart to discard what it holds",
    "range": "choose --start and --end inside that period (`octobot data inspect FILE` shows it)",
    "window": "give data files that cover the same period, or add --window union",
    "prices": 'add a pair linking that asset to the reference market to the profile\'s "pairs", or change '
    "its reference_market",
    "import": "import it with `octobot data import FILE --to NAME` (or pass it to `octobot backtest --data`, "
    "which imports it once)",
    "network": "check the network connection (or the exchange's urls in the user config, "
    "exchanges.EXCHANGE.ccxt.urls) and run the command again",
    "rewrite": "delete it (`octobot data delete FILE`), then import or collect it again",
}


def cli_message(error: ob.BacktestingError) -> str:
    """The error's message with its fix in command-line terms (unchanged when it has no fix key)."""
    fix_key = getattr(error, "fix_key", None)
    if fix_key not in _CLI_FIXES:
        return str(error)
    return f"{error.reason}; {_CLI_FIXES[fix_key]}"


def data_error(error: ob.BacktestingError) -> DataError:
    """The DataError (exit code 13) the command reports for ``error``."""
    found = DataError(cli_message(error))
    found.__cause__ = error
    return found
