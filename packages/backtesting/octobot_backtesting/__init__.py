"""octobot-backtesting: data files, importers, validation and the simulated clock of the OctoBot framework."""

from octobot_backtesting import _sqlite_rows
from octobot_backtesting.api import *  # noqa: F403
from octobot_backtesting.api import __all__ as _api_all
from octobot_channel.build_info import all_compiled

__version__ = "0.1.0"

#: True when this package's hot modules run as compiled extensions (see DESIGN.md §6): the data-file
#: reader's row loop.
COMPILED: bool = all_compiled(_sqlite_rows)

__all__ = [*_api_all, "COMPILED", "__version__"]
