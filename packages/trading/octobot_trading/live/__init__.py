"""Live trading: the trader's connector to a real exchange (client order ids, fills to the unit) and the
account sync that reconciles the bot's state with the exchange after a restart or a reconnection.
Public API: ``octobot_trading``'s ``api.py``."""
