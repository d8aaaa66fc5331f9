"""The ccxt constructor arguments that point ccxt's binance client at an emulator (or any Binance-like
server on a base URL)."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import ccxt


@functools.cache
def _ccxt_api_paths() -> dict[str, str]:
    return {
        name: urlsplit(address).path
        for name, address in ccxt.binance().urls["api"].items()
        if isinstance(address, str)
    }


def ccxt_config(url: str, api_key: str, secret: str) -> dict:
    """Constructor arguments pointing ccxt's binance client (REST and ccxt.pro websockets) at an emulator
    at ``url`` ("http://127.0.0.1:PORT").

    - ``urls["api"]``: every REST base of ccxt's binance replaced by the emulator (paths kept), and
      ``urls["api"]["ws"]`` the websocket bases (market streams and the WebSocket API);
    - ``options.fetchMarkets.types = ["spot"]``: the emulator serves spot only (no futures endpoints);
    - ``options.fetchCurrencies = False``: /sapi/v1/capital/config/getall is not emulated;
    - ``options.fetchMargins = False``: no margin pairs endpoints.
    """
    ws = url.replace("http://", "ws://", 1)
    api: dict = {name: url + path for name, path in _ccxt_api_paths().items()}
    api["ws"] = {
        "spot": ws + "/ws",
        "margin": ws + "/ws",
        "ws-api": {"spot": ws + "/ws-api/v3"},
    }
    return {
        "apiKey": api_key,
        "secret": secret,
        "urls": {"api": api},
        "options": {
            "fetchMarkets": {"types": ["spot"]},
            "fetchCurrencies": False,
            "fetchMargins": False,
            "defaultType": "spot",
        },
    }
