"""`--save-best PROFILE`: a trial's settings written as a new user profile, a copy of the studied one.

Why a copy: the studied profile stays as it was (it may be built-in, read-only); the new one is checked by
loading it like any profile, so what is saved is something `octobot backtest --profile NEW` runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from octobot.home import UserHome
from octobot.json_files import read_json, write_json
from octobot.optimizer.space import split_settings
from octobot.profile import Profile, load_profile
from octobot.profile_schema import PROFILE_FILE
from octobot.profile_store import copy_profile
from octobot.tentacle_registry import TentacleRegistry


def save_settings_as_profile(
    profile: Profile,
    settings: Mapping[str, Any],
    new_id: str,
    registry: TentacleRegistry,
    home: UserHome,
    force: bool = False,
) -> Path:
    """A user profile ``new_id``: ``profile`` with ``settings`` applied; its folder."""
    profile_changes, tentacle_changes = split_settings(settings, profile)
    target = copy_profile(profile.path, new_id, home, force=force)
    if profile_changes:
        content = read_json(target / PROFILE_FILE, decimals=False)
        content.update(profile_changes)
        write_json(target / PROFILE_FILE, content)
    for tentacle, changes in tentacle_changes.items():
        path = target / f"{tentacle}.json"
        content = read_json(path, decimals=False) if path.is_file() else {}
        content.update(changes)
        write_json(path, content)
    load_profile(target, registry, home)  # what is saved must load
    return target
