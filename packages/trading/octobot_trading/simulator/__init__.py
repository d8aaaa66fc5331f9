"""Exchange simulator and its pluggable models (fill, fee, slippage, latency)."""
