"""Services: the configured connections (a URL, a token) that the tentacles using them share.

Why a service apart from its tentacles: a Telegram feed and a Telegram notifier talk to the same bot
with the same token; the token is set once, in the user's secrets, and the URL once, in the profile.
A profile only holds what can be shared safely (``"services": {"telegram": {"api_url": ...}}``); the
secrets come from the user config (``"services": {"telegram": {"token": ...}}``) or the environment
(``OCTOBOT_SERVICE_TELEGRAM_TOKEN``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from octobot.errors import ServiceConfigError
from octobot.secret_masking import MASK, mask, register_secret
from octobot.user_config import ENV_PREFIX, UserConfig, is_secret_key, load_user_config


class Service:
    """One service's merged settings: the profile's, then the user config's (secrets included).

    Its repr and `redact` never show a secret value. A service with a connection of its own (Telegram's)
    subclasses it; `Services` builds that class for that name (`SERVICE_CLASSES`).
    """

    #: per secret, where to get it (added to the error naming the setting when it is missing)
    HINTS: ClassVar[dict[str, str]] = {}

    def __init__(
        self, name: str, settings: Mapping[str, Any] | None = None, secrets_file: Path | None = None
    ):
        self.name = name.lower()
        self._settings: dict[str, Any] = dict(settings or {})
        self._secrets_file = secrets_file
        for key, value in self._settings.items():
            if is_secret_key(key) and isinstance(value, str):
                register_secret(value)

    def get(self, key: str, default: Any = None) -> Any:
        """A setting, or ``default`` when neither the profile nor the user config sets it."""
        value = self._settings.get(key)
        return default if value in (None, "") else value

    def secret(self, key: str) -> str:
        """A required secret; ServiceConfigError naming where to set it when it is missing."""
        value = self._settings.get(key)
        if not isinstance(value, str) or not value:
            where = (
                f"services.{self.name}.{key} in {self._secrets_file}"
                if self._secrets_file
                else (f"services.{self.name}.{key} in the user config")
            )
            hint = f"; {self.HINTS[key]}" if key in self.HINTS else ""
            raise ServiceConfigError(
                f"service '{self.name}' lacks its {key} (set {self.env_var(key)} or {where}{hint})"
            )
        return value

    def env_var(self, key: str) -> str:
        """The environment variable that sets ``key`` (``OCTOBOT_SERVICE_TELEGRAM_TOKEN``)."""
        return f"{ENV_PREFIX}SERVICE_{self.name}_{key}".upper()

    def redact(self, text: str) -> str:
        """``text`` without any of this service's secrets (an error echoing a URL that holds a token)."""
        for key, value in self._settings.items():
            if is_secret_key(key) and isinstance(value, str) and value:
                text = text.replace(value, MASK)
        return mask(text)

    async def close(self) -> None:
        """Release what the service holds open (a connection): the bot calls it when it stops."""

    def __repr__(self) -> str:
        shown = {
            key: (MASK if is_secret_key(key) and value else value) for key, value in self._settings.items()
        }
        return f"Service({self.name!r}, {shown})"


def service_class(name: str) -> type[Service]:
    """The class of the service ``name``: its own for a service holding a connection, else `Service`."""
    if name.lower() == "telegram":
        from octobot.services.telegram_service import TelegramService  # imports this module

        return TelegramService
    return Service


class Services:
    """The services of one bot, built on first use and shared by every tentacle asking for the same name.

    ``user_config``: the secrets; without it, ``read_home`` reads the user config of the user's home
    (as `octobot run` does, environment included) the first time a service is asked for.
    """

    def __init__(
        self,
        profile_settings: Mapping[str, Mapping[str, Any]] | None = None,
        user_config: UserConfig | None = None,
        read_home: bool = False,
    ) -> None:
        self._profile = {name.lower(): dict(values) for name, values in (profile_settings or {}).items()}
        self._user_config = user_config
        self._read_home = read_home and user_config is None
        self._services: dict[str, Service] = {}

    def get(self, name: str) -> Service:
        key = name.lower()
        service = self._services.get(key)
        if service is None:
            if self._read_home:
                self._read_home = False
                self._user_config = load_user_config(create=False)
            settings = dict(self._profile.get(key, {}))
            if self._user_config is not None:
                settings.update(self._user_config.service(key))
            path = self._user_config.path if self._user_config is not None else None
            service = self._services[key] = service_class(key)(key, settings, path)
        return service

    async def close(self) -> None:
        """Close every service built (the bot stopping: no connection outlives it)."""
        for service in self._services.values():
            await service.close()
