"""Fixtures shared by the tests of octobot-exchange-emulator: the real market data it replays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from octobot_exchange_emulator import load_candles

from .helpers import ETH_BTC_FILE, SHARED_DATA


@pytest.fixture(scope="module")
def candles() -> np.ndarray:
    """The real ETH/BTC 5m candles the exchange emulator replays (modules using it are marked
    ``needs_eth_btc``)."""
    return load_candles(ETH_BTC_FILE)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real market data not found at {SHARED_DATA} (set OCTOBOT_SHARED_DATA to the shared/data folder)"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def octobot_data(shared_data: Path) -> Path:
    return shared_data / "octobot"
