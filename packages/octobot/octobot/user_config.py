"""User settings and secrets, kept apart from profiles so that a profile can be shared safely.

Why refuse a readable file: a user config holds exchange keys; if other users of the machine can read
it, the keys are already leaked, and running silently would hide that.
Environment variables override the file (``OCTOBOT_EXCHANGE_BINANCE_API_KEY``,
``OCTOBOT_SERVICE_TELEGRAM_TOKEN``), so containers and CI need no file at all.
"""

from __future__ import annotations

import copy
import logging
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octobot.errors import InsecureUserConfigError
from octobot.home import UserHome
from octobot.json_files import read_json
from octobot.secret_masking import register_secret
from octobot.validation import validate

logger = logging.getLogger(__name__)

ENV_PREFIX = "OCTOBOT_"
EXCHANGE_CREDENTIALS = ("api_key", "api_secret", "api_password", "uid")
#: "urls": notification services' URLs (Apprise) carry their tokens
_SECRET_WORDS = ("key", "secret", "password", "token", "hash", "uid", "passphrase", "urls")


def is_secret_key(key: str) -> bool:
    """Whether a settings key holds a secret ("api_key", "bot_token", "webhook_secret"...)."""
    return any(word in key.lower() for word in _SECRET_WORDS)


USER_CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "exchanges": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    **{key: {"type": "string"} for key in EXCHANGE_CREDENTIALS},
                    "sandbox": {"type": "boolean"},
                    # merged into ccxt's constructor arguments: {"urls": {"api": ...}}, {"options": ...}
                    "ccxt": {"type": "object"},
                },
            },
        },
        "services": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": ["string", "number", "boolean"]},
            },
        },
        "logging": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "console_level": {"type": "string"},
                "file_level": {"type": "string"},
                "levels": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
    },
}


@dataclass
class UserConfig:
    """The merged user settings: file values, then environment overrides."""

    path: Path
    exchanges: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    logging: dict[str, Any] = field(default_factory=dict)

    def exchange_credentials(self, exchange: str) -> dict[str, Any]:
        """The credentials of ``exchange`` that are set (api_key, api_secret, api_password, uid)."""
        settings = self.exchanges.get(exchange.lower(), {})
        return {key: settings[key] for key in EXCHANGE_CREDENTIALS if key in settings}

    def ccxt_config(self, exchange: str) -> dict[str, Any]:
        """Extra ccxt constructor arguments for ``exchange`` (another API URL, exchange options)."""
        return copy.deepcopy(self.exchanges.get(exchange.lower(), {}).get("ccxt", {}))

    def service(self, name: str) -> dict[str, Any]:
        return dict(self.services.get(name.lower(), {}))

    def redacted(self) -> dict[str, Any]:
        """The settings with every secret replaced by ``********`` (for `show` commands and reports)."""

        def hide(section: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
            return {
                name: {
                    key: ("********" if is_secret_key(key) and value else value)
                    for key, value in values.items()
                }
                for name, values in section.items()
            }

        return {"exchanges": hide(self.exchanges), "services": hide(self.services), "logging": self.logging}


def check_permissions(path: Path) -> None:
    """Refuse a user config that the group or others can read or write, naming the chmod to run."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise InsecureUserConfigError(
            f"{path}: permissions {mode:04o} let other users read your secrets; "
            f"run `chmod 600 {path}` and try again"
        )


def create_user_config(path: Path) -> None:
    """Create an empty user config readable by its owner only (0600), unless it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write('{\n  "exchanges": {},\n  "services": {}\n}\n')
    os.chmod(path, 0o600)  # whatever the umask
    logger.info("created the user config %s (owner-only permissions)", path)


def _env_overrides(environ: Mapping[str, str]) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    exchanges: dict[str, dict[str, str]] = {}
    services: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        if rest.startswith("exchange_"):
            target, rest = exchanges, rest[len("exchange_") :]
            keys: tuple[str, ...] = EXCHANGE_CREDENTIALS
        elif rest.startswith("service_"):
            target, rest = services, rest[len("service_") :]
            keys = ()
        else:
            continue
        for key in keys:  # exchange names may hold underscores: match the known credential suffixes
            if rest.endswith("_" + key):
                target.setdefault(rest[: -len(key) - 1], {})[key] = value
                break
        else:
            if keys == () and "_" in rest:
                service, key = rest.split("_", 1)
                target.setdefault(service, {})[key] = value
    return exchanges, services


def load_user_config(
    home: UserHome | str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    create: bool = True,
) -> UserConfig:
    """Read (creating it empty, 0600, when missing and ``create``) the user config, apply the environment
    overrides, validate it and register every secret for masking."""
    user_home = home if isinstance(home, UserHome) else UserHome.resolve(home)
    env = os.environ if environ is None else environ
    path = user_home.user_config
    if not path.exists() and create:
        create_user_config(path)
    content: dict[str, Any] = {}
    if path.exists():
        check_permissions(path)
        content = read_json(path)
        validate(content, USER_CONFIG_SCHEMA, path)
    exchanges = {
        name.lower(): dict(values) for name, values in copy.deepcopy(content.get("exchanges", {})).items()
    }
    services = {
        name.lower(): dict(values) for name, values in copy.deepcopy(content.get("services", {})).items()
    }
    env_exchanges, env_services = _env_overrides(env)
    for name, values in env_exchanges.items():
        exchanges.setdefault(name, {}).update(values)
    for name, values in env_services.items():
        services.setdefault(name, {}).update(values)
    for section in (exchanges, services):
        for values in section.values():
            for key, value in values.items():
                if is_secret_key(key) and isinstance(value, str):
                    register_secret(value)
    return UserConfig(
        path=path, exchanges=exchanges, services=services, logging=dict(content.get("logging", {}))
    )
