"""The public API of octobot_channel (re-exported by the package)."""

from __future__ import annotations

from octobot_channel.channel import Channel
from octobot_channel.constants import DEFAULT_QUEUE_SIZE, ROUTE_CACHE_SIZE, WILDCARD
from octobot_channel.consumer import (
    Callback,
    Consumer,
    InternalConsumer,
    Message,
    SupervisedConsumer,
    returns_awaitable,
)
from octobot_channel.errors import (
    ChannelClosedError,
    ChannelError,
    ChannelExistsError,
    ChannelNotFoundError,
    InvalidConsumerError,
    InvalidFilterError,
    InvalidMessageError,
    MissingMessageFieldError,
    SynchronizerError,
)
from octobot_channel.priority import Priority
from octobot_channel.producer import Producer
from octobot_channel.registry import (
    ChannelRegistry,
    create_channel,
    default_registry,
    delete_channel,
    delete_scope,
    get_channel,
    has_channel,
    list_channels,
    list_scopes,
)
from octobot_channel.synchronizer import Synchronizer

__all__ = [
    "DEFAULT_QUEUE_SIZE",
    "ROUTE_CACHE_SIZE",
    "WILDCARD",
    "Callback",
    "Channel",
    "ChannelClosedError",
    "ChannelError",
    "ChannelExistsError",
    "ChannelNotFoundError",
    "ChannelRegistry",
    "Consumer",
    "InternalConsumer",
    "InvalidConsumerError",
    "InvalidFilterError",
    "InvalidMessageError",
    "Message",
    "MissingMessageFieldError",
    "Priority",
    "Producer",
    "SupervisedConsumer",
    "Synchronizer",
    "SynchronizerError",
    "create_channel",
    "default_registry",
    "delete_channel",
    "delete_scope",
    "get_channel",
    "has_channel",
    "list_channels",
    "list_scopes",
    "returns_awaitable",
]
