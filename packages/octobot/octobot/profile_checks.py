"""The checks of a profile that its JSON Schema cannot express, run by `load_profile`.

Why here and only here: `octobot profiles validate` and the start of `octobot backtest`/`octobot run`
both load the profile with `load_profile`, so a profile that validates never fails later on a value
the load could have refused (a fee of 150 %, a reference market nothing is priced in, a futures pair in
a spot simulator, a trading mode's amount text). Each error names the file, the key and the fix.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import octobot_trading as ot
from octobot.errors import BadPortfolioError, BadSymbolError, ConfigError

if TYPE_CHECKING:
    from octobot.profile import Profile
    from octobot.tentacle_info import TentacleInfo

_HUNDRED = Decimal(100)


def check_fees(profile: Profile, source: Path) -> None:
    """A fee is a rate below 100 %: the simulator cannot charge all of an order or more."""
    for key, rate in (("maker_percent", profile.maker_fee), ("taker_percent", profile.taker_fee)):
        if rate >= 1:
            raise BadPortfolioError(
                f"{source}: bad value {rate * _HUNDRED} at simulator.fees.{key} (expected a fee in percent "
                "below 100, e.g. 0.1 for 0.1 %)"
            )


def check_spot_pairs(profile: Profile, source: Path) -> None:
    """The simulator trades spot only: a futures or swap symbol is refused instead of traded as spot."""
    for index, pair in enumerate(profile.pairs):
        symbol = ot.parse_symbol(pair)
        if symbol.is_contract:
            raise BadSymbolError(
                f"{source}: '{pair}' at pairs[{index}] is a futures/swap contract, and this bot trades "
                f"spot only; use the spot pair '{symbol.spot}'"
            )


def _assets(profile: Profile) -> list[str]:
    found: list[str] = []
    for pair in profile.pairs:
        symbol = ot.parse_symbol(pair)
        found += [symbol.base, symbol.quote]
    found += [asset for asset, amount in profile.starting_portfolio.items() if amount > 0]
    return list(dict.fromkeys(found))


def check_reference_market(profile: Profile, source: Path) -> None:
    """Every traded or held asset must be priced in the reference market by a pair of the profile
    (``ASSET/REF`` or ``REF/ASSET``): the report values the portfolio with those pairs' candles."""
    reference = profile.reference_market
    pairs = set(profile.pairs)
    unpriced = [
        asset
        for asset in _assets(profile)
        if asset != reference and f"{asset}/{reference}" not in pairs and f"{reference}/{asset}" not in pairs
    ]
    if unpriced:
        quotes = list(dict.fromkeys(ot.parse_symbol(pair).quote for pair in profile.pairs))
        raise ConfigError(
            f"{source}: reference_market '{reference}' cannot value {', '.join(unpriced)}: no pair of "
            f'"pairs" links {"it" if len(unpriced) == 1 else "them"} to {reference}; set reference_market '
            f'to {" or ".join(repr(q) for q in quotes)}, or add {unpriced[0]}/{reference} to "pairs"'
        )


def check_tentacle_config(info: TentacleInfo, config: dict[str, Any], source: Path | str) -> None:
    """What a tentacle class checks itself beyond its schema (``config_problems``, as trading modes
    declare it), worded with the file that sets the value."""
    problems = getattr(info.cls, "config_problems", None)
    if problems is None:
        return
    found = problems(config)
    if found:
        problem = found[0]
        value = config.get(problem.key)
        raise ConfigError(f"{source}: bad value {value!r} at {problem.key}: {problem.message}")
