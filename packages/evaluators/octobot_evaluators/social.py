"""Social feeds and social evaluators: a feed publishes signals; its evaluators run on each one."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, ClassVar

import octobot_channel as oc
from octobot_evaluators.channels import SocialFeedChannel
from octobot_evaluators.errors import EvaluatorDefinitionError, EvaluatorsError
from octobot_evaluators.evaluator import AbstractEvaluator
from octobot_evaluators.evaluator_type import EvaluatorType

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Signal:
    """One item of a social feed: a post, a message, a webhook call.

    ``source`` says where it came from (an account, a channel, a URL); ``payload`` is the feed-specific
    content; ``symbol`` is set when the signal is about one market.
    """

    source: str
    payload: dict[str, Any] = field(default_factory=dict)
    time: int = 0
    symbol: str | None = None


def _social_channel(scope: str) -> SocialFeedChannel:
    """The social feed channel of a matrix (created by `EvaluationMatrix.start`)."""
    try:
        return oc.get_channel(SocialFeedChannel.__name__, scope=scope)
    except oc.ChannelNotFoundError:
        raise EvaluatorsError(
            f"no social feed channel in scope {scope!r}: give the matrix id as scope and start the "
            "EvaluationMatrix before its feeds"
        ) from None


class SocialFeed:
    """Base of a feed (Telegram, Reddit, a webhook server...): it pushes `Signal`s, never evaluates.

    Subclasses connect to their service and call `publish`; ``scope`` is the id of the bot's matrix
    (started first: it owns the channel).
    """

    NAME: ClassVar[str | None] = None

    def __init__(self, scope: str, name: str | None = None) -> None:
        self.scope = scope
        self.name: str = name or self.NAME or type(self).__name__
        self._producer: oc.Producer | None = None

    async def start(self) -> None:
        self._producer = oc.Producer(_social_channel(self.scope))
        await self._producer.start()

    async def stop(self) -> None:
        self._producer = None

    async def publish(self, signal: Signal) -> None:
        """Send ``signal`` to every social evaluator of this feed."""
        if self._producer is None:
            raise EvaluatorsError(f"social feed {self.name!r} is not started: await feed.start() first")
        await self._producer.send(
            {
                "feed": self.name,
                "source": signal.source,
                "payload": signal.payload,
                "time": signal.time,
                "symbol": signal.symbol,
                "signal": signal,
            }
        )


class SocialEvaluator(AbstractEvaluator):
    """Evaluates the signals of one feed (``FEED``, or the ``feed`` config key).

    Implement `on_signal`: set ``self.eval_note`` and call ``await self.evaluation_completed()``
    (pass ``symbol=`` when the signal names none and this instance watches several symbols).
    """

    EVALUATOR_TYPE: ClassVar[EvaluatorType | None] = EvaluatorType.SOCIAL
    WILDCARD_SYMBOL: ClassVar[bool] = True
    WILDCARD_TIME_FRAME: ClassVar[bool] = True
    FEED: ClassVar[str | None] = None
    ABSTRACT: ClassVar[bool] = True

    @property
    def feed(self) -> str:
        feed = self.config.get("feed") or self.FEED
        if not feed:
            raise EvaluatorDefinitionError(f"{self.name} has no feed: set FEED or the 'feed' config key")
        return feed

    async def on_signal(self, signal: Signal) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement on_signal(signal)")

    async def new_signal(self, signal: Signal) -> None:
        """Trigger entry: ignores signals about symbols this instance does not watch."""
        if signal.symbol is not None and signal.symbol not in self.symbols:
            return
        self._set_context(
            signal.symbol or (self.symbols[0] if len(self.symbols) == 1 else None), None, signal.time
        )
        await self.on_signal(signal)

    async def start(self) -> None:
        await super().start()
        channel = _social_channel(self.matrix.matrix_id)
        await self._subscribe(channel, self._on_feed, {"feed": self.feed}, oc.Priority.MEDIUM)
        await self._subscribe_commands()

    async def _on_feed(self, message: dict[str, Any]) -> None:
        await self.new_signal(message["signal"])
