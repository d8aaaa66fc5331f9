"""The loopback Telegram Bot API server speaks the protocol a real library expects (aiogram's client)."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramConflictError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from .telegram_bot_api import BOT_USERNAME, Failure, TelegramBotAPI

TOKEN = "5012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


def _bot(api: TelegramBotAPI, token: str = TOKEN) -> Bot:
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.url)))


async def test_messages_updates_and_offsets_round_trip():
    async with TelegramBotAPI(TOKEN) as api:
        bot = _bot(api)
        try:
            assert (await bot.get_me()).username == BOT_USERNAME
            button = InlineKeyboardButton(text="yes", callback_data="y")
            keyboard = InlineKeyboardMarkup(inline_keyboard=[[button]])
            sent = await bot.send_message(42, "hello", reply_markup=keyboard, disable_notification=True)
            assert sent.text == "hello" and api.sent[0]["chat_id"] == 42
            assert api.sent[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "y"
            await bot.edit_message_text("edited", chat_id=42, message_id=sent.message_id)
            assert api.edited[0]["text"] == "edited"

            waiting = asyncio.create_task(bot.get_updates(timeout=5))  # long polling: held until a message
            await api.wait_for(lambda: api.calls_of("getUpdates"))
            assert not waiting.done()
            await api.user_sends(42, "/status")
            (update,) = await waiting
            assert update.message.text == "/status" and update.message.chat.id == 42
            await api.user_presses(42, sent.model_dump(mode="json"), "y")
            (press,) = await bot.get_updates(offset=update.update_id + 1, timeout=1)
            assert press.callback_query.data == "y"
            assert await bot.answer_callback_query(press.callback_query.id, text="ok")
            assert api.answered[0]["text"] == "ok"
            assert await bot.get_updates(offset=press.update_id + 1, timeout=0) == []  # confirmed
        finally:
            await bot.session.close()


async def test_errors_are_the_bot_apis():
    async with TelegramBotAPI(TOKEN) as api:
        bot, stranger = _bot(api), _bot(api, "5012345678:AAH-not-the-token-of-this-bot-000000")
        try:
            api.fail_next("sendMessage", Failure(429, "Too Many Requests: retry after 3", retry_after=3))
            with pytest.raises(TelegramRetryAfter) as raised:
                await bot.send_message(42, "hello")
            assert raised.value.retry_after == 3
            with pytest.raises(TelegramUnauthorizedError):
                await stranger.get_me()
            api.fail_next("getMe", Failure(502, "Bad Gateway", malformed=True))
            with pytest.raises(ClientDecodeError):
                await bot.get_me()
            assert (await bot.send_message(42, "again")).text == "again"
        finally:
            await bot.session.close()
            await stranger.session.close()


async def test_a_second_reader_of_one_token_ends_the_first_in_409_conflict():
    async with TelegramBotAPI(TOKEN) as api:
        first, second = _bot(api), _bot(api)
        try:
            held = asyncio.create_task(first.get_updates(timeout=5))
            await api.wait_for(lambda: api.calls_of("getUpdates"))
            newer = asyncio.create_task(second.get_updates(timeout=5))
            with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
                await held
            await api.user_sends(42, "/ping")
            (update,) = await newer  # the newer reader goes on
            assert update.message.text == "/ping"
            assert api.conflicts == 1 and api.most_concurrent_polls == 2
        finally:
            await first.session.close()
            await second.session.close()
