"""Fee model: maker/taker rates and the asset a fee is charged in.

Why a model: exchanges differ (fee in the received asset on most spot markets, in the quote asset on
others); a profile can also override the market's rates to simulate a VIP tier.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

from octobot_trading.markets import MarketRules

ZERO = Decimal(0)


class FeeAsset(str, Enum):
    RECEIVED = "received"  # buy: fee in base, sell: fee in quote (spot default)
    QUOTE = "quote"  # always in quote: forecast fees of buys are then locked with the order


class FeeModel:
    """Computes fees from the market rules' maker/taker rates (ccxt's market) or from override rates."""

    def __init__(
        self,
        maker: Decimal | None = None,
        taker: Decimal | None = None,
        fee_asset: FeeAsset = FeeAsset.RECEIVED,
    ) -> None:
        for name, rate in (("maker", maker), ("taker", taker)):
            if rate is not None and not ZERO <= rate < 1:
                raise ValueError(f"{name} fee rate must be in [0, 1), got {rate}: 0.1% is Decimal('0.001')")
        self.maker = maker
        self.taker = taker
        self.fee_asset = FeeAsset(fee_asset)

    def rate(self, rules: MarketRules, taker: bool) -> Decimal:
        override = self.taker if taker else self.maker
        return rules.fee_rate(taker) if override is None else override

    def fee_asset_of(self, is_buy: bool, base: str, quote: str) -> str:
        if self.fee_asset is FeeAsset.QUOTE:
            return quote
        return base if is_buy else quote

    def fee(
        self,
        rules: MarketRules,
        base: str,
        quote: str,
        is_buy: bool,
        amount: Decimal,
        price: Decimal,
        taker: bool,
    ) -> tuple[str, Decimal]:
        """(asset, fee) of a fill of ``amount`` at ``price``."""
        rate = self.rate(rules, taker)
        asset = self.fee_asset_of(is_buy, base, quote)
        if asset == base:
            return asset, amount * rate
        return asset, rules.cost(amount, price) * rate
