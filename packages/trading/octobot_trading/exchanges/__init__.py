"""Exchanges: connector interface, market data, account and the ExchangeManager."""
