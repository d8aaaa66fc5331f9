"""octobot-evaluators: evaluator and strategy bases, the evaluation matrix and its channels, indicators.

The public API lives in ``api.py`` (and ``indicators``) and is re-exported here.
"""

from types import ModuleType

from octobot_channel.build_info import all_compiled
from octobot_evaluators import evaluation_entry as _evaluation_entry
from octobot_evaluators import matrix as _matrix
from octobot_evaluators.api import *  # noqa: F403
from octobot_evaluators.api import __all__ as _api_all
from octobot_evaluators.indicators import *  # noqa: F403
from octobot_evaluators.indicators import __all__ as _indicators_all

__version__ = "0.1.0"

#: hot modules (those with a .pxd)
_HOT_MODULES: list[ModuleType] = [_matrix, _evaluation_entry]

#: True when this package's hot modules run as compiled extensions (see DESIGN.md §6).
COMPILED: bool = all_compiled(*_HOT_MODULES)

__all__ = ["COMPILED", "__version__", *_api_all, *_indicators_all]
