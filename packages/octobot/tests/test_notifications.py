"""Notifications of a bot trading real candles: every fill, the orders created and cancelled, each closed
position with its PnL, errors and one summary per day, each type on, silent or off per notifier."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from octobot.notifiers.log_notifier import LogNotifier

from .live_bot import HOUR_MS, fed_bot

DAY_MS = 86_400_000


@pytest.fixture
def candles(btc_hour_candles):
    return btc_hour_candles


@pytest.fixture
def profile(default_bot_profile):
    return default_bot_profile


def _sent(caplog: pytest.LogCaptureFixture, event: str) -> list[logging.LogRecord]:
    notified = [r for r in caplog.records if r.name == "octobot.notifiers.log_notifier"]
    return [r for r in notified if r.getMessage().startswith(event)]


async def test_the_log_notifier_tells_each_event_of_a_real_run(profile, candles, caplog):
    caplog.set_level(logging.DEBUG)
    async with fed_bot(profile, candles) as fed:
        notifier = LogNotifier(fed.bot)
        await notifier.start()
        await fed.feed(len(candles))
        manager = fed.manager
        logging.getLogger("octobot_trading.somewhere").error("the exchange refused an order")
        logging.getLogger("octobot.notifiers.other").error("a notifier failed")  # never relayed
        await notifier.stop()
    trades = manager.trader.trades()
    fills = _sent(caplog, "order_filled")
    assert len(fills) == len(trades) > 0
    assert all(r.levelno == logging.INFO for r in fills)
    assert fills[0].getMessage() == (
        f"order_filled: binance: {trades[0].side.value} {trades[0].amount.normalize():f} BTC/USDT at "
        f"{trades[0].price.normalize():f} (fee {trades[0].fee.normalize():f} {trades[0].fee_asset})"
    )
    created = _sent(caplog, "order_created")
    assert created and all(r.levelno == logging.DEBUG for r in created)  # silent by default
    # every sell of the default profile sells the whole position: one closed position per sell
    sells = [t for t in trades if t.side.value == "sell"]
    closed = _sent(caplog, "position_closed")
    assert len(closed) == len(sells)
    assert f"PnL {sells[0].realised_pnl:+.2f} USDT" in closed[0].getMessage()
    days = {(int(row[0]) + HOUR_MS) // DAY_MS for row in candles}
    summaries = _sent(caplog, "daily_summary")
    assert len(summaries) == len(days) - 1  # each day that ended during the run
    first_day = min(days)
    day_trades = [t for t in trades if t.time // DAY_MS == first_day]
    assert f"over {len(day_trades)} trade(s)" in summaries[0].getMessage()
    (error,) = _sent(caplog, "error")
    assert "octobot_trading.somewhere: the exchange refused an order" in error.getMessage()


async def test_types_set_off_are_not_sent_and_silent_ones_are_quiet(profile, candles, caplog):
    caplog.set_level(logging.DEBUG)
    levels = {"order_filled": "off", "order_created": "off", "position_closed": "silent", "error": "off"}
    async with fed_bot(profile, candles[:240]) as fed:
        notifier = LogNotifier(fed.bot, {"notifications": levels})
        await notifier.start()
        await fed.feed(240)
        logging.getLogger("octobot_trading.somewhere").error("not relayed")
        await notifier.stop()
        assert fed.manager.trader.trades()
    assert not any(_sent(caplog, event) for event in ("order_filled", "order_created", "error"))
    closed = _sent(caplog, "position_closed")
    assert closed and all(r.levelno == logging.DEBUG for r in closed)
    assert _sent(caplog, "daily_summary")  # still on


async def test_a_failing_notifier_logs_once_and_never_stops_the_bot(profile, candles, caplog):
    class Broken(LogNotifier):
        NAME = "Broken"
        attempts = 0

        async def send(self, notification):
            Broken.attempts += 1
            raise ConnectionError("service down")

    caplog.set_level(logging.WARNING)
    async with fed_bot(profile, candles[:200]) as fed:
        notifier = Broken(fed.bot)
        await notifier.start()
        await fed.feed(200)
        await notifier.stop()
        assert fed.manager.portfolio.total("USDT") != Decimal(1000)  # it traded all along
    warnings = [r for r in caplog.records if "could not send a notification" in r.getMessage()]
    assert Broken.attempts > 3 and len(warnings) == 1
