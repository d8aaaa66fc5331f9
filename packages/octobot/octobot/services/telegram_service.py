"""The Telegram service: one Bot API connection per bot (token, chat ids, API server) shared by every
Telegram tentacle of that bot: the interface, the notifier and the channel feed.

Why one: Telegram gives one bot's updates to one getUpdates reader (a second one gets 409 Conflict) and
rate-limits per bot. So the service is the `octobot.Service` named "telegram" in ``bot.services``,
configured as every service is (``api_url`` from the profile's ``services``; ``token``, ``chat_ids`` and
``api_url`` from the user config or ``OCTOBOT_SERVICE_TELEGRAM_<KEY>``), and it owns the only reader:
tentacles subscribe to the kinds of update they want (`on_update`) and one long-polling loop on the bot's
event loop hands each update to them; it runs while anyone listens. ``chat_ids`` (comma-separated) are the
only chats the bot talks to and obeys. The token is registered for masking as soon as it is read. The
reader's pace (profile or user config): ``long_poll_seconds`` (25: how long the Bot API holds a read open),
``retry_seconds`` (1) doubling up to ``max_retry_seconds`` (60) after failed reads (a 429's retry_after is
obeyed, up to 60 s).

Tentacles share the connection by counting: `acquire` (the first opens the aiogram session), `release`
(the last closes it). aiogram is imported when the connection opens, not when tentacles are loaded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from octobot.errors import BotError, ConfigError
from octobot.secret_masking import mask
from octobot.services.feed_health import FeedHealth
from octobot.services.service import Service

if TYPE_CHECKING:
    from aiogram import Bot

logger = logging.getLogger(__name__)

SERVICE = "telegram"
#: a 429 asks to wait retry_after seconds: at most this long, this many times, before giving up a message
MAX_RETRY_AFTER = 60
MAX_ATTEMPTS = 3
#: the reader's settings and their defaults: getUpdates is held this long when nothing happens (long
#: polling: no busy loop); after a failed read, wait retry_seconds, doubling, up to max_retry_seconds
READER_DEFAULTS = {"long_poll_seconds": 25.0, "retry_seconds": 1.0, "max_retry_seconds": 60.0}
#: every kind of update an OctoBot tentacle reads, always asked for explicitly: Telegram keeps the last
#: ``allowed_updates`` it was given, and one list for all readers never drops a kind another one needs
ALLOWED_UPDATES = ("message", "callback_query", "channel_post")

UpdateHandler = Callable[[Any], Awaitable[None]]


@dataclass(frozen=True)
class _Subscriber:
    handler: UpdateHandler
    kinds: frozenset[str]
    health: FeedHealth | None


def parse_chat_ids(value: Any) -> tuple[int, ...]:
    """``"123, -100456"`` (or a number, or a list) -> (123, -100456); ConfigError naming the setting."""
    if value is None or value == "":
        return ()
    parts = value if isinstance(value, list | tuple) else str(value).replace(";", ",").split(",")
    try:
        return tuple(int(str(part).strip()) for part in parts if str(part).strip())
    except ValueError:
        raise ConfigError(
            f"services.{SERVICE}.chat_ids: expected chat ids separated by commas (e.g. 12345,-10067890), got "
            f"{value!r}"
        ) from None


class TelegramService(Service):
    """The ``telegram`` service of a bot (see module docstring): `acquire` before use, `release` after."""

    HINTS = {"token": "@BotFather gives one"}

    def __init__(
        self, name: str, settings: Mapping[str, Any] | None = None, secrets_file: Path | None = None
    ) -> None:
        super().__init__(name, settings, secrets_file)
        self._bot: Bot | None = None
        self._users = 0
        self._subscribers: list[_Subscriber] = []
        self._poller: asyncio.Task[None] | None = None
        #: the next update to read: kept while nobody listens, so a reader started again never hands an
        #: update it already handed (Telegram forgets an update once a read asks past it)
        self._offset: int | None = None
        #: the reader's own health: each kind of failure logged once, naming the service
        self.reader_health = FeedHealth("updates reader", self.name, logger, None)

    @property
    def chat_ids(self) -> tuple[int, ...]:
        """The chats the bot talks to and obeys (``chat_ids``)."""
        return parse_chat_ids(self.get("chat_ids"))

    @property
    def api_url(self) -> str | None:
        url = self.get("api_url")
        return str(url) if url else None

    def reader_setting(self, key: str) -> float:
        """A number of the reader's (`READER_DEFAULTS`); ConfigError naming it when it is not one."""
        value = self.get(key, READER_DEFAULTS[key])
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if not number > 0 or (key == "long_poll_seconds" and number > 50):
            raise ConfigError(
                f"services.{self.name}.{key}: expected a number of seconds above 0"
                f"{' and at most 50' if key == 'long_poll_seconds' else ''}, got {value!r}"
            )
        return number

    @property
    def bot(self) -> Bot:
        """The aiogram Bot (for the calls `send` does not cover: buttons' answers, edits)."""
        if self._bot is None:
            raise BotError(f"the {self.name} service is not open: acquire it first")
        return self._bot

    @property
    def reading(self) -> bool:
        """Whether the updates reader runs (someone listens)."""
        return self._poller is not None

    # --- sharing -----------------------------------------------------------------------------
    async def acquire(self) -> TelegramService:
        """One more user; the first opens the connection (ServiceConfigError naming the setting when the
        token or the chat ids are missing or malformed)."""
        if self._bot is None:
            from aiogram import Bot
            from aiogram.client.session.aiohttp import AiohttpSession
            from aiogram.client.telegram import PRODUCTION, TelegramAPIServer

            token = self.secret("token")
            self.chat_ids  # noqa: B018 (a malformed setting is refused now, not at the first message)
            for key in READER_DEFAULTS:
                self.reader_setting(key)
            server = TelegramAPIServer.from_base(self.api_url) if self.api_url else PRODUCTION
            self._bot = Bot(token, session=AiohttpSession(api=server))
        self._users += 1
        return self

    async def release(self) -> None:
        """One user less; the last one stops the reader and closes the connection."""
        self._users = max(0, self._users - 1)
        if self._users == 0:
            await self.close()

    async def close(self) -> None:
        """Stop the reader and close the connection whoever still uses it (the bot stopping)."""
        self._users = 0
        self._subscribers.clear()
        await self._stop_reader()
        bot, self._bot = self._bot, None
        if bot is not None:
            await bot.session.close()

    # --- reading -----------------------------------------------------------------------------
    def on_update(
        self,
        handler: UpdateHandler,
        kinds: Collection[str] = ALLOWED_UPDATES,
        health: FeedHealth | None = None,
    ) -> None:
        """Hand every update of ``kinds`` (aiogram ``Update``; "message", "callback_query",
        "channel_post") to ``handler`` from now on, in order. ``health`` (a feed's) counts the reader's
        failed and good reads without logging them again. The first subscriber starts the one reader."""
        unknown = set(kinds) - set(ALLOWED_UPDATES)
        if unknown:
            raise ValueError(f"unknown Telegram update kinds {sorted(unknown)}: use {list(ALLOWED_UPDATES)}")
        self.bot  # noqa: B018 (BotError when not acquired)
        self._subscribers.append(_Subscriber(handler, frozenset(kinds), health))
        if self._poller is None:
            self._poller = asyncio.get_running_loop().create_task(self._poll(), name=f"{self.name}-updates")

    async def remove_handler(self, handler: UpdateHandler) -> None:
        """``handler`` gets no more updates; the reader stops when nobody listens."""
        self._subscribers = [s for s in self._subscribers if s.handler != handler]
        if not self._subscribers:
            await self._stop_reader()

    async def _stop_reader(self) -> None:
        poller, self._poller = self._poller, None
        if poller is not None and poller is not asyncio.current_task():
            poller.cancel()
            await asyncio.gather(poller, return_exceptions=True)

    def describe(self, error: BaseException) -> str:
        """One line for a failed read, free of the token (aiogram errors may echo the URL)."""
        from aiogram.exceptions import TelegramConflictError, TelegramRetryAfter, TelegramUnauthorizedError

        if isinstance(error, TelegramConflictError):
            text = (
                f"HTTP 409 {error.message}: another program reads this bot's updates (another OctoBot, or "
                "a script, with the same token?): give each one its own bot"
            )
        elif isinstance(error, TelegramRetryAfter):
            text = f"HTTP 429 flood control (retry after {error.retry_after}s)"
        elif isinstance(error, TelegramUnauthorizedError):
            refused = f"HTTP 401 the Bot API refused the token ({error.message})"
            text = f"{refused}: check services.{self.name}.token"
        elif isinstance(error, TimeoutError):
            text = "timed out"
        else:
            text = (str(error).strip().splitlines() or ["no details"])[0]  # one line: no echoed body
        return self.redact(f"{type(error).__name__}: {text}")

    async def _poll(self) -> None:
        from aiogram.exceptions import TelegramRetryAfter
        from aiogram.methods import GetUpdates

        long_poll = int(self.reader_setting("long_poll_seconds"))
        first_wait = self.reader_setting("retry_seconds")
        longest_wait = self.reader_setting("max_retry_seconds")
        failures = 0
        while True:
            try:
                method = GetUpdates(
                    offset=self._offset, timeout=long_poll, allowed_updates=list(ALLOWED_UPDATES)
                )
                updates = await self.bot(method, request_timeout=long_poll + 15)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a reader never stops the bot: log once, back off, retry
                failures += 1
                wait = min(longest_wait, first_wait * 2.0 ** min(failures - 1, 32))
                if isinstance(error, TelegramRetryAfter):
                    wait = max(wait, min(float(error.retry_after), MAX_RETRY_AFTER))
                text = self.describe(error)
                self.reader_health.failed(text, wait)
                for subscriber in self._subscribers:
                    if subscriber.health is not None:
                        subscriber.health.failed(text, wait, logged=False)
                await asyncio.sleep(wait)
                continue
            failures = 0
            self.reader_health.succeeded()
            healths = [s.health for s in self._subscribers if s.health is not None]
            for health in healths:
                health.succeeded(logged=False)
            for update in updates:
                self._offset = update.update_id + 1  # confirmed by the next read: never handled twice
                await self._dispatch(update)
                if self._poller is not asyncio.current_task():
                    return  # a handler stopped this reader (its last listener left): the next one goes on
            for health in healths:
                health.check_silence()

    async def _dispatch(self, update: Any) -> None:
        kind = update.event_type
        for subscriber in list(self._subscribers):
            if kind not in subscriber.kinds:
                continue
            try:
                await subscriber.handler(update)
            except Exception as error:  # one bad update never stops the reader
                logger.error(
                    "%s service: update %s not handled: %s", self.name, update.update_id, mask(repr(error))
                )

    # --- sending -----------------------------------------------------------------------------
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
                logger.info("%s service: rate-limited, retrying in %s s", self.name, wait)
                await asyncio.sleep(wait)
            except (TelegramAPIError, TelegramNetworkError) as error:
                logger.warning(
                    "%s service: message to chat %s not sent: %s", self.name, chat_id, self.redact(str(error))
                )
                return None
        logger.warning(
            "%s service: message to chat %s dropped after %d rate limits", self.name, chat_id, MAX_ATTEMPTS
        )
        return None

    async def send_all(self, text: str, *, silent: bool = False) -> int:
        """Send ``text`` to every configured chat; how many got it."""
        sent = 0
        for chat_id in self.chat_ids:
            sent += await self.send(chat_id, text, silent=silent) is not None
        return sent


def telegram_service(bot: Any) -> TelegramService:
    """The Telegram service of ``bot`` (``bot.services.get("telegram")``)."""
    service = bot.services.get(SERVICE)
    if not isinstance(service, TelegramService):
        kind = type(service).__name__
        raise BotError(f"{bot.bot_id}: the '{SERVICE}' service is a {kind}, not a TelegramService")
    return service
