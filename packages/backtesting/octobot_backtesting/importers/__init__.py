"""Readers of the candle files traders already have, and the import that converts them to data files."""
