"""The API of a running bot (issue 17): status, portfolio and its history, orders, trades (paged, no
cap), profit, candles, the evaluation matrix and the commands, all through the bot-control API, each
answer validated against the OpenAPI document; the websocket streams the bot's typed events (a pause or
resume by any interface among them)."""

from __future__ import annotations

import asyncio
import logging

import aiohttp

from octobot.bot_control import BotControl

from .web_live import HOLDING_AFTER, far_order, web_bot
from .web_support import ApiClient, check_event


async def test_the_live_api_reads_the_bot_and_commands_it(home, builtin_tentacles, btc_data_file):
    async with web_bot(home, btc_data_file) as (fed, url), aiohttp.ClientSession() as session:
        api = await ApiClient.connect(session, url)
        await api.log_in()
        await fed.feed(HOLDING_AFTER)
        status = await api.call("GET", "/status", 200)
        assert status["running"] and status["mode"] == "bot" and status["profile"] == "default"
        assert status["positions"][0]["symbol"] == "BTC/USDT"  # the entry filled
        balance = await api.call("GET", "/portfolio", 200)
        assert {line["asset"] for line in balance["lines"]} >= {"BTC"}
        history = await api.call("GET", "/portfolio/history", 200)
        assert len(history["exchanges"][0]["points"]) > 10
        trades = fed.manager.trader.trades()
        page = await api.call("GET", "/trades", 200, params={"page": 1, "page_size": 1})
        assert page["total"] == len(trades) == page["pages"] and len(page["trades"]) == 1
        assert page["trades"][0]["trade_id"] == str(trades[-1].trade_id)  # newest first
        await api.call("GET", "/trades", 400, params={"page_size": 100000})
        profit = await api.call("GET", "/profit", 200)
        assert profit["trades"] == len(trades) and profit["current_value"] is not None
        await api.call("GET", "/profit/daily", 200, params={"days": 3})
        candles = await api.call("GET", "/candles", 200, params={"symbol": "BTC/USDT", "time_frame": "1h"})
        assert int(candles["candles"][-1][0]) == int(fed.candles[HOLDING_AFTER - 1][0])
        await api.call("GET", "/candles", 404, params={"symbol": "ETH/USDT"})
        matrix = await api.call("GET", "/evaluations", 200)
        assert {row["evaluator"] for row in matrix["evaluations"]} >= {
            "RSIMomentumEvaluator",
            "SimpleStrategyEvaluator",
        }

        order_id = await far_order(fed)
        listed = await api.call("GET", "/orders", 200)
        assert [order["order_id"] for order in listed["orders"]] == [order_id]
        cancelled = await api.call("DELETE", "/orders/{order_id}", 200, order_id=order_id)
        assert cancelled["results"][0]["orders"][0]["status"] == "cancelled"
        await api.call("DELETE", "/orders/{order_id}", 400, order_id=order_id)  # no such open order
        await far_order(fed)
        await far_order(fed)
        assert len((await api.call("DELETE", "/orders", 200))["results"]) == 2
        assert not fed.manager.trader.open_orders()

        paused = await api.call("POST", "/commands/{command}", 200, command="pause")
        assert "paused" in paused["message"] and (await api.call("GET", "/status", 200))["paused"]
        await api.call("POST", "/commands/{command}", 200, command="resume")
        await api.call("POST", "/commands/{command}", 400, json_body={"value": 7}, command="risk")
        risk = await api.call("POST", "/commands/{command}", 200, json_body={"value": "0.3"}, command="risk")
        assert "0.3" in risk["message"] and str(fed.bot.profile.risk) == "0.3"
        await api.call("POST", "/commands/{command}", 404, command="explode")
        exit_all = await api.call(
            "POST", "/commands/{command}", 200, json_body={"target": "all"}, command="force_exit"
        )
        await fed.settle()
        assert "sold" in exit_all["message"] and not fed.manager.account.holdings()


async def test_the_websocket_streams_the_bots_events(home, builtin_tentacles, btc_data_file):
    """Every event type of a running bot arrives, each of the shape the document gives for its type."""
    async with web_bot(home, btc_data_file) as (fed, url), aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{url}/api/v1/ws") as socket:
            wanted = ["candle", "evaluation", "trade", "order", "portfolio", "profitability", "notification"]
            await socket.send_json({"type": "subscribe", "data": wanted})
            await socket.receive_json()
            await fed.feed(HOLDING_AFTER)
            seen: dict[str, list[dict]] = {}
            while set(wanted) - set(seen) or "order_created" not in _notified(seen):
                event = await asyncio.wait_for(socket.receive_json(), 10)
                check_event(event)
                seen.setdefault(event["type"], []).append(event["data"])
    candle = seen["candle"][0]
    assert candle["symbol"] == "BTC/USDT" and candle["closed"] is True and len(candle["candle"]) == 6
    assert candle["exchange"] == "binance"  # as the profile names it
    assert seen["trade"][0]["trade"]["symbol"] == "BTC/USDT"
    assert seen["order"][0]["order"]["symbol"] == "BTC/USDT"
    assert "USDT" in seen["portfolio"][0]["balance"]
    assert seen["evaluation"][0]["value"] is None or -1 <= seen["evaluation"][0]["value"] <= 1
    assert "profit_percent" in seen["profitability"][0]["profitability"]
    # the bot's notifications, in the words every notifier uses (the entry order among them)
    created = next(n for n in seen["notification"] if n["event"] == "order_created")
    assert created["title"] == "Order created" and "BTC/USDT" in created["text"]


def _notified(seen: dict[str, list[dict]]) -> set[str]:
    return {notification["event"] for notification in seen.get("notification", [])}


async def test_notifications_are_kept_for_the_logs_page(home, builtin_tentacles, btc_data_file):
    """A page opened after a notification still shows it (the hub keeps the recent ones)."""
    async with web_bot(home, btc_data_file) as (fed, url), aiohttp.ClientSession() as session:
        await fed.feed(HOLDING_AFTER)
        async with session.get(f"{url}/logs") as response:
            page = await response.text()
    assert response.status == 200
    assert "Order created" in page and "Order filled" in page and "No notification yet." not in page


async def test_a_pause_by_any_interface_reaches_subscribers_as_a_bot_state_event(
    home, builtin_tentacles, btc_data_file
):
    """Paused through the API, then resumed by another interface (Telegram's own control API): each
    change is one ``bot_state`` event of the documented shape; a pause of a paused bot sends none."""
    # whatever the log setup: the state does not ride on the command log lines
    control_logger = logging.getLogger("octobot.bot_control")
    level_before = control_logger.level
    control_logger.setLevel(logging.ERROR)
    try:
        await _pause_and_resume(home, btc_data_file)
    finally:
        control_logger.setLevel(level_before)


async def _pause_and_resume(home, btc_data_file) -> None:
    async with web_bot(home, btc_data_file) as (fed, url), aiohttp.ClientSession() as session:
        api = await ApiClient.connect(session, url)
        await api.log_in()
        await fed.feed(2)
        async with session.ws_connect(f"{url}/api/v1/ws?types=bot_state") as socket:
            await api.call("POST", "/commands/{command}", 200, command="pause")
            paused = await asyncio.wait_for(socket.receive_json(), 10)
            check_event(paused)
            assert paused["type"] == "bot_state" and paused["data"] == {"paused": True}
            await api.call("POST", "/commands/{command}", 200, command="pause")  # no change: no event
            BotControl(fed.bot, source="TelegramInterface").resume()
            resumed = await asyncio.wait_for(socket.receive_json(), 10)
            check_event(resumed)
            assert resumed["data"] == {"paused": False}  # the next event: the second pause sent none
            assert not (await api.call("GET", "/status", 200))["paused"]
    assert fed.bot.command_listeners == []  # the interface stopped listening when it stopped
