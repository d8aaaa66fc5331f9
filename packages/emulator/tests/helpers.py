"""Shared constants of the emulator tests: where the real market data is and what the emulator replays."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = Path(os.environ.get("OCTOBOT_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
#: the real candles the exchange emulator tests replay, their pair and the closed history served first
ETH_BTC_FILE = SHARED_DATA / "freqtrade" / "ETH_BTC-5m.csv"
EMULATOR_PAIR = "ETH/BTC"
EMULATOR_HISTORY = 200
needs_eth_btc = pytest.mark.skipif(
    not ETH_BTC_FILE.is_file(), reason=f"shared market data not found at {SHARED_DATA}"
)
