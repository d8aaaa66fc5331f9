"""Shared fixtures: a private OCTOBOT_HOME per test, real user tentacles and profiles written into it."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

import octobot
from octobot.cli import main

from .helpers import (
    BUILTIN_ENTRY_POINTS,
    USER_TENTACLES,
    install_distribution,
    shared_data,
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> octobot.UserHome:
    """A fresh user data folder in OCTOBOT_HOME, with no credential leaking in from the environment."""
    for name in list(os.environ):
        if name.startswith(("OCTOBOT_EXCHANGE_", "OCTOBOT_SERVICE_")):
            monkeypatch.delenv(name)
    root = tmp_path / "octobot-home"
    monkeypatch.setenv(octobot.HOME_ENV, str(root))
    return octobot.UserHome.resolve(root).ensure()


@pytest.fixture
def user_tentacles(home: octobot.UserHome) -> Path:
    path = home.tentacles / "my_tentacles.py"
    path.write_text(USER_TENTACLES, encoding="utf-8")
    return path


@pytest.fixture
def octobot_btc_file() -> Path:
    """A real OctoBot data file: binance BTC/USDT, 14 time frames (1h: 500 candles, April 2018)."""
    path = shared_data() / "octobot" / "AbstractExchangeHistoryCollector_1581774962.1269426.data"
    if not path.is_file():
        pytest.skip(f"real market data not found at {path}: set OCTOBOT_SHARED_DATA")
    return path


@pytest.fixture
def builtin_tentacles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Makes the registry find the built-in tentacles through entry points (returns the sys.path entry)."""
    site = tmp_path / "site"
    install_distribution(site, "octobot-builtin-tentacles-under-test", BUILTIN_ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(site))
    return site


@pytest.fixture
def btc_data_file(home: octobot.UserHome, octobot_btc_file: Path) -> Path:
    """The real BTC/USDT file imported into the user data folder as ``btc``."""
    assert main(["data", "import", str(octobot_btc_file), "--to", "btc"], out=io.StringIO()) == 0
    return home.data / "btc.sqlite"


@pytest.fixture
def btc_hour_candles(btc_data_file):
    """The real BTC/USDT hourly candles of the shared OctoBot file (500, April 2018)."""
    from .live_bot import hour_candles

    return hour_candles(btc_data_file)


@pytest.fixture
def default_bot_profile(home, builtin_tentacles):
    """The built-in default profile (DailyTradingMode on BTC/USDT 1h) with the built-in tentacles."""
    from .live_bot import default_profile

    return default_profile(home)
