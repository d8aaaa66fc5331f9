"""Exchange emulator: a loopback Binance spot server (REST and websockets) that ccxt's unmodified
binance client talks to, replaying recorded prices on an explicit clock, with faults on demand.

Needs aiohttp (installed with ccxt). Run ``python -m octobot_trading.emulator --help`` to rehearse a
live run against it.
"""

from octobot_trading.emulator.api import *  # noqa: F403
from octobot_trading.emulator.api import __all__  # noqa: F401
