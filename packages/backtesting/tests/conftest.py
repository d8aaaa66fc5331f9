"""Fixtures shared by the tests: the real market data folder (candle series are in helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import shared_data_folder


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_folder()
    if not path.is_dir():
        pytest.skip(
            f"real market data not found at {path} (set OCTOBOT_SHARED_DATA to the shared/data folder)"
        )
    return path


@pytest.fixture(scope="session")
def freqtrade_data(shared_data: Path) -> Path:
    return shared_data / "freqtrade"


@pytest.fixture(scope="session")
def octobot_data(shared_data: Path) -> Path:
    return shared_data / "octobot"
