"""Persistence of a trading account's state (orders, groups, chained orders, trades, portfolio, counters)
in SQLite, so that a bot killed at any instant restarts where it stopped. Public API: ``octobot_trading``'s
``api.py``."""
