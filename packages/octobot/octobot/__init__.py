"""octobot: the orchestrator of the trading robot (profiles, tentacles, config, CLI, bot lifecycle)."""

from octobot_channel.build_info import all_compiled

__version__ = "0.1.0"

from octobot.api import *  # noqa: F403
from octobot.api import __all__ as _api_all

#: True when this package's hot modules run as compiled extensions (see DESIGN.md §6).
COMPILED: bool = all_compiled()

__all__ = ["COMPILED", "__version__", *_api_all]
