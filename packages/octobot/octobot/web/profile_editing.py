"""Profiles and tentacles as the interface edits them: read a profile, save it through its schema (each
refused key named), copy, select, activate a tentacle, save a tentacle's config.

Why a save is validated twice: the schema first (every field's error at once, shown beside the fields),
then the full load the bot does (tentacles installed, requirements met), so what the page accepts the bot
runs. A built-in profile is never written: the user copies it first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from octobot.errors import ConfigError, NotFoundError
from octobot.home import UserHome
from octobot.json_files import read_json, write_json
from octobot.profile import load_profile
from octobot.profile_schema import PROFILE_FILE, PROFILE_SCHEMA
from octobot.profile_store import builtin_profiles_dir, check_profile_id, find_profile
from octobot.tentacle_kind import TentacleKind
from octobot.tentacle_registry import TentacleRegistry
from octobot.user_config import is_secret_key
from octobot.validation import field_errors
from octobot.web.responses import FieldErrors

#: the profile list each kind of tentacle is activated in (a trading mode is a single choice)
ACTIVATION_KEYS = {
    TentacleKind.TA: "evaluators",
    TentacleKind.REAL_TIME: "evaluators",
    TentacleKind.SOCIAL: "evaluators",
    TentacleKind.STRATEGY: "strategies",
    TentacleKind.INTERFACE: "interfaces",
    TentacleKind.NOTIFIER: "interfaces",
}


def masked(config: Any) -> Any:
    """A config with every secret-named value replaced (what a page or the API may show)."""
    if isinstance(config, dict):
        return {
            key: ("********" if is_secret_key(key) and value else masked(value))
            for key, value in config.items()
        }
    if isinstance(config, list):
        return [masked(item) for item in config]
    return config


def profile_folder(home: UserHome, profile_id: str) -> Path:
    return find_profile(check_profile_id(profile_id), home)


def is_builtin(folder: Path) -> bool:
    return folder.parent.resolve() == builtin_profiles_dir().resolve()


def read_profile(home: UserHome, profile_id: str) -> dict[str, Any]:
    content: dict[str, Any] = read_json(profile_folder(home, profile_id) / PROFILE_FILE, decimals=False)
    return content


def _writable(home: UserHome, profile_id: str) -> Path:
    folder = profile_folder(home, profile_id)
    if is_builtin(folder):
        raise ConfigError(f"profile '{profile_id}' is built in: copy it first, then edit the copy")
    return folder


def save_profile(
    home: UserHome, registry: TentacleRegistry, profile_id: str, document: dict[str, Any]
) -> None:
    """Write ``document`` as the profile's profile.json if it passes the schema and the bot's own load;
    FieldErrors (schema) or the load's ConfigError otherwise, leaving the file as it was."""
    folder = _writable(home, profile_id)
    errors = field_errors(document, PROFILE_SCHEMA)
    if errors:
        raise FieldErrors(f"profile '{profile_id}': {len(errors)} field(s) to fix", errors)
    path = folder / PROFILE_FILE
    previous = path.read_bytes()
    write_json(path, document)
    try:
        load_profile(folder, registry, home)
    except ConfigError as error:
        path.write_bytes(previous)
        key = _key_in(str(error), document)
        raise FieldErrors(
            str(error).replace(f"{path}: ", ""), {key: str(error).replace(f"{path}: ", "")}
        ) from None


def _key_in(message: str, document: dict[str, Any]) -> str:
    """The top-level key a load error is about (the first one its message quotes), else ``<root>``."""
    for key in document:
        if f'"{key}"' in message or f" {key} " in message or f"at {key}" in message:
            return key
    return "<root>"


def set_activation(
    home: UserHome, registry: TentacleRegistry, profile_id: str, tentacle: str, active: bool
) -> dict[str, Any]:
    """Activate or deactivate ``tentacle`` in the profile (a trading mode replaces the current one)."""
    info = registry.get(tentacle)
    document = read_profile(home, profile_id)
    if info.kind == TentacleKind.TRADING_MODE:
        if not active:
            raise ConfigError("a profile needs a trading mode: activate another one instead")
        document["trading_mode"] = info.name
    else:
        key = ACTIVATION_KEYS.get(info.kind)
        if key is None:
            raise ConfigError(f"{info.kind.value} tentacles are not activated in a profile")
        names = [name for name in document.get(key, []) if name != info.name]
        document[key] = [*names, info.name] if active else names
    save_profile(home, registry, profile_id, document)
    return document


def tentacle_config(
    home: UserHome, registry: TentacleRegistry, profile_id: str, tentacle: str
) -> dict[str, Any]:
    """The tentacle's config in the profile: its defaults overridden by the profile's file for it."""
    info = registry.get(tentacle)
    path = profile_folder(home, profile_id) / f"{info.name}.json"
    stored = read_json(path, decimals=False) if path.is_file() else {}
    return {**info.default_config, **stored}


def save_tentacle_config(
    home: UserHome, registry: TentacleRegistry, profile_id: str, tentacle: str, config: dict[str, Any]
) -> None:
    info = registry.get(tentacle)
    folder = _writable(home, profile_id)
    errors = field_errors(config, info.config_schema)
    if errors:
        raise FieldErrors(f"{info.name}: {len(errors)} field(s) to fix", errors)
    write_json(folder / f"{info.name}.json", config)


def require_tentacle(registry: TentacleRegistry, name: str) -> None:
    if name not in registry:
        raise NotFoundError(f"tentacle '{name}' is not installed (see the tentacles page)")
