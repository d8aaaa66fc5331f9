"""The package's exception hierarchy: catch :class:`ChannelError` to catch them all."""

from __future__ import annotations

from typing import Any


class ChannelError(Exception):
    """Base of every error raised by octobot_channel."""


class ChannelNotFoundError(ChannelError, LookupError):
    """No channel (or scope) is registered under the requested key."""


class ChannelExistsError(ChannelError):
    """A channel is already registered under this (scope, name)."""


class ChannelClosedError(ChannelError):
    """The channel was stopped: it accepts no more consumers, producers or messages."""


class InvalidConsumerError(ChannelError, ValueError):
    """A consumer was built or attached with bad arguments (callback, priority, queue size...)."""


class InvalidFilterError(ChannelError, ValueError):
    """A consumer filters on a field the channel does not declare in ``FILTER_FIELDS``."""


class InvalidMessageError(ChannelError, TypeError):
    """A producer sent something that is not a ``dict`` message."""


class MissingMessageFieldError(ChannelError, KeyError):
    """A message lacks a field that a consumer filters on or expects.

    Raised by the producer's ``send`` before anything is delivered, so a malformed message is never
    silently dropped nor half delivered.
    """

    def __init__(self, channel: str, field: str, consumer: str) -> None:
        self.channel = channel
        self.field = field
        self.consumer = consumer
        super().__init__(
            f"message sent on channel {channel} lacks the field {field!r}, which consumer {consumer} "
            f"filters on or expects: add {field!r} to the message"
        )

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.channel, self.field, self.consumer))


class SynchronizerError(ChannelError):
    """A synchronizer was misused (for instance ``drain()`` awaited from inside a drain)."""
