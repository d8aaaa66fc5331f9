"""The issue's limits on a running bot (normal mode, as `octobot run`): the standard setup plus the
Telegram interface, the Telegram notifier and the Apprise notifier runs on fewer than 10 threads, and a
real-shaped token never reaches the log file, the messages or the errors."""

from __future__ import annotations

import io
import json
import logging
import threading

import octobot
import octobot_backtesting as ob
from octobot.bot import OctoBot

from .helpers import run_cli
from .live_bot import HOUR_MS, default_profile, hour_candles
from .telegram_bot_api import Failure, TelegramBotAPI
from .test_notifiers import TOKEN, endpoint  # noqa: F401 (the JSON endpoint fixture)
from .test_telegram_interface import CHAT, Chat

INTERFACES = ["TelegramInterface", "TelegramNotifier", "AppriseNotifier"]


def _calls_with(api: TelegramBotAPI, words: str) -> list:
    return [call for call in api.calls_of("sendMessage") if words in str(call.params.get("text"))]


async def test_telegram_and_notifiers_stay_under_ten_threads_and_never_show_the_token(
    home,
    builtin_tentacles,
    btc_data_file,
    endpoint,  # noqa: F811
):
    run_cli("profiles", "copy", "default", "telegram")
    folder = home.profiles / "telegram"
    content = json.loads((folder / "profile.json").read_text())
    content["interfaces"] = INTERFACES
    (folder / "profile.json").write_text(json.dumps(content))
    (folder / "TelegramInterface.json").write_text(json.dumps({"forcebuy_enabled": True}))
    log_file = octobot.setup_logging(home.logs, console_stream=io.StringIO())
    candles = hour_candles(btc_data_file)[:30]
    threads_before = threading.active_count()
    async with TelegramBotAPI(TOKEN) as api:
        environ = {
            "OCTOBOT_SERVICE_TELEGRAM_TOKEN": TOKEN,
            "OCTOBOT_SERVICE_TELEGRAM_CHAT_IDS": str(CHAT),
            "OCTOBOT_SERVICE_TELEGRAM_API_URL": api.url,
            "OCTOBOT_SERVICE_APPRISE_URLS": endpoint.url,
        }
        user_config = octobot.load_user_config(home, environ=environ)
        clock = ob.SimulatedClock(int(candles[0][0]))
        bot = OctoBot(default_profile(home, "telegram"), clock=clock, user_config=user_config)
        await bot.start()
        try:
            assert sorted(bot.interfaces) == sorted(INTERFACES)
            manager = bot.exchange_managers["binance"]
            for row in candles:
                clock.advance_to(int(row[0]) + HOUR_MS)
                await manager.push_candle("BTC/USDT", "1h", [int(row[0]), *map(float, row[1:])])
            chat = Chat(api)  # the notifier writes to the same chat: answers are found by their text
            await api.user_sends(CHAT, "/ping")
            await api.wait_for(lambda: [m for m in api.sent if m["text"] == "pong"])
            await api.user_sends(CHAT, "/forcebuy BTC/USDT 50q")
            (question,) = await api.wait_for(lambda: [m for m in api.sent if m["text"].startswith("Buy 50q")])
            assert (await chat.press(question, "Confirm"))["text"].startswith("bought ")
            # the notifiers tell the fill: Telegram and the Apprise endpoint
            await api.wait_for(lambda: any(m["text"].startswith("binance: buy ") for m in api.sent))
            await endpoint.received.wait()
            running = threading.active_count()
            assert running < 10, f"{running} threads: {[t.name for t in threading.enumerate()]}"
            # an error, then a Telegram refusal echoing the token: both logged, neither shows it
            api.fail_next("sendMessage", Failure(400, f"Bad Request: wrong bot{TOKEN}"))
            logging.getLogger("octobot_trading.somewhere").error("exchange said: token=%s refused", TOKEN)
            said = await api.wait_for(lambda: _calls_with(api, "exchange said"))
        finally:
            await bot.stop()
    print(f"threads: {threads_before} before the bot, {running} while it ran with {', '.join(INTERFACES)}")
    written = log_file.read_text()
    secret_part = TOKEN.split(":")[1]
    assert "not sent" in written and "exchange said" in written  # the failure paths did log
    assert secret_part not in written
    assert not [c for c in api.calls if secret_part in json.dumps(c.params)]  # nothing sent showed it
    assert "token=********" in said[0].params["text"]
    assert not [b for b in endpoint.bodies if secret_part in json.dumps(b)]
