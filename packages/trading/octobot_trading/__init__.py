"""octobot-trading: market vocabulary, markets, portfolio, orders, exchanges and trader.

The public API lives in ``api.py`` and is re-exported here.
"""

from types import ModuleType

from octobot_channel.build_info import all_compiled
from octobot_trading import candles as _candles
from octobot_trading.api import *  # noqa: F403
from octobot_trading.api import __all__ as _api_all
from octobot_trading.simulator import trigger_index as _trigger_index

__version__ = "0.1.0"

#: hot modules (those with a .pxd)
_HOT_MODULES: list[ModuleType] = [_candles, _trigger_index]

#: True when this package's hot modules run as compiled extensions (see DESIGN.md §6).
COMPILED: bool = all_compiled(*_HOT_MODULES)

__all__ = ["COMPILED", "__version__", *_api_all]
