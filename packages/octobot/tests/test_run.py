"""`octobot run`: paper trading against a loopback exchange, stopped gracefully by SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

import pytest

import octobot_backtesting as ob
from octobot.errors import ExitCode
from octobot_exchange_emulator import BinanceLikeServer

from .helpers import run_cli


async def _read_until(stream: asyncio.StreamReader, marker: str, seen: list[str]) -> None:
    """Read lines until one contains ``marker``; fail if the process ends first."""
    while True:
        line = (await stream.readline()).decode()
        if not line:
            pytest.fail(f"the bot ended before printing {marker!r}:\n{''.join(seen)}")
        seen.append(line)
        if marker in line:
            return


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
async def test_run_paper_trades_on_live_data_and_stops_gracefully(
    home, builtin_tentacles, btc_data_file, stop_signal
):
    with ob.DataFileReader(btc_data_file) as reader:
        candles = reader.read_ohlcv("BTC/USDT", "1h")
    async with BinanceLikeServer({("BTC/USDT", "1h"): candles}) as server:
        home.user_config.write_text(json.dumps({"exchanges": {"binance": {"ccxt": server.ccxt_config()}}}))
        home.user_config.chmod(0o600)
        python_path = os.pathsep.join([str(builtin_tentacles), *sys.path])
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "octobot",
            "run",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "OCTOBOT_HOME": str(home.root), "PYTHONPATH": python_path},
        )
        seen: list[str] = []
        await _read_until(process.stderr, "running; stop it with Ctrl+C", seen)
        process.send_signal(stop_signal)
        rest = (await process.stderr.read()).decode()
        code = await process.wait()
    output = "".join(seen) + rest
    assert code == ExitCode.OK, output
    assert f"received {stop_signal.name}: stopping" in rest
    assert rest.rstrip().endswith("stopped")
    assert "Traceback" not in output
    # the exchange's markets and candle history were fetched from the (loopback) exchange
    assert server.requests_to("/api/v3/exchangeInfo") and server.requests_to("/api/v3/klines")
    log = (home.logs / "octobot.log").read_text()
    assert "BTC/USDT 1h candles of history" in log


def test_real_orders_without_a_live_setup_are_refused_in_one_line(home, builtin_tentacles):
    """A profile trading real orders, with no API key configured, stops before touching any exchange."""
    run_cli("profiles", "copy", "default", "real")
    profile_file = home.profiles / "real" / "profile.json"
    content = json.loads(profile_file.read_text())
    content["simulator"]["enabled"] = False
    profile_file.write_text(json.dumps(content))
    code, _, err = run_cli("run", "--profile", "real")
    assert code == ExitCode.BOT_ERROR
    assert err.startswith("octobot: error: ") and err.count("\n") == 1 and "Traceback" not in err
