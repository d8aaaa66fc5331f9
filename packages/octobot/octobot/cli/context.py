"""What every CLI command shares: the user data folder, the tentacle registry and the output streams."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from octobot.home import UserHome
from octobot.json_files import to_json_text
from octobot.secret_masking import mask
from octobot.tentacle_registry import TentacleRegistry
from octobot.user_config import UserConfig, load_user_config


@dataclass
class CliContext:
    """Built once per invocation; the registry is discovered on first use only (it imports tentacles)."""

    home: UserHome
    debug: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _registry: TentacleRegistry | None = None
    _user_config: UserConfig | None = None

    @property
    def user_config(self) -> UserConfig:
        """The user settings (read once). A missing file reads as empty and is not created here: a
        command that fails leaves the user's folder as it was (`octobot config path` creates it)."""
        if self._user_config is None:
            self._user_config = load_user_config(self.home, create=False)
        return self._user_config

    @property
    def registry(self) -> TentacleRegistry:
        if self._registry is None:
            self._registry = TentacleRegistry.discover(self.home.tentacles)
            for error in self._registry.errors:
                self.warn(f"tentacle not loaded: {error}")
        return self._registry

    def print(self, text: str = "") -> None:
        self.out.write(mask(text) + "\n")

    def print_json(self, value: Any) -> None:
        self.out.write(mask(to_json_text(value)))

    def warn(self, text: str) -> None:
        self.err.write(f"octobot: warning: {mask(text)}\n")

    def table(self, rows: list[list[str]], headers: list[str]) -> None:
        """A plain left-aligned table."""
        widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
        for row in [headers, *rows]:
            self.print(
                "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()
            )
