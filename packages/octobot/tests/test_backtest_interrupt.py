"""Ctrl+C during `octobot backtest`: the replay stops between two instants, exits 130 and still writes
the report of the run so far, saying it was interrupted."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np

import octobot_backtesting as ob
from octobot.errors import ExitCode

HOUR = 3_600_000
#: enough 1h candles that the run is far from its end when the first percent of progress shows
CANDLES = 20_000


def _ctrl_c_as_in_a_terminal() -> None:
    """The backtest gets SIGINT's default disposition, as in a terminal: a suite run by a process that
    ignores SIGINT (a background job of a non-interactive shell, some CI runners) would pass that on, and
    Python then installs no Ctrl+C handler at all."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _long_btc_file(path: Path) -> Path:
    """A random walk of BTC/USDT 1h candles (seeded): long enough to interrupt mid-run."""
    rng = np.random.default_rng(7)
    closes = 10_000 * np.exp(np.cumsum(rng.normal(0, 0.01, CANDLES)))
    opens = np.concatenate(([10_000.0], closes[:-1]))
    spread = np.abs(rng.normal(0, 0.004, CANDLES)) * closes
    candles = np.column_stack(
        [
            1_500_000_000_000 - 1_500_000_000_000 % HOUR + np.arange(CANDLES, dtype=np.float64) * HOUR,
            opens,
            np.maximum(opens, closes) + spread,
            np.minimum(opens, closes) - spread,
            closes,
            rng.uniform(1, 100, CANDLES),
        ]
    )
    with ob.DataFileWriter(path, exchange="binance", origin="test") as writer:
        writer.write_ohlcv("BTC/USDT", "1h", candles)
    return path


def test_ctrl_c_stops_the_replay_exits_130_and_writes_the_partial_report(home, builtin_tentacles, tmp_path):
    data = _long_btc_file(home.data / "long.sqlite")
    figures = tmp_path / "report.json"
    python_path = os.pathsep.join([str(builtin_tentacles), *sys.path])
    command = ["backtest", "--data", str(data), "--progress", "--json", str(figures)]
    process = subprocess.Popen(
        [sys.executable, "-m", "octobot", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "OCTOBOT_HOME": str(home.root), "PYTHONPATH": python_path},
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    seen = b""
    try:
        while not re.search(rb"backtest:\s+[1-9]\d*%", seen):  # the replay is under way
            chunk = process.stderr.read1(4096)
            assert chunk, f"the backtest ended before its progress showed:\n{seen.decode()}"
            seen += chunk
        process.send_signal(signal.SIGINT)
        out, rest = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    err = (seen + rest).decode()
    assert process.returncode == ExitCode.INTERRUPTED, err
    assert "Traceback" not in err
    assert "octobot: interrupted" in err
    text = out.decode()
    assert text.startswith("INTERRUPTED at ") or "\nINTERRUPTED at " in text
    report = json.loads(figures.read_text())
    stopped = report["run"]["interrupted_at"]
    assert stopped is not None and report["end"] < stopped
    # the partial run: fewer candles than the file holds, as many as the report's period
    assert 0 < report["run"]["candles_processed"] < CANDLES
