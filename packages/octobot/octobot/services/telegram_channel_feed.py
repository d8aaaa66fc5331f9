"""TelegramChannelFeed: the posts of Telegram channels and groups a bot is in, one signal per message.

Through the Bot API (aiogram 3): add the bot to the channel (as an administrator: bots only see channel
posts then) or to the group (with privacy mode off, or it only sees commands), and it reads their
messages by long polling (getUpdates). Its token is the ``telegram`` service's (user config
``services.telegram.token`` or ``$OCTOBOT_SERVICE_TELEGRAM_TOKEN``), shared with the other Telegram
tentacles; ``services.telegram.api_url`` in the profile points it at another Bot API server (a local
one, a test server). ``chats`` keeps only the messages of those chats (ids like -1001234567890, or
@usernames); empty: every chat the bot is in.
The payload of a signal: ``text`` (a message's text or a media caption), ``chat_id``, ``chat``
(username or title), ``message_id`` and ``author`` (a group member; None in a channel); its time is
the message's date.

Why long polling and not a webhook: it needs no public address; note that the Bot API gives one bot's
updates to one reader, so a Telegram interface reading commands with the same token must share the
updates rather than poll them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import octobot_evaluators as oe
from octobot.errors import FeedError
from octobot.services.polling_feed import POLLING_DEFAULTS, POLLING_PROPERTIES, PollingFeed

_UPDATES = ["channel_post", "message"]


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


class TelegramChannelFeed(PollingFeed):
    """Messages of Telegram channels and groups the bot is in (Bot API long polling, aiogram)."""

    NAME: ClassVar[str | None] = "TelegramChannelFeed"
    SERVICE: ClassVar[str | None] = "telegram"
    REQUIRED_SECRETS: ClassVar[tuple[str, ...]] = ("token",)
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        **POLLING_DEFAULTS,
        "interval_seconds": 1.0,
        "long_poll_seconds": 25,
        "chats": [],
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **POLLING_PROPERTIES,
            "long_poll_seconds": {
                "type": "integer",
                "minimum": 0,
                "maximum": 50,
                "description": "how long the Bot API holds a read open waiting for a message",
            },
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
        self._bot: Any = None
        self._offset: int | None = None
        self._chats = {str(chat).lower() for chat in self.config["chats"]}

    @property
    def read_timeout(self) -> float:
        return float(self.config["long_poll_seconds"]) + float(self.config["timeout_seconds"])

    async def open(self) -> None:
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import PRODUCTION, TelegramAPIServer

        url = self.service.get("api_url")
        api = TelegramAPIServer.from_base(str(url)) if url else PRODUCTION
        self._bot = Bot(self.service.secret("token"), session=AiohttpSession(api=api))

    async def close(self) -> None:
        if self._bot is not None:
            await self._bot.session.close()
            self._bot = None

    def _wanted(self, message: Any) -> bool:
        if not self._chats:
            return True
        chat = message.chat
        return str(chat.id) in self._chats or (
            chat.username is not None and f"@{chat.username}".lower() in self._chats
        )

    async def fetch(self) -> Sequence[oe.Signal]:
        from aiogram.exceptions import TelegramRetryAfter

        try:
            updates = await self._bot.get_updates(
                offset=self._offset,
                timeout=int(self.config["long_poll_seconds"]),
                allowed_updates=_UPDATES,
                request_timeout=int(self.read_timeout),
            )
        except TelegramRetryAfter as error:
            raise FeedError("HTTP 429 flood control", float(error.retry_after)) from None
        signals = []
        for update in updates:
            self._offset = update.update_id + 1  # confirmed at the next read: never read twice
            message = update.channel_post or update.message
            if message is None or not self._wanted(message):
                continue
            signal = message_signal(message)
            if signal is not None:
                signals.append(signal)
        return signals
