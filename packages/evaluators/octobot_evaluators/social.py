"""Social feeds and social evaluators: a feed publishes signals; its evaluators run on each one."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

import octobot_channel as oc
from octobot_evaluators.channels import SocialFeedChannel
from octobot_evaluators.errors import EvaluatorDefinitionError, EvaluatorsError
from octobot_evaluators.evaluation import _Unchanged
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
        return cast(SocialFeedChannel, oc.get_channel(SocialFeedChannel.__name__, scope=scope))
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

    Implement `on_signal` and return the evaluation: it applies to the signal's symbol, or to every
    symbol this instance watches when the signal names none; return a ``{symbol: evaluation}`` mapping to
    evaluate symbols one by one, or `UNCHANGED` to ignore the signal.
    """

    EVALUATOR_TYPE: ClassVar[EvaluatorType | None] = EvaluatorType.SOCIAL
    WILDCARD_SYMBOL: ClassVar[bool] = True
    WILDCARD_TIME_FRAME: ClassVar[bool] = True
    FEED: ClassVar[str | None] = None
    TRIGGER_METHODS: ClassVar[tuple[str, ...]] = ("on_signal",)
    ABSTRACT: ClassVar[bool] = True

    @property
    def feed(self) -> str:
        feed = self.config.get("feed") or self.FEED
        if not feed:
            raise EvaluatorDefinitionError(f"{self.name} has no feed: set FEED or the 'feed' config key")
        return feed

    def on_signal(self, signal: Signal) -> float | Mapping[str, float | None] | _Unchanged | None:
        """The evaluation a signal of the feed leads to (see the class doc)."""
        raise NotImplementedError(f"{type(self).__name__} must implement on_signal(signal)")

    async def new_signal(self, signal: Signal) -> None:
        """Trigger entry: ignores signals about symbols this instance does not watch."""
        if signal.symbol is not None and signal.symbol not in self.symbols:
            return
        self._set_context(
            signal.symbol or (self.symbols[0] if len(self.symbols) == 1 else None), None, signal.time
        )
        result = self.on_signal(signal)
        if isinstance(result, Mapping):
            unknown = sorted(set(result) - set(self.symbols))
            if unknown:
                raise EvaluatorsError(
                    f"{self.name}.on_signal evaluated {unknown}, which this instance does not watch "
                    f"(it watches {list(self.symbols)})"
                )
            evaluations: dict[str, object] = dict(result)
        else:
            targets = (signal.symbol,) if signal.symbol is not None else self.symbols
            evaluations = {symbol: result for symbol in targets}
        for symbol, value in evaluations.items():
            delivered = self._publish(value, symbol, None, signal.time)
            if delivered is not None:
                await delivered

    async def start(self) -> None:
        await super().start()
        channel = _social_channel(self.matrix.matrix_id)
        await self._subscribe(channel, self._on_feed, {"feed": self.feed}, oc.Priority.MEDIUM)
        await self._subscribe_commands()

    async def _on_feed(self, message: dict[str, Any]) -> None:
        await self.new_signal(message["signal"])
