"""Loading a profile: ``profile.json`` plus one JSON file per configured tentacle, validated at load.

Why validate everything at load: a bad time frame or a strategy without its evaluators must stop the
bot before it connects anywhere, with a message naming the file, the key and the fix, not fail an hour
later inside a channel callback.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import octobot_trading as ot
from octobot.errors import BadTimeFrameError, ConfigError, MissingRequirementError
from octobot.home import UserHome
from octobot.json_files import read_json
from octobot.profile_checks import check_fees, check_reference_market, check_spot_pairs, check_tentacle_config
from octobot.profile_schema import FROM_STRATEGIES, PROFILE_FILE, PROFILE_SCHEMA, TIME_FRAMES
from octobot.profile_store import find_profile
from octobot.services.feed_needs import needed_feeds
from octobot.suggestions import did_you_mean
from octobot.tentacle_info import WILDCARD, TentacleInfo
from octobot.tentacle_kind import TentacleKind
from octobot.tentacle_registry import TentacleRegistry
from octobot.user_config import is_secret_key
from octobot.validation import validate

logger = logging.getLogger(__name__)

_EVALUATOR_KINDS = (TentacleKind.TA, TentacleKind.REAL_TIME, TentacleKind.SOCIAL)
_INTERFACE_KINDS = (TentacleKind.INTERFACE, TentacleKind.NOTIFIER)
_PERCENT = Decimal(100)


@dataclass
class Profile:
    """A validated profile, ready for the bot: money as Decimal, time frames resolved."""

    path: Path
    name: str
    description: str
    exchanges: list[str]
    pairs: list[str]
    time_frames: list[str]
    trading_mode: str
    strategies: list[str]
    evaluators: list[str]
    #: interfaces and notifiers started with the bot
    interfaces: list[str] = field(default_factory=list)
    #: the service feeds the active tentacles listen to (resolved at load: a profile never lists them)
    feeds: list[str] = field(default_factory=list)
    #: the non-secret settings of each service (URLs), by service name
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    risk: Decimal = Decimal("0.5")
    reference_market: str = "USDT"
    simulated: bool = True
    starting_portfolio: dict[str, Decimal] = field(default_factory=dict)
    maker_fee: Decimal = Decimal("0.001")  # a rate: 0.001 is 0.1 %
    taker_fee: Decimal = Decimal("0.001")
    open_orders_at_shutdown: str = "cancel"
    #: every active tentacle's config: its DEFAULT_CONFIG overridden by the profile's file for it
    tentacle_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the registry entries of the active tentacles (empty when loaded without a registry)
    tentacles: dict[str, TentacleInfo] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> Path:
        return self.path / PROFILE_FILE

    def tentacle_config(self, name: str) -> dict[str, Any]:
        return copy.deepcopy(self.tentacle_configs.get(name, {}))


def _check_exchanges(exchanges: list[str], source: Path) -> None:
    known = ot.ccxt_exchange_ids()
    for index, exchange in enumerate(exchanges):
        if exchange not in known:
            raise ConfigError(
                f"{source}: unknown exchange '{exchange}' at exchanges[{index}]"
                f"{did_you_mean(exchange, known)} (expected a ccxt exchange id)"
            )


def _require(
    owner: TentacleInfo,
    what: str,
    required: tuple[str, ...],
    active: list[str],
    registry: TentacleRegistry,
    source: Path,
) -> None:
    """MissingRequirementError naming ``owner`` and the first of its required tentacles that is not active."""
    key = "evaluators" if what == "evaluator" else "strategies"
    for name in required:
        if name == WILDCARD:
            if not active:
                raise MissingRequirementError(
                    f"{source}: {owner.kind.value} '{owner.name}' needs at least one active {what}, "
                    f'but "{key}" is empty'
                )
        elif name not in active:
            installed = "" if name in registry else f" ('{name}' is not installed either)"
            raise MissingRequirementError(
                f"{source}: {owner.kind.value} '{owner.name}' requires the {what} '{name}', "
                f'which is not active{installed}; add "{name}" to "{key}" or use another {owner.kind.value}'
            )


def _service_settings(services: dict[str, dict[str, Any]], source: Path) -> dict[str, dict[str, Any]]:
    """The profile's service settings; a secret there is refused: a profile is meant to be shared."""
    for name, values in services.items():
        for key in values:
            if is_secret_key(key):
                variable = f"OCTOBOT_SERVICE_{name}_{key}".upper()
                raise ConfigError(
                    f"{source}: services.{name}.{key} is a secret; remove it from the profile and set it "
                    f"in the user config (services.{name}.{key}) or in ${variable}"
                )
    return {name.lower(): dict(values) for name, values in services.items()}


def _tentacle_files(folder: Path) -> dict[str, Path]:
    return {path.stem: path for path in sorted(folder.glob("*.json")) if path.name != PROFILE_FILE}


def _amount(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def load_profile(
    name_or_path: str | Path,
    registry: TentacleRegistry | None = None,
    home: UserHome | None = None,
    check_exchanges: bool = True,
    *,
    profile_changes: Mapping[str, Any] | None = None,
    tentacle_changes: Mapping[str, Mapping[str, Any]] | None = None,
) -> Profile:
    """Find, read and validate a profile; with a ``registry``, also its tentacles and their configs.

    ``profile_changes`` (keys of profile.json) and ``tentacle_changes`` (settings per tentacle) are laid
    over the files before validation, so a changed profile is checked exactly as a written one (the
    optimizer's trials are). Raises a ConfigError subclass (each with its own exit code) naming the file,
    key, value and fix.
    """
    folder = find_profile(name_or_path, home)
    source = folder / PROFILE_FILE
    content = read_json(source)
    if profile_changes:
        content = {**content, **profile_changes}
    validate(content, PROFILE_SCHEMA, source)
    if check_exchanges:
        _check_exchanges(content["exchanges"], source)
    simulator = content.get("simulator", {})
    fees = simulator.get("fees", {})
    risk = _amount(content.get("risk", Decimal("0.5")))
    if risk > 1:
        raise ConfigError(f"{source}: bad value {risk} at risk (expected a risk between 0 and 1)")
    profile = Profile(
        path=folder,
        name=content["name"],
        description=content.get("description", ""),
        exchanges=list(content["exchanges"]),
        pairs=list(content["pairs"]),
        time_frames=[] if content["time_frames"] == FROM_STRATEGIES else list(content["time_frames"]),
        trading_mode=content["trading_mode"],
        strategies=list(content["strategies"]),
        evaluators=list(content["evaluators"]),
        interfaces=list(content.get("interfaces", [])),
        services=_service_settings(content.get("services", {}), source),
        risk=risk,
        reference_market=content.get("reference_market", "USDT"),
        simulated=simulator.get("enabled", True),
        starting_portfolio={
            asset: _amount(amount) for asset, amount in simulator.get("starting_portfolio", {}).items()
        },
        maker_fee=_amount(fees.get("maker_percent", Decimal("0.1"))) / _PERCENT,
        taker_fee=_amount(fees.get("taker_percent", Decimal("0.1"))) / _PERCENT,
        open_orders_at_shutdown=content.get("shutdown", {}).get("open_orders", "cancel"),
        raw=content,
    )
    if profile.simulated and not any(amount > 0 for amount in profile.starting_portfolio.values()):
        raise ConfigError(
            f"{source}: simulator.starting_portfolio holds nothing to trade with; "
            'give at least one positive amount, e.g. {"USDT": 1000}'
        )
    check_fees(profile, source)
    check_spot_pairs(profile, source)
    check_reference_market(profile, source)
    if registry is not None:
        _resolve_tentacles(profile, registry, source, tentacle_changes or {})
    elif profile.time_frames == []:
        raise ConfigError(
            f'{source}: time_frames is "{FROM_STRATEGIES}": loading it needs the tentacle registry'
        )
    return profile


def _resolve_tentacles(
    profile: Profile,
    registry: TentacleRegistry,
    source: Path,
    changes: Mapping[str, Mapping[str, Any]],
) -> None:
    mode = registry.get(profile.trading_mode, [TentacleKind.TRADING_MODE], where=f"{source}: trading_mode")
    strategies = [
        registry.get(name, [TentacleKind.STRATEGY], where=f"{source}: strategies[{index}]")
        for index, name in enumerate(profile.strategies)
    ]
    evaluators = [
        registry.get(name, _EVALUATOR_KINDS, where=f"{source}: evaluators[{index}]")
        for index, name in enumerate(profile.evaluators)
    ]
    interfaces = [
        registry.get(name, _INTERFACE_KINDS, where=f"{source}: interfaces[{index}]")
        for index, name in enumerate(profile.interfaces)
    ]
    _require(mode, "strategy", mode.required_strategies, profile.strategies, registry, source)
    for strategy in strategies:
        _require(strategy, "evaluator", strategy.required_evaluators, profile.evaluators, registry, source)
    active = [mode, *strategies, *evaluators, *interfaces]
    files = _tentacle_files(profile.path)
    for name, path in files.items():
        if name not in registry:
            registry.get(name, where=f"{path}: config file of")  # raises UnknownTentacleError with a hint
    _load_tentacle_configs(profile, active, files, changes)
    feeds = needed_feeds(active, profile.tentacle_configs, registry, source)
    _load_tentacle_configs(profile, feeds, files, changes)
    profile.feeds = [info.name for info in feeds]
    profile.tentacles = {info.name: info for info in [*active, *feeds]}

    if not profile.time_frames:
        profile.time_frames = _strategy_time_frames(profile, strategies, source)


def _load_tentacle_configs(
    profile: Profile,
    infos: list[TentacleInfo],
    files: dict[str, Path],
    changes: Mapping[str, Mapping[str, Any]],
) -> None:
    """Each tentacle's DEFAULT_CONFIG overridden by its file in the profile folder, validated."""
    for info in infos:
        config = copy.deepcopy(info.default_config)
        if info.name in files:
            override = read_json(files[info.name], decimals=False)  # tentacle settings: plain JSON numbers
            if not isinstance(override, dict):
                raise ConfigError(f"{files[info.name]}: expected a JSON object of {info.name}'s settings")
            config.update(override)
            validate(config, info.config_schema, files[info.name])
        where: Path | str = files.get(info.name, f"{info.name}.DEFAULT_CONFIG")
        if info.name in changes:
            config.update(changes[info.name])
            where = f"{where} with the settings {dict(changes[info.name])}"
            validate(config, info.config_schema, where)
        check_tentacle_config(info, config, where)
        profile.tentacle_configs[info.name] = config


def _strategy_time_frames(profile: Profile, strategies: list[TentacleInfo], source: Path) -> list[str]:
    """The union of the active strategies' time frames, for ``"time_frames": "from_strategies"``."""
    found: list[str] = []
    for strategy in strategies:
        declared = profile.tentacle_configs[strategy.name].get(
            "required_time_frames", strategy.required_time_frames
        )
        for time_frame in declared:
            if time_frame not in TIME_FRAMES:
                raise BadTimeFrameError(
                    f"{source}: strategy '{strategy.name}' requires unknown time frame '{time_frame}'"
                    f"{did_you_mean(time_frame, TIME_FRAMES)} (valid: {', '.join(TIME_FRAMES)})"
                )
            if time_frame not in found:
                found.append(time_frame)
    if not found:
        names = ", ".join(strategy.name for strategy in strategies)
        raise ConfigError(
            f'{source}: time_frames is "{FROM_STRATEGIES}" but no active strategy ({names}) declares '
            'REQUIRED_TIME_FRAMES; list them instead, e.g. "time_frames": ["1h"]'
        )
    return sorted(found, key=TIME_FRAMES.index)
