"""The webhook through a real bot process: `octobot run --paper` (a subprocess) on a TradingView profile,
market data from the exchange emulator, a TradingView alert POSTed with a real HTTP client to the port the
bot's webhook reports, the order seen in the bot's log and in its state store, and a clean stop."""

from __future__ import annotations

import re
import signal
from decimal import Decimal

import aiohttp

from octobot_exchange_emulator import ExchangeEmulator

from .helpers import write_profile
from .test_paper import HISTORY, PAIR, BotProcess, candles, paper_argv, stored_state

__all__ = ["candles"]  # the fixture

TOKEN = "tv-8dJ2kq9XwL4mZ7pR1sV6yB3n"
#: the far-from-the-market limit buy the alert asks for: it rests open, nothing fills it
ALERT = "SYMBOL=ETHBTC;SIGNAL=buy;ORDER_TYPE=limit;PRICE=0.001;VOLUME=2;TAG=webhook-run"
LISTENING = re.compile(r"WebhookFeed listening on http://127\.0\.0\.1:(\d+)/webhook/<token>")


def tradingview_profile() -> dict:
    """The built-in TradingView profile, on the emulator's pair."""
    return {
        "name": "paper",
        "description": "TradingView alerts on ETH/BTC",
        "exchanges": ["binance"],
        "pairs": [PAIR],
        "time_frames": ["5m"],
        "trading_mode": "TradingViewSignalsTradingMode",
        "strategies": [],
        "evaluators": [],
        "risk": 0.5,
        "reference_market": "BTC",
        "simulator": {"enabled": True, "starting_portfolio": {"BTC": 1}, "fees": {"maker_percent": 0.1}},
        "shutdown": {"open_orders": "keep"},
    }


async def test_an_alert_posted_to_a_running_paper_bot_becomes_its_order(home, candles, tmp_path):
    write_profile(home, tradingview_profile(), name="paper", WebhookFeed={"host": "127.0.0.1", "port": 0})
    state_folder = tmp_path / "state"
    env = {"OCTOBOT_SERVICE_WEBHOOK_TOKEN": TOKEN}
    async with ExchangeEmulator({PAIR: candles}, history=HISTORY, server_clock="market") as emulator:
        bot = await BotProcess(home, paper_argv(emulator.url, state_folder), env).start()
        listening = await bot.wait_for("stderr", "WebhookFeed listening on")
        match = LISTENING.search(listening)
        assert match, listening
        await bot.wait_for("stdout", "status binance", "open orders 0")  # started: history loaded
        url = f"http://127.0.0.1:{match.group(1)}/webhook/{TOKEN}"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            async with session.post(url, data=ALERT, headers={"Content-Type": "text/plain"}) as response:
                assert response.status == 200, await response.text()
                assert await response.json() == {"accepted": True}
            async with session.post(url + "x", data=ALERT) as response:  # a wrong token: nothing there
                assert response.status == 404
        placed = await bot.wait_for("stderr", "order", "buy limit", "open")
        await bot.wait_for("stderr", "state saved")
        code = await bot.finish(signal.SIGTERM)
    output = "".join(bot.lines)
    assert code == 0, output
    assert "Traceback" not in output and TOKEN not in output
    assert "ETH/BTC" in placed
    state = await stored_state(state_folder / "paper-binance-paper.sqlite")
    (order,) = state.open_orders  # the alert's order, once (the wrong-token call made none)
    assert order["kind"] == "limit" and order["side"] == "buy"
    assert Decimal(str(order["price"])) == Decimal("0.001") and Decimal(str(order["amount"])) == Decimal("2")
