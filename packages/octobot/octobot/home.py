"""The user data folder: profiles, tentacles, logs, data files and the user config.

Why one folder: a user can back it up, move it, or point OCTOBOT_HOME elsewhere (tests do) without the
bot ever writing next to its own code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "OCTOBOT_HOME"
USER_CONFIG_NAME = "user_config.json"


@dataclass(frozen=True)
class UserHome:
    """The folders of one user data folder (created on demand, never at import)."""

    root: Path

    @classmethod
    def resolve(
        cls, home: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
    ) -> UserHome:
        """``home`` if given, else $OCTOBOT_HOME, else ``~/.octobot``."""
        env = os.environ if environ is None else environ
        chosen = home if home is not None else env.get(HOME_ENV) or Path.home() / ".octobot"
        return cls(Path(chosen).expanduser().absolute())

    @property
    def profiles(self) -> Path:
        return self.root / "profiles"

    @property
    def tentacles(self) -> Path:
        return self.root / "tentacles"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def user_config(self) -> Path:
        return self.root / USER_CONFIG_NAME

    def ensure(self) -> UserHome:
        """Create the folders that are missing; the root is private to its owner."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        for folder in (self.profiles, self.tentacles, self.logs, self.data):
            folder.mkdir(exist_ok=True)
        return self
