"""octobot-backtesting: data files, importers, validation and the simulated clock of the OctoBot framework."""

from octobot_backtesting.api import *  # noqa: F403
from octobot_backtesting.api import __all__ as _api_all
from octobot_channel.build_info import all_compiled

__version__ = "0.1.0"

#: True when this package's hot modules run as compiled extensions (see DESIGN.md §6); none yet: SQLite
#: and numpy do the heavy work of the data layer.
COMPILED: bool = all_compiled()

__all__ = [*_api_all, "COMPILED", "__version__"]
