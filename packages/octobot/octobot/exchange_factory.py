"""ExchangeManagers built from a profile: simulated ones (backtesting, paper trading) with the profile's
starting portfolio and fees.

Why default market rules in simulation: a backtest must run offline; without the exchange's own markets
the simulator uses permissive rules (no rounding, no limits) and the profile's fee rates.
"""

from __future__ import annotations

import octobot_channel as oc
import octobot_trading as ot
from octobot.profile import Profile


def simulated_markets(pairs: list[str], exchange_name: str) -> ot.Markets:
    """Permissive market rules for ``pairs`` (used when the exchange's own markets are not loaded)."""
    return ot.Markets({pair: ot.MarketRules.default(pair) for pair in pairs}, exchange_id=exchange_name)


def create_simulated_exchange(
    profile: Profile,
    exchange_name: str,
    *,
    clock: ot.Clock | None = None,
    synchronizer: oc.Synchronizer | None = None,
    markets: ot.Markets | None = None,
    exchange_id: str | None = None,
) -> ot.ExchangeManager:
    """An ExchangeManager whose orders the simulator fills, funded with the profile's starting portfolio."""
    markets = markets or simulated_markets(profile.pairs, exchange_name)
    connector = ot.ExchangeSimulator(
        markets, fee_model=ot.FeeModel(maker=profile.maker_fee, taker=profile.taker_fee)
    )
    return ot.ExchangeManager(
        exchange_name,
        markets,
        portfolio=dict(profile.starting_portfolio),
        connector=connector,
        clock=clock,
        synchronizer=synchronizer,
        exchange_id=exchange_id,
        reference_market=profile.reference_market,
    )
