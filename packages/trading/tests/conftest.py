"""Fixtures shared by the test modules of octobot-trading."""

from __future__ import annotations

import numpy as np
import pytest

from octobot_trading.emulator import load_candles

from .sim_helpers import ETH_BTC_FILE


@pytest.fixture(scope="module")
def candles() -> np.ndarray:
    """The real ETH/BTC 5m candles the exchange emulator replays (modules using it are marked
    ``needs_eth_btc``)."""
    return load_candles(ETH_BTC_FILE)
