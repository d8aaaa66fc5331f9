"""octobot-backtesting."""

from octobot_channel.build_info import all_compiled

__version__ = "0.1.0"

#: True when this package's hot modules run as compiled extensions (see DESIGN.md §6).
COMPILED: bool = all_compiled()
