"""The Telegram service: one connection to the Bot API (token, chat ids, API server) shared by the
Telegram tentacles of a bot (interface, notifier).

Why shared: Telegram allows one getUpdates reader per token and rate-limits per bot; one aiohttp session
on the bot's event loop serves every tentacle (no thread of its own). Settings come from the user config
(secrets stay out of profiles): ``services.telegram.token``, ``chat_ids`` (comma-separated: the only
chats the bot talks to and obeys) and ``api_url`` (another Bot API server, e.g. a self-hosted one), or
the environment: ``OCTOBOT_SERVICE_TELEGRAM_TOKEN``, ``OCTOBOT_SERVICE_TELEGRAM_CHAT_IDS``. The token is
registered for masking the moment it is read: it never appears in logs, errors or reports.

aiogram is imported when the service starts, not when the tentacle registry loads the tentacles.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from octobot.errors import BotError, ConfigError
from octobot.secret_masking import mask, register_secret
from octobot.user_config import UserConfig, load_user_config

if TYPE_CHECKING:
    from aiogram import Bot

logger = logging.getLogger(__name__)

SERVICE = "telegram"
#: a 429 asks to wait retry_after seconds: at most this long, this many times, before giving up a message
MAX_RETRY_AFTER = 60
MAX_ATTEMPTS = 3
#: getUpdates holds the request this long when nothing happens (long polling: no busy loop)
POLLING_TIMEOUT = 25
#: after a failed getUpdates, wait 1, 2, 4... seconds, at most this long
MAX_BACKOFF = 60

UpdateHandler = Callable[[Any], Awaitable[None]]


def _chat_ids(value: Any) -> tuple[int, ...]:
    if value is None or value == "":
        return ()
    try:
        return tuple(int(part) for part in str(value).replace(";", ",").split(",") if part.strip())
    except ValueError:
        raise ConfigError(
            f"services.{SERVICE}.chat_ids: expected chat ids separated by commas (e.g. 12345,-10067890), got "
            f"{value!r}"
        ) from None


class TelegramService:
    """A Bot API connection (see module docstring). ``start`` before use, ``close`` after."""

    def __init__(self, token: str, chat_ids: tuple[int, ...] = (), api_url: str | None = None) -> None:
        register_secret(token)
        self._token = token
        self.chat_ids = chat_ids
        self.api_url = api_url
        self._bot: Bot | None = None
        self._handlers: list[UpdateHandler] = []
        self._poller: asyncio.Task[None] | None = None

    @classmethod
    def from_user_config(cls, user_config: UserConfig) -> TelegramService:
        settings = user_config.service(SERVICE)
        token = str(settings.get("token") or "")
        if not token:
            raise ConfigError(
                f"the Telegram tentacles need a bot token: set services.{SERVICE}.token in "
                f"{user_config.path} (or the environment variable OCTOBOT_SERVICE_TELEGRAM_TOKEN); "
                "@BotFather gives one"
            )
        return cls(token, _chat_ids(settings.get("chat_ids")), settings.get("api_url") or None)

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            raise BotError("the Telegram service is not started")
        return self._bot

    async def start(self) -> None:
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import PRODUCTION, TelegramAPIServer

        server = TelegramAPIServer.from_base(self.api_url) if self.api_url else PRODUCTION
        self._bot = Bot(self._token, session=AiohttpSession(api=server))

    async def close(self) -> None:
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            await asyncio.gather(poller, return_exceptions=True)
        bot, self._bot = self._bot, None
        if bot is not None:
            await bot.session.close()

    def on_update(self, handler: UpdateHandler) -> None:
        """Hand every update (aiogram ``Update``: messages, button presses, channel posts) to ``handler``
        from now on. One reader of getUpdates per token, as Telegram requires, whatever the tentacles
        listening: the first handler starts it."""
        self._handlers.append(handler)
        if self._poller is None:
            self._poller = asyncio.get_running_loop().create_task(self._poll(), name="telegram-updates")

    async def _poll(self) -> None:
        from aiogram.exceptions import (
            ClientDecodeError,
            TelegramAPIError,
            TelegramNetworkError,
            TelegramRetryAfter,
            TelegramUnauthorizedError,
        )
        from aiogram.methods import GetUpdates

        offset: int | None = None
        failures = 0
        while True:
            try:
                method = GetUpdates(offset=offset, timeout=POLLING_TIMEOUT)
                updates = await self.bot(method, request_timeout=POLLING_TIMEOUT + 15)
            except TelegramRetryAfter as error:
                await asyncio.sleep(min(error.retry_after, MAX_RETRY_AFTER))
                continue
            except TelegramUnauthorizedError:
                logger.error("telegram: the Bot API refused the token: no command is read; check the token")
                return
            except (TelegramAPIError, TelegramNetworkError, ClientDecodeError, asyncio.TimeoutError) as error:
                if not failures:  # once per outage
                    logger.warning("telegram: cannot read updates (retrying): %s", mask(str(error)))
                failures += 1
                await asyncio.sleep(min(2 ** (failures - 1), MAX_BACKOFF))
                continue
            if failures:
                logger.info("telegram: reading updates again after %d failure(s)", failures)
                failures = 0
            for update in updates:
                offset = update.update_id + 1
                for handler in list(self._handlers):
                    try:
                        await handler(update)
                    except Exception as error:  # one bad update never stops the reader
                        number = update.update_id
                        logger.error("telegram: update %s not handled: %s", number, mask(repr(error)))

    async def send(
        self, chat_id: int, text: str, *, silent: bool = False, reply_markup: Any = None
    ) -> Any | None:
        """Send ``text`` (secrets masked) to ``chat_id``, waiting out 429s; the Message, or None when
        Telegram refused it (logged, masked)."""
        from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramRetryAfter

        for _attempt in range(MAX_ATTEMPTS):
            try:
                return await self.bot.send_message(
                    chat_id, mask(text), disable_notification=silent, reply_markup=reply_markup
                )
            except TelegramRetryAfter as error:
                wait = min(error.retry_after, MAX_RETRY_AFTER)
                logger.info("telegram: rate-limited, retrying in %s s", wait)
                await asyncio.sleep(wait)
            except (TelegramAPIError, TelegramNetworkError) as error:
                logger.warning("telegram: message to chat %s not sent: %s", chat_id, mask(str(error)))
                return None
        logger.warning("telegram: message to chat %s dropped after %d rate limits", chat_id, MAX_ATTEMPTS)
        return None

    async def send_all(self, text: str, *, silent: bool = False) -> int:
        """Send ``text`` to every configured chat; how many got it."""
        sent = 0
        for chat_id in self.chat_ids:
            sent += await self.send(chat_id, text, silent=silent) is not None
        return sent


_shared: dict[str, tuple[TelegramService, int]] = {}


async def acquire(bot: Any) -> TelegramService:
    """The started Telegram service of ``bot`` (one per bot, whatever tentacles use it), from the bot's
    user config (or the user config of OCTOBOT_HOME)."""
    key = str(bot.bot_id)
    if key in _shared:
        service, users = _shared[key]
        _shared[key] = (service, users + 1)
        return service
    user_config = getattr(bot, "user_config", None) or load_user_config(create=False)
    service = TelegramService.from_user_config(user_config)
    await service.start()
    _shared[key] = (service, 1)
    return service


async def release(bot: Any) -> None:
    """One user of ``bot``'s service less; the last one closes it."""
    key = str(bot.bot_id)
    if key not in _shared:
        return
    service, users = _shared.pop(key)
    if users > 1:
        _shared[key] = (service, users - 1)
    else:
        await service.close()
