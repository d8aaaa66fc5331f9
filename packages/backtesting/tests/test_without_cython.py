"""Cython is a build requirement only: data files are written and read where Cython is absent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import sys
sys.modules["cython"] = None
sys.modules["Cython"] = None
import numpy as np
import octobot_backtesting as ob

path = sys.argv[1]
rows = np.array([[1_600_000_000_000 + i * 60_000.0, 1.0, 2.0, 0.5, 1.5, 10.0 + i] for i in range(50)])
with ob.DataFileWriter(path, exchange="binance", origin="test") as writer:
    writer.write_ohlcv("BTC/USDT", "1m", rows)
with ob.DataFileReader(path) as reader:
    read = reader.read_ohlcv("BTC/USDT", "1m")
np.testing.assert_array_equal(read, rows)
print("ok", ob.COMPILED)
"""


def test_data_file_round_trip_without_cython(tmp_path: Path) -> None:
    target = str(tmp_path / "no-cython.data")
    command = [sys.executable, "-c", _SCRIPT, target]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
