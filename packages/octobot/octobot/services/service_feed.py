"""The base of service feeds: tentacles that push what a service says into the bot's social feed channel.

Why the bot starts them by need: a feed holds a connection (a server port, a poll of someone's API); it
runs only when an active tentacle listens to it, a social evaluator through its ``feed`` setting or a
trading mode through ``REQUIRED_FEEDS``. Every message of a feed carries its name (the tentacle name),
so its listeners subscribe with ``feed=<name>``: that name is the feed's own channel within the matrix's
social feed channel. A feed transports, never evaluates nor trades, and never stops the bot: see
`PollingFeed` for its retries and `FeedHealth` for what it reports.
"""

from __future__ import annotations

import copy
import logging
from typing import Any, ClassVar

import jsonschema

import octobot_evaluators as oe
from octobot.errors import ServiceConfigError
from octobot.services.feed_health import FeedHealth, FeedStatus
from octobot.services.service import Service, service_class


class ServiceFeed(oe.SocialFeed):
    """A feed tentacle: ``cls(scope, config, service)``; ``scope`` is the bot's matrix id.

    ``SERVICE`` names the service whose settings and secrets it uses (None: it needs none).
    """

    TENTACLE_KIND: ClassVar[str] = "service_feed"
    TENTACLE_VERSION: ClassVar[str] = "0.1.0"
    NAME: ClassVar[str | None] = None
    SERVICE: ClassVar[str | None] = None
    #: the service's secrets it cannot run without: checked when the bot starts it
    REQUIRED_SECRETS: ClassVar[tuple[str, ...]] = ()
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {"type": "object"}
    ABSTRACT: ClassVar[bool] = True
    #: seconds without any item after which the feed reports itself silent (None: never)
    SILENCE_KEY: ClassVar[str] = "silence_seconds"

    def __init__(
        self, scope: str, config: dict[str, Any] | None = None, service: Service | None = None
    ) -> None:
        super().__init__(scope, name=self.get_name())
        merged = copy.deepcopy(self.DEFAULT_CONFIG)
        merged.update(config or {})
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(self.CONFIG_SCHEMA).iter_errors(merged)
        )
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "<root>"
            raise ServiceConfigError(f"invalid config for {self.get_name()} at {where!r}: {error.message}")
        self.config: dict[str, Any] = merged
        name = self.SERVICE or self.get_name()
        self.service = service or service_class(name)(name)
        for key in self.REQUIRED_SECRETS:
            self.service.secret(key)  # ServiceConfigError naming where to set it
        self.logger = logging.getLogger(f"{type(self).__module__}.{self.get_name()}")
        self.health = FeedHealth(self.name, self.service.name, self.logger, self.config.get(self.SILENCE_KEY))

    @classmethod
    def get_name(cls) -> str:
        return cls.NAME or cls.__name__

    def status(self) -> FeedStatus:
        """Whether the feed works, fails or is silent, with its counters."""
        return self.health.status()

    def describe(self, error: BaseException) -> str:
        """One line for an error, free of the service's secrets (a URL may hold a token)."""
        text = str(error) or "no details"
        if isinstance(error, TimeoutError):
            text = "timed out"
        return self.service.redact(f"{type(error).__name__}: {text}")
