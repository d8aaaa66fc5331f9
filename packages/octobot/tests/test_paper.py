"""`octobot run --paper` against the exchange emulator: a real subprocess killed with SIGKILL and
restarted continues with the same open orders (and their chained protection)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import octobot
import octobot_trading as ot
from octobot_exchange_emulator import ExchangeEmulator, load_candles

from .helpers import shared_data, write_profile

PAIR = "ETH/BTC"
HISTORY = 200
#: a safety net per line against a hung bot, never a measured duration: a bot's start is ~8 s of CPU,
#: most of it imports (ccxt loads every exchange class, sync, async and pro: ~5 s), which a 2-core CI at
#: load 15-20 stretches to about 2 minutes before the first line
SAFETY_TIMEOUT_S = 300
#: the limit of a test that starts the bot several times (`make test` gives a test 300 s; such a test
#: took 6.5 minutes at load 16-20)
SEVERAL_STARTS_TIMEOUT_S = 1200
MAX_LINES = 80
#: the emulator closes one 5m candle per second
REPLAY_SPEED = 300

# A trading mode that places one protected entry (limit buy 0.5 % under the price, with a stop-loss and a
# take-profit chained in one group) when a candle closes and it has no open order.
PAPER_TENTACLES = """
from decimal import Decimal
from typing import ClassVar

import octobot_evaluators as oe
import octobot_trading as ot


class FlatEvaluator(oe.TechnicalEvaluator):
    def evaluate(self, candles, *, forming: bool) -> float:
        return 0.0


class FlatStrategy(oe.Strategy):
    REQUIRED_EVALUATORS: ClassVar[tuple[str, ...]] = ("FlatEvaluator",)

    def evaluate(self, trigger) -> float:
        return 0.0


class ProtectedEntryMode(ot.AbstractTradingMode):
    NAME: ClassVar[str | None] = "ProtectedEntryMode"
    DEFAULT_CONFIG: ClassVar[dict] = {"trigger": "candles", "stop_kind": "stop_loss"}

    def evaluation_from_candle(self, symbol, time_frame, candle):
        return 1.0

    def decide_state(self, symbol, evaluation):
        return ot.TradingModeState.LONG

    def plan_orders(self, symbol, state, evaluation):
        if self.exchange_manager.trader.open_orders(symbol):
            return ot.OrderPlan(symbol)
        price = self.current_price(symbol)
        stop_price = price * Decimal("0.8")
        if self.config["stop_kind"] == "stop_limit":  # what a spot exchange offers
            stop = ot.OrderRequest("sell", "stop_limit", Decimal("0.99"), stop_price, stop_price)
        else:
            stop = ot.OrderRequest("sell", "stop_loss", Decimal("0.99"), trigger_price=stop_price)
        target = price * Decimal("1.3")
        take = ot.OrderRequest("sell", "take_profit_limit", Decimal("0.99"), target, target)
        entry = ot.OrderRequest(
            "buy", "limit", "1", price * Decimal("0.995"), chained=(stop, take), one_cancels_the_other=True
        )
        return ot.OrderPlan(symbol, create=(entry,))
"""


def paper_profile() -> dict:
    return {
        "name": "paper",
        "description": "protected entries on ETH/BTC",
        "exchanges": ["binance"],
        "pairs": [PAIR],
        "time_frames": ["5m"],
        "trading_mode": "ProtectedEntryMode",
        "strategies": ["FlatStrategy"],
        "evaluators": ["FlatEvaluator"],
        "risk": 0.5,
        "reference_market": "BTC",
        "simulator": {"enabled": True, "starting_portfolio": {"BTC": 1}, "fees": {"maker_percent": 0.1}},
        "shutdown": {"open_orders": "keep"},
    }


@pytest.fixture
def candles():
    path = shared_data() / "freqtrade" / "ETH_BTC-5m.csv"
    if not path.is_file():
        pytest.skip(f"real market data not found at {path}: set OCTOBOT_SHARED_DATA")
    return load_candles(path)


class BotProcess:
    """`python -m octobot ...` with its output collected line by line."""

    def __init__(self, home: octobot.UserHome, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.home = home
        self.argv = argv
        self.env = env or {}
        self.lines: list[str] = []
        self.process: asyncio.subprocess.Process | None = None
        self._queues: dict[str, asyncio.Queue] = {}

    async def start(self) -> BotProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "octobot",
            *self.argv,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "OCTOBOT_HOME": str(self.home.root), **self.env},
        )
        return self

    async def wait_for(self, stream_name: str, *markers: str) -> str:
        """Read ``stream_name`` until a line holds every marker; fail if the process ends first."""
        assert self.process is not None
        stream = getattr(self.process, stream_name)
        while True:
            try:  # a safety net against a hung bot, not a measured duration
                line = (await asyncio.wait_for(stream.readline(), SAFETY_TIMEOUT_S)).decode()
            except TimeoutError:
                pytest.fail(f"no {markers!r} after {SAFETY_TIMEOUT_S} s:\n{''.join(self.lines)}")
            if not line:
                pytest.fail(f"the bot ended before printing {markers!r}:\n{''.join(self.lines)}")
            self.lines.append(line)
            if all(marker in line for marker in markers):
                return line
            if len(self.lines) > MAX_LINES:
                pytest.fail(f"no {markers!r} in {MAX_LINES} lines:\n{''.join(self.lines)}")

    async def finish(self, stop_signal: signal.Signals) -> int:
        assert self.process is not None
        self.process.send_signal(stop_signal)
        out, err = await self.process.communicate()
        self.lines += [out.decode(), err.decode()]
        return self.process.returncode


def paper_argv(url: str, state_folder: Path) -> list[str]:
    return [
        "run",
        "--profile",
        "paper",
        "--paper",
        "--exchange-url",
        url,
        "--state-folder",
        str(state_folder),
    ]


async def stored_state(path: Path) -> ot.StoredState:
    async with ot.StateStore(path) as store:
        return await store.load()


@pytest.mark.timeout(SEVERAL_STARTS_TIMEOUT_S)
async def test_paper_run_killed_with_sigkill_restarts_with_the_same_open_orders(home, candles, tmp_path):
    (home.tentacles / "paper_tentacles.py").write_text(PAPER_TENTACLES)
    write_profile(home, paper_profile(), name="paper")
    state_folder = tmp_path / "state"
    state_file = state_folder / "paper-binance-paper.sqlite"
    async with ExchangeEmulator({PAIR: candles}, history=HISTORY, server_clock="market") as emulator:
        first = await BotProcess(home, paper_argv(emulator.url, state_folder)).start()
        await first.wait_for("stdout", "status binance", "open orders 0")
        emulator.start_running(speed=REPLAY_SPEED)  # candles close one after the other
        await first.wait_for("stderr", "order", "buy limit", "open")
        await first.wait_for("stderr", "state saved")
        first.process.kill()  # SIGKILL: no shutdown code runs
        assert await first.process.wait() == -signal.SIGKILL
        await emulator.stop_running()
        before = await stored_state(state_file)
        (entry,) = before.open_orders
        assert entry["kind"] == "limit" and [c["kind"] for c in entry["chained"]] == [
            "stop_loss",
            "take_profit_limit",
        ]

        second = await BotProcess(home, paper_argv(emulator.url, state_folder)).start()
        await second.wait_for("stdout", "status binance", "open orders 1")
        # the market falls to the entry: it fills and its protection is created (once)
        emulator.start_running(speed=REPLAY_SPEED)
        await second.wait_for("stdout", "status binance", "open orders 2")
        await second.wait_for("stderr", "state saved")
        await emulator.stop_running()
        code = await second.finish(signal.SIGTERM)
    output = "".join(first.lines + second.lines)
    assert code == 0, output
    assert "Traceback" not in output
    assert "restored 1 open order(s)" in output
    after = await stored_state(state_file)
    assert after.orders[entry["id"]]["status"] == "filled"
    assert sorted(r["kind"] for r in after.open_orders) == ["stop_loss", "take_profit_limit"]
    legs = after.open_orders
    assert {leg["id"] for leg in legs} == {c["id"] for c in entry["chained"]}  # the stored chained orders
    assert legs[0]["group"] == legs[1]["group"] is not None
    assert [t["order_id"] for t in after.trades] == [entry["id"]]
    assert Decimal(after.portfolio["balances"]["ETH"]["total"]) > 0
    assert json.dumps(after.meta)  # the store stays readable
