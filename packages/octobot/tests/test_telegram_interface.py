"""The Telegram interface end to end: a bot trading real candles, commanded through aiogram from a chat of
the loopback Telegram Bot API server; every answer checked against the bot's own account."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

import octobot
from octobot.interfaces.telegram_interface import TelegramInterface

from .live_bot import fed_bot
from .telegram_bot_api import Failure, TelegramBotAPI
from .test_notifiers import TOKEN, telegram_user_config

CHAT, STRANGER = 42, 99
HOLDING_AFTER = 170


@pytest.fixture
def candles(btc_hour_candles):
    return btc_hour_candles


@pytest.fixture
def profile(default_bot_profile):
    return default_bot_profile


class Chat:
    """The user of chat ``chat_id``: sends a text and waits for the bot's next answer (or edit)."""

    def __init__(self, api: TelegramBotAPI, chat_id: int = CHAT) -> None:
        self.api = api
        self.chat_id = chat_id

    async def send(self, text: str) -> dict:
        count = len(self.api.sent)
        await self.api.user_sends(self.chat_id, text)
        return await self.api.wait_for(lambda: len(self.api.sent) > count and self.api.sent[count])

    async def press_only(self, question: dict, label: str) -> None:
        (buttons,) = question["reply_markup"]["inline_keyboard"]
        (data,) = [button["callback_data"] for button in buttons if button["text"] == label]
        await self.api.user_presses(self.chat_id, question["message"], data)

    async def press(self, question: dict, label: str) -> dict:
        count = len(self.api.edited)
        await self.press_only(question, label)
        return await self.api.wait_for(lambda: len(self.api.edited) > count and self.api.edited[count])


async def test_commands_read_and_command_the_bot_through_bot_control(home, profile, candles, caplog):
    caplog.set_level(logging.INFO)
    async with TelegramBotAPI(TOKEN) as api:
        async with fed_bot(profile, candles, telegram_user_config(home, api, chats=str(CHAT))) as fed:
            interface = TelegramInterface(fed.bot)
            await interface.start()
            chat, control, manager = Chat(api), octobot.BotControl(fed.bot), fed.manager
            await fed.feed(HOLDING_AFTER)

            status = (await chat.send("/status"))["text"]
            amount, entry = manager.account.holdings()["BTC/USDT"]
            price = manager.last_price("BTC/USDT")
            assert f"binance:BTC/USDT: {amount.normalize():f} bought at {entry:.2f}" in status
            assert f"PnL {(price - entry) * amount:+.2f} USDT" in status and "No open order." in status
            profit = control.profit()
            assert (
                f"realised {profit.realised_pnl:+.2f} USDT over {profit.trades} trade(s)"
                in (await chat.send("/profit"))["text"]
            )
            assert "last 2 day(s)" in (await chat.send("/profit 2"))["text"]
            refused = "/profit: expected a whole number (e.g. /profit 7), got 'two'"
            assert (await chat.send("/profit two"))["text"] == refused
            daily = (await chat.send("/daily 3"))["text"].splitlines()
            assert len(daily) == 4 and daily[-1].startswith(control.daily(1)[0].day)
            total = f"Total: {manager.portfolio_manager.value():.2f} USDT"
            assert total in (await chat.send("/balance"))["text"]
            trades = (await chat.send("/trades"))["text"]
            assert f"{len(manager.trader.trades())} in all" in trades
            assert manager.trader.trades()[-1].trade_id in trades.splitlines()[1]  # newest first
            assert (await chat.send("/orders"))["text"] == "No open order."

            assert "paused" in (await chat.send("/pause"))["text"] and control.paused
            assert "resumed" in (await chat.send("/resume"))["text"] and not control.paused
            assert (await chat.send("/risk 0.7"))["text"] == "risk set to 0.7 (was 0.5)"
            assert "above 0 and at most 1" in (await chat.send("/risk 7"))["text"]
            assert fed.bot.profile.risk == Decimal("0.7")
            assert (await chat.send("/ping"))["text"] == "pong"
            assert (await chat.send("/version"))["text"] == f"OctoBot {octobot.__version__}"
            help_text = (await chat.send("/help"))["text"]
            assert all(f"/{name}" in help_text for name in ("status", "forceexit", "forcebuy", "risk"))
            assert "Unknown command" in (await chat.send("/moon"))["text"]

            # a dangerous command acts only on its Confirm button
            question = await chat.send("/forceexit all")
            assert question["text"] == "Exit binance:BTC/USDT (all) at market now?"
            assert manager.account.holdings()  # nothing sold yet
            done = await chat.press(question, "Confirm")
            assert "sold" in done["text"] and not manager.account.holdings()
            assert api.answered and done["message_id"] == question["message"]["message_id"]
            assert "is neither a position" in (await chat.send("/forceexit DOGE/EUR"))["text"]

            question = await chat.send("/stop")
            assert (await chat.press(question, "Cancel"))["text"] == "Stop the bot? Cancelled."
            assert not fed.bot.stop_requested.is_set()
            answered = len(api.answered)
            await chat.press_only(question, "Confirm")  # a question answers once
            await api.wait_for(lambda: len(api.answered) > answered)
            assert api.answered[-1]["text"] == "Not your question"
            assert not fed.bot.stop_requested.is_set()
            question = await chat.send("/stop")
            assert "stopping" in (await chat.press(question, "Confirm"))["text"]
            assert fed.bot.stop_requested.is_set()

            assert "disabled" in (await chat.send("/forcebuy BTC/USDT 50q"))["text"]
            await interface.stop()
    logged = [r.getMessage() for r in caplog.records if r.name == "octobot.bot_control"]
    assert len([line for line in logged if "command pause from TelegramInterface" in line]) == 1
    assert TOKEN not in caplog.text


async def test_strangers_get_nothing_and_command_nothing(home, profile, candles):
    async with TelegramBotAPI(TOKEN) as api:
        async with fed_bot(profile, candles, telegram_user_config(home, api, chats=str(CHAT))) as fed:
            interface = TelegramInterface(fed.bot)
            await interface.start()
            await fed.feed(HOLDING_AFTER)
            mine = Chat(api)
            question = await mine.send("/stop")
            for text in ("/pause", "/status", "/stop", "/forceexit all", "hello"):
                await api.user_sends(STRANGER, text)
            confirm = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            await api.user_presses(STRANGER, question["message"], confirm)  # on the message of the chat
            await api.user_presses(CHAT, question["message"], confirm, user_id=STRANGER)  # a group member
            assert (await mine.send("/ping"))["text"] == "pong"  # updates are handled in order: all seen
            await interface.stop()
            assert not octobot.BotControl(fed.bot).paused and fed.manager.account.holdings()
            assert not fed.bot.stop_requested.is_set()
    assert [m for m in api.sent if m["chat_id"] == STRANGER] == [] and api.edited == []
    assert [a["text"] for a in api.answered] == ["Not your question"] * 2


async def test_forcebuy_when_enabled_and_rate_limits_on_answers(home, profile, candles):
    async with TelegramBotAPI(TOKEN) as api:
        async with fed_bot(profile, candles, telegram_user_config(home, api, chats=str(CHAT))) as fed:
            interface = TelegramInterface(fed.bot, {"forcebuy_enabled": True})
            await interface.start()
            await fed.feed(20)
            chat = Chat(api)
            assert "/forcebuy <symbol> <amount>" in (await chat.send("/forcebuy BTC/USDT"))["text"]
            api.fail_next("sendMessage", Failure(429, "Too Many Requests: retry after 1", retry_after=1))
            question = await chat.send("/forcebuy BTC/USDT 50q")  # answered after the 429's wait
            assert question["text"] == "Buy 50q BTC/USDT at market?"
            bought = await chat.press(question, "Confirm")
            (fill,) = fed.manager.trader.trades()
            assert bought["text"] == f"bought {fill.amount} BTC/USDT on binance at {fill.price}"
            assert "BTC/USDT" in fed.manager.account.holdings()
            question = await chat.send("/forcebuy ETH/USDT 50q")
            assert "not a pair of the profile" in (await chat.press(question, "Confirm"))["text"]
            api.fail_next("getUpdates", Failure(502, "Bad Gateway", malformed=True))
            api.fail_next("getUpdates", Failure(500, "Internal Server Error"))
            assert (await chat.send("/ping"))["text"] == "pong"  # the reader got over the failures
            await interface.stop()
