"""`octobot run` with real orders against the exchange emulator: keys from the environment, orders on
the exchange with the bot's client ids, and no key or secret anywhere in what the run leaves behind."""

from __future__ import annotations

import signal
from decimal import Decimal

import pytest

from octobot.errors import ExitCode
from octobot_exchange_emulator import ExchangeEmulator

from .helpers import write_profile
from .test_paper import (
    HISTORY,
    PAIR,
    PAPER_TENTACLES,
    SEVERAL_STARTS_TIMEOUT_S,
    BotProcess,
    candles,
    paper_profile,
    stored_state,
)

__all__ = ["candles"]  # the fixture


async def test_live_run_places_real_orders_and_leaks_no_secret(home, candles, tmp_path):
    (home.tentacles / "paper_tentacles.py").write_text(PAPER_TENTACLES)
    profile = paper_profile()
    profile["name"] = "real"
    profile["simulator"] = {"enabled": False}
    write_profile(home, profile, name="real")
    state_folder = tmp_path / "state"
    balances = {"BTC": Decimal("2"), "ETH": Decimal("0")}
    async with ExchangeEmulator({PAIR: candles}, balances=balances, history=HISTORY) as emulator:
        env = {
            "OCTOBOT_EXCHANGE_BINANCE_API_KEY": emulator.api_key,
            "OCTOBOT_EXCHANGE_BINANCE_API_SECRET": emulator.secret,
        }
        argv = [
            "run",
            "--profile",
            "real",
            "--exchange-url",
            emulator.url,
            "--state-folder",
            str(state_folder),
        ]
        bot = await BotProcess(home, argv, env).start()
        await bot.wait_for("stdout", "status binance", "open orders 0")
        emulator.start_running(speed=300)
        await bot.wait_for("stderr", "order", "buy limit", "open")
        await bot.wait_for("stderr", "state saved")
        await emulator.stop_running()
        code = await bot.finish(signal.SIGTERM)
        on_exchange = list(emulator.account.orders.values())
    output = "".join(bot.lines)
    assert code == 0, output
    assert "Traceback" not in output
    assert on_exchange and all(o.client_order_id.startswith("octobot-") for o in on_exchange)
    state_file = state_folder / "real-binance-live.sqlite"
    state = await stored_state(state_file)
    stored_client_ids = {r.get("client_order_id") for r in state.orders.values()}
    assert {o.client_order_id for o in on_exchange} <= stored_client_ids
    assert state.portfolio is not None and Decimal(state.portfolio["balances"]["BTC"]["total"]) > 0
    # secrets scan: console output, log files, state files (WAL included)
    leftovers = [output.encode()]
    leftovers += [path.read_bytes() for path in home.logs.rglob("*") if path.is_file()]
    leftovers += [path.read_bytes() for path in state_folder.rglob("*") if path.is_file()]
    assert len(leftovers) >= 3
    for secret in (emulator.api_key, emulator.secret):
        assert all(secret.encode() not in blob for blob in leftovers)


# three bot starts: each waits for the bot's first status line, after its imports (see SAFETY_TIMEOUT_S)
@pytest.mark.timeout(SEVERAL_STARTS_TIMEOUT_S)
async def test_live_run_killed_and_restarted_keeps_its_stop_loss_and_take_profit_once(
    home, candles, tmp_path
):
    (home.tentacles / "paper_tentacles.py").write_text(PAPER_TENTACLES)
    profile = paper_profile()
    profile["name"] = "real"
    profile["simulator"] = {"enabled": False}
    write_profile(
        home, profile, name="real", ProtectedEntryMode={"trigger": "candles", "stop_kind": "stop_limit"}
    )
    state_folder = tmp_path / "state"
    # no ETH beforehand: the stop-loss and take-profit sell what the entry bought, as ONE native order
    # list locking it once (two separate orders would each need the whole position)
    balances = {"BTC": Decimal("2"), "ETH": Decimal("0")}
    async with ExchangeEmulator({PAIR: candles}, balances=balances, history=HISTORY) as emulator:
        env = {
            "OCTOBOT_EXCHANGE_BINANCE_API_KEY": emulator.api_key,
            "OCTOBOT_EXCHANGE_BINANCE_API_SECRET": emulator.secret,
        }
        argv = [
            "run",
            "--profile",
            "real",
            "--exchange-url",
            emulator.url,
            "--state-folder",
            str(state_folder),
        ]
        first = await BotProcess(home, argv, env).start()
        await first.wait_for("stdout", "status binance", "open orders 0")
        emulator.start_running(speed=300)
        await first.wait_for("stderr", "order", "buy limit", "open")
        await first.wait_for("stderr", "state saved")  # the order, before it is sent
        await first.wait_for("stderr", "state saved")  # its exchange id, once the exchange took it
        first.process.kill()  # kill -9 while the entry rests on the exchange
        await first.process.wait()
        # the entry fills while the bot is dead
        await emulator.stop_running()
        for _ in range(500):
            if any(o.status == "FILLED" for o in emulator.account.orders.values()):
                break
            await emulator.advance(1)
        assert [o.status for o in emulator.account.orders.values()] == ["FILLED"], "".join(first.lines)
        second = await BotProcess(home, argv, env).start()
        await second.wait_for("stdout", "status binance", "open orders 2")
        await second.wait_for("stderr", "state saved")
        third_start_orders = sorted(o.type for o in emulator.account.open_orders())
        code = await second.finish(signal.SIGTERM)
        third = await BotProcess(home, argv, env).start()  # a third start finds everything in place
        await third.wait_for("stdout", "status binance", "open orders 2")
        await third.finish(signal.SIGTERM)
        open_on_exchange = sorted(o.type for o in emulator.account.open_orders())
        lists = {o.order_list_id for o in emulator.account.open_orders()}
        eth_locked = emulator.balance("ETH")[1]
        all_orders = list(emulator.account.orders.values())
    output = "".join(first.lines + second.lines + third.lines)
    assert code == 0, output
    assert third_start_orders == open_on_exchange == ["STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"], output
    assert len(all_orders) == 3  # entry + one stop-loss + one take-profit: nothing sent twice
    assert len(lists) == 1 and -1 not in lists  # the two legs are one order list
    assert eth_locked == Decimal("0.99")  # the position is locked once
    state = await stored_state(state_folder / "real-binance-live.sqlite")
    assert sorted(r["kind"] for r in state.open_orders) == ["stop_limit", "take_profit_limit"]
    assert len(state.trades) == 1


async def test_a_wrong_secret_fails_in_one_line_and_leaves_no_state_file(home, candles, tmp_path):
    (home.tentacles / "paper_tentacles.py").write_text(PAPER_TENTACLES)
    profile = paper_profile()
    profile["name"] = "real"
    profile["simulator"] = {"enabled": False}
    write_profile(home, profile, name="real")
    state_folder = tmp_path / "state"
    async with ExchangeEmulator({PAIR: candles}, history=HISTORY) as emulator:
        env = {
            "OCTOBOT_EXCHANGE_BINANCE_API_KEY": emulator.api_key,
            "OCTOBOT_EXCHANGE_BINANCE_API_SECRET": "not-" + emulator.secret,
        }
        argv = [
            "run",
            "--profile",
            "real",
            "--exchange-url",
            emulator.url,
            "--state-folder",
            str(state_folder),
        ]
        bot = await BotProcess(home, argv, env).start()
        out, err = await bot.process.communicate()
    output = out.decode() + err.decode()
    assert bot.process.returncode == ExitCode.BOT_ERROR, output
    assert "Traceback" not in output and "octobot: error: binance:" in output
    assert not state_folder.exists() or list(state_folder.rglob("*")) == []
    assert emulator.secret not in output
