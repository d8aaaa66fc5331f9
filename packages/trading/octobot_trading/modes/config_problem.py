"""A problem in a trading mode's config that its JSON Schema cannot express.

Why a value rather than an exception: `octobot profiles validate` and the bot's start call the same
classmethod (`AbstractTradingMode.config_problems`) and each words the problem for its reader (the
profile file and key for the CLI, the mode's name for the Python API).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigProblem:
    """``key`` of the config holds a value the mode cannot use; ``message`` says why and the fix."""

    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"
