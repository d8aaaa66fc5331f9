"""HubNotifier: the bot's notifications (orders created, filled, cancelled; positions closed; errors; the
daily summary) as websocket ``notification`` events, for the logs page and API subscribers.

Why a notifier of its own: notifications are built once, by `octobot.notifications`, for every notifier
(log, Telegram, Apprise); the web interface is one more place they go, with the same words and the same
on / silent / off levels, whether or not the profile lists another notifier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from octobot.interface_base import AbstractNotifier
from octobot.notifications import Notification

if TYPE_CHECKING:
    from octobot.bot import OctoBot
    from octobot.web.hub import EventHub


class HubNotifier(AbstractNotifier):
    """Publishes each notification on ``hub`` (started and stopped by the web interface, not listed in
    profiles: it has no settings the user would change apart from the levels)."""

    NAME: ClassVar[str | None] = "WebNotifications"

    def __init__(self, bot: OctoBot, hub: EventHub, config: dict[str, Any] | None = None) -> None:
        super().__init__(bot, config)
        self.hub = hub

    async def send(self, notification: Notification) -> None:
        self.hub.publish(
            "notification",
            {
                "event": notification.event,
                "title": notification.title,
                "text": notification.text,
                "silent": notification.silent,
            },
        )
