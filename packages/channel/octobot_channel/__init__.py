"""octobot_channel: asyncio producer/consumer channels with priorities, filters and a synchronized mode."""

from __future__ import annotations

from octobot_channel import channel as _channel
from octobot_channel import consumer as _consumer
from octobot_channel import producer as _producer
from octobot_channel import synchronizer as _synchronizer
from octobot_channel.api import *  # noqa: F403
from octobot_channel.api import __all__ as _api_all
from octobot_channel.build_info import all_compiled

#: True when the hot modules run compiled (Cython); False for the pure Python build.
COMPILED: bool = all_compiled(_channel, _consumer, _producer, _synchronizer)

__version__ = "0.1.0"
__all__ = [*_api_all, "COMPILED", "__version__"]
