"""BotControl on a bot of the default profile trading real BTC/USDT candles: every read and command that
the Telegram and web interfaces use, checked against the account itself."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal

import pytest

import octobot
from octobot.bot import OctoBot
from octobot.runner import run_until_signalled

from .live_bot import fed_bot

#: after this many candles the default profile holds BTC bought by its entry (and no order is open)
HOLDING_AFTER = 170
DAY_MS = 86_400_000


def _commands(caplog: pytest.LogCaptureFixture, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if f"command {name}" in r.getMessage()]


async def test_pause_drops_new_entries_and_lets_exits_go_on(default_bot_profile, btc_hour_candles, caplog):
    caplog.set_level(logging.INFO, logger="octobot.bot_control")
    async with fed_bot(default_bot_profile, btc_hour_candles) as free:
        await free.feed(len(btc_hour_candles))
        free_buys = [t for t in free.manager.trader.trades() if t.side.value == "buy"]
    async with fed_bot(default_bot_profile, btc_hour_candles) as fed:
        control = octobot.BotControl(fed.bot, source="test")
        await fed.feed(HOLDING_AFTER)
        assert fed.manager.account.holdings()  # an entry filled: a position to exit later
        bought = len(fed.manager.trader.trades())
        result = control.pause()
        assert control.paused and control.status().paused
        assert "paused" in result.message
        await fed.feed(len(btc_hour_candles) - HOLDING_AFTER)
        after = fed.manager.trader.trades()[bought:]
        assert [t.side.value for t in after] == ["sell"]  # the exit went on...
        assert not fed.manager.account.holdings()
        assert not [o for o in fed.manager.trader.open_orders() if o.side.value == "buy"]
        control.resume()
        assert not control.paused
    # ...and the same market made the free bot enter again after that point
    assert len([t for t in free_buys if t.time > int(btc_hour_candles[HOLDING_AFTER][0])]) > 0
    assert len(_commands(caplog, "pause")) == 1 and "from test" in _commands(caplog, "pause")[0]


async def test_status_lists_positions_with_live_pnl_and_force_exit_closes_them(
    default_bot_profile, btc_hour_candles
):
    async with fed_bot(default_bot_profile, btc_hour_candles) as fed:
        control = octobot.BotControl(fed.bot)
        await fed.feed(HOLDING_AFTER)
        manager = fed.manager
        far_below = manager.last_price("BTC/USDT") / 2
        manual = await manager.trader.create_order("BTC/USDT", "buy", "limit", Decimal("0.001"), far_below)
        status = control.status()
        (position,) = status.positions
        amount, entry = manager.account.holdings()["BTC/USDT"]
        price = manager.last_price("BTC/USDT")
        assert position.position_id == "binance:BTC/USDT"
        assert (position.amount, position.entry_price, position.current_price) == (amount, entry, price)
        assert position.unrealised_pnl == (price - entry) * amount
        assert [o.order_id for o in status.open_orders] == [manual.order_id]
        assert status.running and not status.paused

        with pytest.raises(octobot.CommandError, match="neither a position"):
            await control.force_exit("DOGE/EUR")
        result = await control.force_exit("binance:BTC/USDT")
        await fed.settle()
        assert not manager.account.holdings() and not manager.trader.open_orders()
        kinds = {(o.side, o.status, o.tag) for o in result.orders}
        assert ("buy", "cancelled", None) in kinds and ("sell", "filled", "force_exit") in kinds
        assert "1 order(s) cancelled" in result.message and "sold" in result.message
        assert control.status().positions == ()
        again = await control.force_exit("all")
        assert "nothing held" in again.message


async def test_an_order_id_exits_its_position_and_cancel_order_cancels_one(
    default_bot_profile, btc_hour_candles
):
    async with fed_bot(default_bot_profile, btc_hour_candles) as fed:
        control = octobot.BotControl(fed.bot)
        await fed.feed(HOLDING_AFTER)
        trader = fed.manager.trader
        far_above = fed.manager.last_price("BTC/USDT") * 2
        held = fed.manager.account.holdings()["BTC/USDT"][0]
        exit_order = await trader.create_order("BTC/USDT", "sell", "limit", held / 2, far_above)
        far_below = fed.manager.last_price("BTC/USDT") / 2
        entry = await trader.create_order("BTC/USDT", "buy", "limit", Decimal("0.001"), far_below)
        result = await control.cancel_order(entry.order_id)
        assert entry.status.value == "cancelled" and result.orders[0].order_id == entry.order_id
        with pytest.raises(octobot.CommandError, match="no open order"):
            await control.cancel_order(entry.order_id)
        await control.force_exit(exit_order.order_id)  # its pair's whole position
        assert exit_order.status.value == "cancelled" and not fed.manager.account.holdings()


async def test_profit_daily_and_trades_pages_agree_with_the_account(default_bot_profile, btc_hour_candles):
    async with fed_bot(default_bot_profile, btc_hour_candles) as fed:
        control = octobot.BotControl(fed.bot)
        await fed.feed(len(btc_hour_candles))
        trades = fed.manager.trader.trades()
        assert len(trades) >= 4
        profit = control.profit()
        assert profit.trades == len(trades)
        assert profit.realised_pnl == sum(t.realised_pnl for t in trades)
        sells = [t for t in trades if t.side.value == "sell"]
        assert profit.winning_exits + profit.losing_exits == len([t for t in sells if t.realised_pnl])
        figures = fed.manager.portfolio_manager.profitability()
        assert profit.current_value == figures.current_value and profit.start_value == Decimal(1000)
        assert profit.profit_percent == figures.profit_percent

        now = fed.manager.clock.now_ms()
        recent = control.profit(days=2)
        in_window = [t for t in trades if t.time >= now - 2 * DAY_MS]
        assert recent.trades == len(in_window) and recent.start_value is None
        assert recent.realised_pnl == sum(t.realised_pnl for t in in_window)

        days = control.daily(30)
        assert len(days) == 30 and days[-1].start <= now < days[-1].start + DAY_MS
        assert sum(d.trades for d in days) == len([t for t in trades if t.time >= days[0].start])
        in_days = [t for t in trades if t.time >= days[0].start]
        assert sum(d.realised_pnl for d in days) == sum(t.realised_pnl for t in in_days)

        pages = [control.trades(page=1, page_size=3)]
        while len(pages) < pages[0].pages:
            pages.append(control.trades(page=len(pages) + 1, page_size=3))
        listed = [view.trade_id for page in pages for view in page.trades]
        newest_first = sorted(trades, key=lambda t: (t.time, t.trade_id), reverse=True)
        assert listed == [t.trade_id for t in newest_first] and pages[0].total == len(trades)
        assert control.trades(page=pages[0].pages + 1, page_size=3).trades == ()

        balance = control.balance()
        assert {(line.asset, line.total) for line in balance.lines} == {
            (asset, figures["total"]) for asset, figures in fed.manager.balance().items() if figures["total"]
        }
        assert balance.total_value == fed.manager.portfolio_manager.value()
        for bad in (lambda: control.profit(days=0), lambda: control.daily(0), lambda: control.trades(page=0)):
            with pytest.raises(octobot.CommandError):
                bad()


async def test_risk_and_manual_entry_are_checked(default_bot_profile, btc_hour_candles, caplog):
    caplog.set_level(logging.INFO, logger="octobot.bot_control")
    async with fed_bot(default_bot_profile, btc_hour_candles) as fed:
        control = octobot.BotControl(fed.bot, source="test")
        await fed.feed(20)
        assert control.set_risk("0.7").message == "risk set to 0.7 (was 0.5)"
        assert fed.bot.profile.risk == fed.bot.trading_modes["binance"].risk == Decimal("0.7")
        for bad in ("2", "abc", "1.01", "-0.1", "nan"):
            with pytest.raises(octobot.CommandError, match="between 0 and 1"):
                control.set_risk(bad)
        assert fed.bot.profile.risk == Decimal("0.7")
        assert len(_commands(caplog, "risk")) == 6  # each attempt logged once, refusals included
        assert "refused" in _commands(caplog, "risk")[-1]
        heard: list[tuple[str, str]] = []
        fed.bot.command_listeners.append(lambda *command: heard.append(command))
        with pytest.raises(octobot.CommandError):
            control.set_risk("2")
        octobot.BotControl(fed.bot, source="TelegramInterface").set_risk("0.6")
        assert heard == [("risk", "TelegramInterface")]  # the bot's listeners hear what ran, not refusals

        result = await control.force_entry("BTC/USDT", "50q")
        amount, _entry = fed.manager.account.holdings()["BTC/USDT"]
        assert result.orders[0].tag == "force_entry" and result.orders[0].status == "filled"
        assert amount * fed.manager.last_price("BTC/USDT") == pytest.approx(Decimal(50), rel=Decimal("0.01"))
        for symbol, amount_text, message in (
            ("ETH/USDT", "50q", "not a pair"),
            ("BTC/USDT", "fifty", "force entry of fifty"),
            ("BTC/USDT", "100000q", "force entry of"),
        ):
            with pytest.raises(octobot.CommandError, match=message):
                await control.force_entry(symbol, amount_text)


async def test_stop_asks_the_runner_to_stop_the_bot(default_bot_profile):
    bot = OctoBot(default_bot_profile)
    runner = asyncio.create_task(run_until_signalled(bot, signals=()))
    while not bot.running:  # noqa: ASYNC110 (the runner's start has no event to wait on)
        await asyncio.sleep(0)
    assert "stopping" in octobot.BotControl(bot).stop().message
    assert await asyncio.wait_for(runner, 30) is None
    assert not bot.running
    with pytest.raises(octobot.CommandError, match="not running"):
        octobot.BotControl(bot).status()
