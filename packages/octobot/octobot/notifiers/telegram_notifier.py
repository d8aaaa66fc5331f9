"""TelegramNotifier: notifications as Telegram messages to the configured chats (silent ones without a
sound), through the bot's shared Telegram service (``bot.services``, `octobot.services.telegram_service`)."""

from __future__ import annotations

from typing import Any, ClassVar

from octobot.interface_base import AbstractNotifier
from octobot.notifications import Notification
from octobot.services.telegram_service import TelegramService, telegram_service


class TelegramNotifier(AbstractNotifier):
    """Sends each notification to every chat of ``services.telegram.chat_ids`` in the user config."""

    NAME: ClassVar[str | None] = "TelegramNotifier"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    ABSTRACT: ClassVar[bool] = False
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = dict(AbstractNotifier.DEFAULT_CONFIG)

    _service: TelegramService | None = None

    async def start(self) -> None:
        self._service = await telegram_service(self.bot).acquire()
        if not self._service.chat_ids:
            self.logger.warning(
                "TelegramNotifier: no chat to notify: set services.telegram.chat_ids in the user config"
            )
        await super().start()

    async def stop(self) -> None:
        await super().stop()
        service, self._service = self._service, None
        if service is not None:
            await service.release()

    async def send(self, notification: Notification) -> None:
        if self._service is not None:
            await self._service.send_all(notification.text, silent=notification.silent)
