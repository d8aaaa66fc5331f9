"""Which service feeds a profile's active tentacles need: the bot starts those, and only those.

A social evaluator needs the feed its ``feed`` setting (or ``FEED``) names; any tentacle may declare
more in ``REQUIRED_FEEDS`` (the TradingView signals mode needs the webhook). A feed is named by its
tentacle name, so a profile never lists feeds: activating what listens to one is enough.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from octobot.tentacle_info import TentacleInfo
from octobot.tentacle_kind import TentacleKind
from octobot.tentacle_registry import TentacleRegistry


def wanted_feeds(info: TentacleInfo, config: Mapping[str, Any]) -> list[str]:
    """The feed names ``info`` listens to with ``config``."""
    names = list(info.required_feeds)
    if info.kind is TentacleKind.SOCIAL:
        feed = config.get("feed") or getattr(info.cls, "FEED", None)
        if isinstance(feed, str) and feed:
            names.append(feed)
    return list(dict.fromkeys(names))


def needed_feeds(
    active: list[TentacleInfo],
    configs: Mapping[str, Mapping[str, Any]],
    registry: TentacleRegistry,
    source: Path,
) -> list[TentacleInfo]:
    """The service feed tentacles ``active`` need, in first-needed order; UnknownTentacleError naming the
    tentacle and its feed when no installed service feed has that name."""
    found: dict[str, TentacleInfo] = {}
    for info in active:
        for name in wanted_feeds(info, configs.get(info.name, {})):
            if name not in found:
                found[name] = registry.get(
                    name,
                    [TentacleKind.SERVICE_FEED],
                    where=f"{source}: {info.kind.value} '{info.name}' listens to",
                )
    return list(found.values())
