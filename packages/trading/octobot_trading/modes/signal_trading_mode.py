"""SignalTradingMode: the daily mode's decisions and orders, driven by the move-signals strategy.

OctoBot ships it for liquid, flat markets: the move-signals strategy (Klinger reversals weighted by the
Bollinger position over 30m, 1h and 4h) emits strong, infrequent evaluations, and this mode trades them
with the daily mode's thresholds and order logic (a subclass: every daily key applies). Only the
required strategy and the defaults differ: limit orders closer to the price, a stop-loss on each buy.
"""

from __future__ import annotations

from typing import ClassVar

from octobot_trading.modes.daily_trading_mode import DailyTradingMode


class SignalTradingMode(DailyTradingMode):
    """DailyTradingMode fed by MoveSignalsStrategyEvaluator."""

    NAME: ClassVar[str | None] = "SignalTradingMode"
    REQUIRED_STRATEGIES: ClassVar[tuple[str, ...]] = ("MoveSignalsStrategyEvaluator",)
    DEFAULT_CONFIG: ClassVar[dict] = {
        **DailyTradingMode.DEFAULT_CONFIG,
        "strong_buy_threshold": 0.6,
        "buy_threshold": 0.2,
        "sell_threshold": -0.2,
        "strong_sell_threshold": -0.6,
        "limit_offset_percent": 0.2,
        "stop_loss_percent": 5,
    }
    CONFIG_SCHEMA: ClassVar[dict] = {**DailyTradingMode.CONFIG_SCHEMA, "title": "SignalTradingMode"}
