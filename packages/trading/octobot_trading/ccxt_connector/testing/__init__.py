"""Test utilities of the ccxt connector: a loopback server answering like an exchange's public API.

Importing this package needs aiohttp (installed with ccxt); nothing in the bot imports it.
"""

from octobot_trading.ccxt_connector.testing.binance_server import BinanceLikeServer, Fault, RecordedRequest

__all__ = ["BinanceLikeServer", "Fault", "RecordedRequest"]
