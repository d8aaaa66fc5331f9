"""Where channels live: by scope (an exchange id, a matrix id, a bot id...), then by name.

Scopes keep bots and backtests that share a process apart: two exchanges each get their own
``OHLCVChannel``. The module functions use one process-wide default registry; build a
:class:`ChannelRegistry` of your own for full isolation (tests, embedded use).
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from typing import Any

from octobot_channel.channel import Channel
from octobot_channel.errors import ChannelExistsError, ChannelNotFoundError
from octobot_channel.synchronizer import Synchronizer

logger = logging.getLogger(__name__)


def _name_of(channel: str | type[Channel]) -> str:
    if isinstance(channel, type) and issubclass(channel, Channel):
        return channel.get_name()
    if isinstance(channel, str):
        return channel
    raise TypeError(f"a channel is named by a string or a Channel subclass, got {channel!r}")


class ChannelRegistry:
    """Channels by (scope, name); every lookup error names the scope and what it holds."""

    def __init__(self) -> None:
        self._scopes: dict[Hashable, dict[str, Channel]] = {}

    async def create_channel(
        self,
        channel_class: type[Channel],
        scope: Hashable,
        *,
        name: str | None = None,
        synchronizer: Synchronizer | None = None,
        **kwargs: Any,
    ) -> Channel:
        """Build, register and start a channel; synchronized when a ``synchronizer`` is given."""
        if not (isinstance(channel_class, type) and issubclass(channel_class, Channel)):
            raise TypeError(f"create_channel needs a Channel subclass, got {channel_class!r}")
        channel_name = name or channel_class.get_name()
        self._ensure_absent(channel_name, scope)
        channel = channel_class(scope, name=channel_name, synchronizer=synchronizer, **kwargs)
        self.register(channel)
        try:
            await channel.start()
        except BaseException:
            self._scopes[scope].pop(channel_name, None)
            await channel.stop()
            raise
        return channel

    def register(self, channel: Channel) -> Channel:
        """Register an already built channel under (``channel.scope``, ``channel.name``)."""
        self._ensure_absent(channel.name, channel.scope)
        self._scopes.setdefault(channel.scope, {})[channel.name] = channel
        return channel

    def get_channel(self, name: str | type[Channel], scope: Hashable) -> Channel:
        channel_name = _name_of(name)
        channels = self._scopes.get(scope)
        if channels is None:
            raise ChannelNotFoundError(
                f"no channel scope {scope!r} (existing scopes: {sorted(map(repr, self._scopes))}): "
                "create the channel first"
            )
        try:
            return channels[channel_name]
        except KeyError:
            raise ChannelNotFoundError(
                f"no channel {channel_name!r} in scope {scope!r} (it has: {sorted(channels)}): "
                "create it first"
            ) from None

    def has_channel(self, name: str | type[Channel], scope: Hashable) -> bool:
        return _name_of(name) in self._scopes.get(scope, {})

    def list_channels(self, scope: Hashable) -> list[Channel]:
        """The channels of ``scope`` in creation order (empty for an unknown scope)."""
        return list(self._scopes.get(scope, {}).values())

    def list_scopes(self) -> list[Hashable]:
        return list(self._scopes)

    async def delete_channel(self, name: str | type[Channel], scope: Hashable) -> None:
        """Stop the channel and forget it."""
        channel = self.get_channel(name, scope)
        channels = self._scopes[scope]
        del channels[channel.name]
        if not channels:
            del self._scopes[scope]
        await channel.stop()

    async def delete_scope(self, scope: Hashable) -> None:
        """Stop every channel of ``scope`` (newest first) and forget the scope."""
        channels = self._scopes.pop(scope, None)
        if channels is None:
            raise ChannelNotFoundError(
                f"no channel scope {scope!r} (existing scopes: {sorted(map(repr, self._scopes))})"
            )
        for channel in reversed(list(channels.values())):
            await channel.stop()

    async def clear(self) -> None:
        """Stop and forget every channel of every scope."""
        for scope in list(self._scopes):
            await self.delete_scope(scope)

    def _ensure_absent(self, name: str, scope: Hashable) -> None:
        if name in self._scopes.get(scope, {}):
            raise ChannelExistsError(
                f"channel {name!r} already exists in scope {scope!r}: get it with get_channel, delete it "
                "first, or use another scope"
            )


_default_registry = ChannelRegistry()


def default_registry() -> ChannelRegistry:
    """The process-wide registry behind the module-level functions."""
    return _default_registry


async def create_channel(
    channel_class: type[Channel],
    scope: Hashable,
    *,
    name: str | None = None,
    synchronizer: Synchronizer | None = None,
    **kwargs: Any,
) -> Channel:
    return await _default_registry.create_channel(
        channel_class, scope, name=name, synchronizer=synchronizer, **kwargs
    )


def get_channel(name: str | type[Channel], scope: Hashable) -> Channel:
    return _default_registry.get_channel(name, scope)


def has_channel(name: str | type[Channel], scope: Hashable) -> bool:
    return _default_registry.has_channel(name, scope)


def list_channels(scope: Hashable) -> list[Channel]:
    return _default_registry.list_channels(scope)


def list_scopes() -> list[Hashable]:
    return _default_registry.list_scopes()


async def delete_channel(name: str | type[Channel], scope: Hashable) -> None:
    await _default_registry.delete_channel(name, scope)


async def delete_scope(scope: Hashable) -> None:
    await _default_registry.delete_scope(scope)
