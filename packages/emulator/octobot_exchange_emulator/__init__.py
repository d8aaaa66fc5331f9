"""octobot-exchange-emulator: a loopback Binance spot server (REST and websockets) that ccxt's unmodified
binance client talks to, replaying recorded prices on an explicit clock, with faults on demand.

Run ``octobot-exchange-emulator --help`` (or ``python -m octobot_exchange_emulator``) to rehearse a live
run against it. The public API lives in ``api.py`` and is re-exported here.
"""

from octobot_channel.build_info import all_compiled
from octobot_exchange_emulator.api import *  # noqa: F403
from octobot_exchange_emulator.api import __all__ as _api_all

__version__ = "0.1.0"

#: True when this package's hot modules run as compiled extensions (see DESIGN.md §6): it has none, a
#: test server is not a hot path.
COMPILED: bool = all_compiled()

__all__ = ["COMPILED", "__version__", *_api_all]
