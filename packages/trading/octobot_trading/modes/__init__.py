"""Trading modes: the base, the amount syntax and the built-in DailyTradingMode."""
