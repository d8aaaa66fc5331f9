"""Cython is a build requirement only: the candle buffer imports and works where Cython is absent."""

from __future__ import annotations

import subprocess
import sys

_BLOCK_CYTHON = "import sys; sys.modules['cython'] = None; sys.modules['Cython'] = None\n"

_SCRIPT = (
    _BLOCK_CYTHON
    + """
import numpy as np
import octobot_trading as ot

buffer = ot.CandleBuffer("BTC/USDT", "1m", max_size=3)
rows = np.array([[i * 60_000.0, 1.0 + i, 2.0 + i, 0.5 + i, 1.5 + i, 10.0] for i in range(5)])
buffer.load(rows)
assert buffer.timestamps().tolist() == [120_000, 180_000, 240_000], buffer.timestamps()
assert buffer.closes().tolist() == [3.5, 4.5, 5.5], buffer.closes()
print("ok", ot.COMPILED)
"""
)


def test_candle_buffer_loads_without_cython() -> None:
    result = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
