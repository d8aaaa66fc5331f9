"""TelegramInterface: command the running bot from Telegram, only from the configured chats.

Why through BotControl: every command (status, profit, pause, force exit...) is the same one the web
interface calls; this module only parses the command and renders the result (`telegram_texts`).
Messages from any other chat get no answer at all (the bot does not even tell it exists). Dangerous
commands (/stop, /forceexit, /forcebuy) answer with Confirm / Cancel buttons and act only on Confirm,
pressed in the same chat within ``confirm_timeout`` seconds; /forcebuy is refused unless
``forcebuy_enabled``. Updates are read by the bot's Telegram service (``bot.services``: one reader per
token, shared with the channel feed, on the bot's event loop) and routed with aiogram's dispatcher;
commands run one at a time.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import octobot
from octobot.bot_control import CommandError, CommandResult
from octobot.interface_base import AbstractInterface
from octobot.interfaces import telegram_texts as texts
from octobot.services.telegram_service import telegram_service

if TYPE_CHECKING:
    from aiogram import Dispatcher
    from aiogram.types import CallbackQuery, Message

    from octobot.services.telegram_service import TelegramService

CONFIRM, CANCEL = "confirm", "cancel"


@dataclass(frozen=True)
class Asker:
    """Who sent a command: the chat and the user in it."""

    chat_id: int
    user_id: int


@dataclass(frozen=True)
class _Pending:
    """A dangerous command waiting for its Confirm button."""

    asker: Asker
    question: str
    action: Callable[[], Awaitable[CommandResult] | CommandResult]
    expires_at: float


class TelegramInterface(AbstractInterface):
    """The bot's Telegram commands (see module docstring and ``telegram_texts.COMMANDS``)."""

    NAME: ClassVar[str | None] = "TelegramInterface"
    TENTACLE_VERSION: ClassVar[str] = "1.0.0"
    ABSTRACT: ClassVar[bool] = False
    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        "forcebuy_enabled": False,
        "confirm_timeout": 60,
        "trades_page_size": 10,
    }
    CONFIG_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "forcebuy_enabled": {"type": "boolean", "title": "Allow /forcebuy (manual entries)"},
            "confirm_timeout": {
                "type": "integer",
                "minimum": 5,
                "maximum": 3600,
                "title": "Seconds a Confirm button stays valid",
            },
            "trades_page_size": {"type": "integer", "minimum": 1, "maximum": 50, "title": "Trades per page"},
        },
        "additionalProperties": False,
    }

    _service: TelegramService | None = None

    def __init__(self, bot: Any, config: dict[str, Any] | None = None) -> None:
        super().__init__(bot, config)
        self._pending: dict[str, _Pending] = {}
        self._tokens = itertools.count(1)
        self._dispatcher: Dispatcher | None = None

    async def start(self) -> None:
        self._service = service = await telegram_service(self.bot).acquire()
        if not service.chat_ids:
            self.logger.warning(
                "TelegramInterface: no chat may command the bot: set services.telegram.chat_ids in the user "
                "config"
            )
        self._dispatcher = self._build_dispatcher(service.chat_ids)
        service.on_update(self._on_update, ("message", "callback_query"))

    async def stop(self) -> None:
        await super().stop()
        service, self._service = self._service, None
        if service is not None:
            self._dispatcher = None
            await service.remove_handler(self._on_update)
            await service.release()

    async def _on_update(self, update: Any) -> None:
        if self._dispatcher is not None and self._service is not None:
            await self._dispatcher.feed_update(self._service.bot, update)

    # --- routing ---------------------------------------------------------------------------
    def _build_dispatcher(self, chat_ids: tuple[int, ...]) -> Dispatcher:
        from aiogram import Dispatcher, F, Router
        from aiogram.filters import Command, CommandObject

        router = Router(name=self.get_name())
        allowed = set(chat_ids)
        router.message.filter(F.chat.id.in_(allowed))
        router.callback_query.filter(F.message.chat.id.in_(allowed))

        def on(name: str, handler: Callable[[Asker, str], Any]) -> None:
            async def run(message: Message, command: CommandObject) -> None:
                user = message.from_user.id if message.from_user is not None else message.chat.id
                try:
                    answer = handler(Asker(message.chat.id, user), (command.args or "").strip())
                    if inspect.isawaitable(answer):
                        answer = await answer
                except CommandError as error:
                    answer = f"/{name}: {error}"
                if answer is not None:
                    await self._reply(message.chat.id, answer)

            router.message.register(run, Command(name))

        for name, _arguments, _what in texts.COMMANDS:
            on(name, getattr(self, f"_command_{name}"))
        router.callback_query.register(self._on_button)
        router.message.register(self._unknown)
        dispatcher = Dispatcher()
        dispatcher.include_router(router)
        return dispatcher

    async def _reply(self, chat_id: int, text: str, reply_markup: Any = None) -> Any:
        assert self._service is not None
        return await self._service.send(chat_id, text, reply_markup=reply_markup)

    async def _unknown(self, message: Message) -> None:
        if (message.text or "").startswith("/"):
            await self._reply(message.chat.id, "Unknown command: /help lists them.")

    # --- commands (one method each; dangerous ones ask first) -------------------------------
    def _command_status(self, asker: Asker, arguments: str) -> str:
        return texts.status_text(self.control.status())

    def _command_profit(self, asker: Asker, arguments: str) -> str:
        return texts.profit_text(self.control.profit(_whole(arguments, "profit", None)))

    def _command_daily(self, asker: Asker, arguments: str) -> str:
        days = _whole(arguments, "daily", 7) or 7
        return texts.daily_text(self.control.daily(days), self.bot.profile.reference_market)

    def _command_balance(self, asker: Asker, arguments: str) -> str:
        return texts.balance_text(self.control.balance())

    def _command_trades(self, asker: Asker, arguments: str) -> str:
        page = _whole(arguments, "trades", 1) or 1
        return texts.trades_text(self.control.trades(page, self.config["trades_page_size"]))

    def _command_orders(self, asker: Asker, arguments: str) -> str:
        return texts.orders_text(self.control.orders())

    def _command_pause(self, asker: Asker, arguments: str) -> str:
        return self.control.pause().message

    def _command_resume(self, asker: Asker, arguments: str) -> str:
        return self.control.resume().message

    def _command_risk(self, asker: Asker, arguments: str) -> str:
        if not arguments:
            return f"risk is {self.bot.profile.risk}; /risk <value> sets it (0 to 1; 0.5: as configured)"
        return self.control.set_risk(arguments).message

    def _command_ping(self, asker: Asker, arguments: str) -> str:
        return "pong"

    def _command_version(self, asker: Asker, arguments: str) -> str:
        return f"OctoBot {octobot.__version__}"

    def _command_help(self, asker: Asker, arguments: str) -> str:
        return texts.help_text()

    async def _command_cancel(self, asker: Asker, arguments: str) -> str:
        if not arguments:
            return "/cancel <order id>: /orders lists the ids"
        return (await self.control.cancel_order(arguments)).message

    async def _command_stop(self, asker: Asker, arguments: str) -> None:
        await self._ask(asker, "Stop the bot?", self.control.stop)

    async def _command_forceexit(self, asker: Asker, arguments: str) -> str | None:
        if not arguments:
            return "/forceexit <position|order id|all>: /status lists them"
        positions = self.control.exit_targets(arguments)  # an unknown target is refused before asking
        question = f"Exit {', '.join(positions) or 'nothing'} ({arguments}) at market now?"
        await self._ask(asker, question, lambda: self.control.force_exit(arguments))
        return None

    async def _command_forcebuy(self, asker: Asker, arguments: str) -> str | None:
        if not self.config["forcebuy_enabled"]:
            return "/forcebuy is disabled: set forcebuy_enabled to true in the TelegramInterface config"
        parts = arguments.split()
        if len(parts) != 2:
            return "/forcebuy <symbol> <amount>, e.g. /forcebuy BTC/USDT 50q (50 USDT) or 0.001 (BTC)"
        symbol, size = parts
        question = f"Buy {size} {symbol} at market?"
        await self._ask(asker, question, lambda: self.control.force_entry(symbol, size))
        return None

    # --- confirmation ----------------------------------------------------------------------
    async def _ask(self, asker: Asker, question: str, action: Callable[[], Any]) -> None:
        from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

        token = str(next(self._tokens))
        expires = asyncio.get_running_loop().time() + self.config["confirm_timeout"]
        self._pending[token] = _Pending(asker, question, action, expires)
        buttons = [
            InlineKeyboardButton(text="Confirm", callback_data=f"{CONFIRM}:{token}"),
            InlineKeyboardButton(text="Cancel", callback_data=f"{CANCEL}:{token}"),
        ]
        await self._reply(asker.chat_id, question, InlineKeyboardMarkup(inline_keyboard=[buttons]))

    async def _on_button(self, query: CallbackQuery) -> None:
        assert self._service is not None
        choice, _, token = (query.data or "").partition(":")
        message = query.message
        chat_id = message.chat.id if message is not None else None
        pending = self._pending.get(token)
        now = asyncio.get_running_loop().time()
        if pending is None or pending.asker != Asker(chat_id or 0, query.from_user.id):
            # only who asked, in that chat, answers (in a group, another member's press does nothing)
            await self._service.bot.answer_callback_query(query.id, text="Not your question")
            return
        if pending.expires_at < now:
            del self._pending[token]
            await self._service.bot.answer_callback_query(query.id, text="This question expired: ask again")
            return
        del self._pending[token]
        if choice == CONFIRM:
            try:
                done = pending.action()
                result: CommandResult = await done if inspect.isawaitable(done) else done
                answer = result.message
            except CommandError as error:
                answer = f"{pending.question} {error}"
        else:
            answer = f"{pending.question} Cancelled."
        await self._service.bot.answer_callback_query(query.id)
        if message is not None:
            await self._service.bot.edit_message_text(answer, chat_id=chat_id, message_id=message.message_id)


def _whole(arguments: str, command: str, default: int | None) -> int | None:
    if not arguments:
        return default
    try:
        return int(arguments)
    except ValueError:
        raise CommandError(f"expected a whole number (e.g. /{command} 7), got {arguments!r}") from None
