"""TelegramChannelFeed: the posts of Telegram channels and groups a bot is in, one signal per message.

Through the Bot API (aiogram 3): add the bot to the channel (as an administrator: bots only see channel
posts then) or to the group (with privacy mode off, or it only sees commands), and it gets their
messages from the bot's ``telegram`` service (`TelegramService`), the one getUpdates reader of the bot,
shared with the Telegram interface (its token: user config ``services.telegram.token`` or
``$OCTOBOT_SERVICE_TELEGRAM_TOKEN``; ``services.telegram.api_url`` in the profile points it at another
Bot API server). ``chats`` keeps only the messages of those chats (ids like -1001234567890, or
@usernames); empty: every chat the bot is in.
The payload of a signal: ``text`` (a message's text or a media caption), ``chat_id``, ``chat``
(username or title), ``message_id`` and ``author`` (a group member; None in a channel); its time is
the message's date.

Why through the service and not a reader of its own: the Bot API gives one bot's updates to one reader
(a second getUpdates gets 409 Conflict), so every Telegram tentacle of a bot shares one. Its failures
(401, 429, a malformed answer) are logged once by the service, naming it; the feed's `status` counts them.
Why long polling and not a webhook: it needs no public address.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import octobot_evaluators as oe
from octobot.services.polling_feed import POLLING_PROPERTIES
from octobot.services.service_feed import ServiceFeed
from octobot.services.telegram_service import TelegramService

#: what a feed reads: channel posts, and the messages of the groups the bot is in
_UPDATES = ("channel_post", "message")


def message_signal(message: Any) -> oe.Signal | None:
    """One aiogram Message -> Signal (None for a message without text, a sticker say)."""
    text = message.text or message.caption
    if not text:
        return None
    chat = message.chat
    name = f"@{chat.username}" if chat.username else (chat.title or str(chat.id))
    author = message.from_user.username or message.from_user.full_name if message.from_user else None
    payload = {
        "text": text,
        "chat_id": chat.id,
        "chat": name,
        "message_id": message.message_id,
        "author": author,
    }
    return oe.Signal(source=f"telegram:{name}", payload=payload, time=int(message.date.timestamp() * 1000))


class TelegramChannelFeed(ServiceFeed):
    """Messages of Telegram channels and groups the bot is in (through the bot's Telegram service)."""

    NAME: ClassVar[str | None] = "TelegramChannelFeed"
    SERVICE: ClassVar[str | None] = "telegram"
    REQUIRED_SECRETS: ClassVar[tuple[str, ...]] = ("token",)
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"silence_seconds": 86400.0, "chats": []}
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "silence_seconds": POLLING_PROPERTIES["silence_seconds"],
            "chats": {
                "type": "array",
                "uniqueItems": True,
                "items": {
                    "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^@[A-Za-z0-9_]{4,}$"}]
                },
                "description": "chat ids or @usernames to read (empty: every chat the bot is in)",
            },
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not isinstance(self.service, TelegramService):
            raise TypeError(f"{self.name} reads through a TelegramService, got {type(self.service).__name__}")
        self.telegram: TelegramService = self.service
        self._chats = {str(chat).lower() for chat in self.config["chats"]}
        self._listening = False

    async def start(self) -> None:
        await super().start()
        await self.telegram.acquire()
        self.telegram.on_update(self._on_update, _UPDATES, self.health)
        self._listening = True

    async def stop(self) -> None:
        if self._listening:
            self._listening = False
            await self.telegram.remove_handler(self._on_update)
            await self.telegram.release()
        await super().stop()

    def _wanted(self, message: Any) -> bool:
        if not self._chats:
            return True
        chat = message.chat
        return str(chat.id) in self._chats or (
            chat.username is not None and f"@{chat.username}".lower() in self._chats
        )

    async def _on_update(self, update: Any) -> None:
        message = update.channel_post or update.message
        if message is None or not self._wanted(message):
            return
        signal = message_signal(message)
        if signal is not None:
            await self.publish(signal)
            self.health.received(1, int(time.time() * 1000))
