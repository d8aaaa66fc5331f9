"""The search space: which settings of a profile a study varies, and over which values.

Why checked against each tentacle's CONFIG_SCHEMA before any run: a range the schema refuses would make
every trial fail an hour into a study; the user gets one error naming the space file, the key and the
bounds instead. Without a space file, the space is derived from the profile itself (every numeric and
boolean setting of its active tentacles, around its current value, within the schema's bounds).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octobot.errors import ConfigError, UnknownTentacleError
from octobot.json_files import read_json
from octobot.profile import Profile
from octobot.profile_schema import PROFILE_SCHEMA, TIME_FRAMES
from octobot.suggestions import did_you_mean
from octobot.tentacle_kind import TentacleKind
from octobot.tentacle_registry import TentacleRegistry
from octobot.validation import validate

#: the owner name of profile.json's own keys in a space file and in settings ("profile.risk")
PROFILE = "profile"
#: the profile keys a space may vary
PROFILE_KEYS = ("risk", "time_frames", "evaluators")
#: kinds of tentacles the default space varies (interfaces and notifiers do not change a backtest)
_TUNED_KINDS = (
    TentacleKind.TRADING_MODE,
    TentacleKind.STRATEGY,
    TentacleKind.TA,
    TentacleKind.REAL_TIME,
    TentacleKind.SOCIAL,
)
_EVALUATOR_KINDS = (TentacleKind.TA, TentacleKind.REAL_TIME, TentacleKind.SOCIAL)
_SPEC_KEYS = {"low", "high", "step", "log", "choices", "type"}
#: values a float range of the default space takes between its bounds (its step: a round fraction)
_DEFAULT_LEVELS = 20


@dataclass(frozen=True)
class Parameter:
    """One varied setting: ``owner`` is a tentacle name or ``profile``; ``kind`` int, float, choice, bool."""

    owner: str
    key: str
    kind: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    log: bool = False
    choices: tuple[Any, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.owner}.{self.key}"

    def values(self) -> list[Any]:
        """Every value of a discrete parameter (the grid sampler walks them); a float needs a step."""
        if self.kind == "bool":
            return [False, True]
        if self.kind == "choice":
            return list(self.choices)
        assert self.low is not None and self.high is not None
        if self.kind == "int":
            step = int(self.step or 1)
            return list(range(int(self.low), int(self.high) + 1, step))
        if not self.step:
            raise ConfigError(
                f'{self.name}: the grid sampler needs a step for a float range; add "step" to it'
            )
        count = math.floor((self.high - self.low) / self.step + 1e-9) + 1
        return [round(self.low + index * self.step, 10) for index in range(count)]

    def describe(self) -> dict[str, Any]:
        """The parameter as written in a space file (the study records its space this way)."""
        if self.kind == "bool":
            return {"type": "boolean"}
        if self.kind == "choice":
            return {"choices": list(self.choices)}
        spec: dict[str, Any] = {"low": self.low, "high": self.high}
        if self.step:
            spec["step"] = self.step
        if self.log:
            spec["log"] = True
        return spec


@dataclass(frozen=True)
class SearchSpace:
    """The parameters of a study, in a stable order (the order samplers see them in)."""

    parameters: tuple[Parameter, ...]
    #: where it came from, for messages: the space file, or "the default space of profile X"
    source: str = ""
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(parameter.name for parameter in self.parameters))

    def __len__(self) -> int:
        return len(self.parameters)

    def describe(self) -> dict[str, dict[str, Any]]:
        described: dict[str, dict[str, Any]] = {}
        for parameter in self.parameters:
            if parameter.owner == PROFILE and parameter.key.startswith("evaluators."):
                evaluators = described.setdefault(PROFILE, {}).setdefault("evaluators", {})
                evaluators[parameter.key.split(".", 1)[1]] = parameter.describe()
            else:
                described.setdefault(parameter.owner, {})[parameter.key] = parameter.describe()
        return described

    def grid_size(self) -> int:
        return math.prod(len(parameter.values()) for parameter in self.parameters)


# ----------------------------------------------------------------------------------------- reading


def load_space(path: Path, profile: Profile, registry: TentacleRegistry) -> SearchSpace:
    """The space file at ``path``, checked against the profile's tentacles and their schemas."""
    content = read_json(path, decimals=False)
    return parse_space(content, profile, registry, str(path))


def parse_space(
    content: Any, profile: Profile, registry: TentacleRegistry, source: str = "space"
) -> SearchSpace:
    """A space from its JSON form ``{owner: {key: spec}}``; ConfigError (or UnknownTentacleError) naming
    ``source``, the key and the fix on the first problem."""
    if not isinstance(content, dict) or not content:
        raise ConfigError(
            f'{source}: expected a JSON object of tentacle names, e.g. {{"RSIMomentumEvaluator": '
            '{"period": {"low": 7, "high": 28}}}'
        )
    parameters: list[Parameter] = []
    for owner, settings in content.items():
        if not isinstance(settings, dict) or not settings:
            raise ConfigError(f"{source}: {owner}: expected an object of settings to vary")
        if owner == PROFILE:
            parameters += _profile_parameters(settings, profile, registry, source)
            continue
        info = profile.tentacles.get(owner)
        if info is None:
            active = [name for name, item in profile.tentacles.items() if item.kind in _TUNED_KINDS]
            installed = "" if owner in registry else " and is not installed"
            raise UnknownTentacleError(
                f"{source}: '{owner}' is not an active tentacle of profile '{profile.name}'{installed}"
                f"{did_you_mean(owner, active)} (active: {', '.join(active)})"
            )
        properties = info.config_schema.get("properties", {})
        for key, spec in settings.items():
            if key not in properties:
                raise ConfigError(
                    f"{source}: {owner}.{key}: unknown setting of {owner}"
                    f"{did_you_mean(key, list(properties))} (its settings: {', '.join(properties) or 'none'})"
                )
            parameter = _parameter(owner, key, spec, properties[key], source)
            config = profile.tentacle_config(owner)
            for value in _bounds(parameter):
                config[key] = value
                validate(config, info.config_schema, f"{source}: {owner}.{key} = {value!r}")
            parameters.append(parameter)
    return SearchSpace(tuple(parameters), source)


def _parameter(owner: str, key: str, spec: Any, schema: Mapping[str, Any], source: str) -> Parameter:
    where = f"{source}: {owner}.{key}"
    if spec in ("boolean", "bool"):
        spec = {"type": "boolean"}
    if not isinstance(spec, dict):
        raise ConfigError(
            f'{where}: expected {{"low": L, "high": H[, "step": S, "log": true]}}, {{"choices": [...]}} '
            f'or {{"type": "boolean"}}, got {json.dumps(spec)}'
        )
    unknown = sorted(set(spec) - _SPEC_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key '{unknown[0]}'{did_you_mean(unknown[0], sorted(_SPEC_KEYS))} "
            "(a range has low, high, step, log; a list has choices; a switch has type: boolean)"
        )
    if spec.get("type") == "boolean":
        return Parameter(owner, key, "bool")
    if "choices" in spec:
        choices = spec["choices"]
        if not isinstance(choices, list) or not choices:
            raise ConfigError(f"{where}: choices must be a non-empty list")
        return Parameter(owner, key, "choice", choices=tuple(choices))
    if "low" not in spec or "high" not in spec:
        raise ConfigError(f'{where}: a range needs "low" and "high" (or give "choices")')
    low, high, step = spec["low"], spec["high"], spec.get("step")
    for name, value in (("low", low), ("high", high), ("step", step)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ConfigError(f"{where}: {name} must be a number, got {json.dumps(value)}")
    if low >= high:
        raise ConfigError(f"{where}: low ({low}) must be below high ({high})")
    if step is not None and step <= 0:
        raise ConfigError(f"{where}: step must be positive, got {step}")
    log = bool(spec.get("log", False))
    if log and low <= 0:
        raise ConfigError(f"{where}: a log range needs a positive low, got {low}")
    integer = "integer" in _types(schema) or (
        "number" not in _types(schema) and all(isinstance(v, int) for v in (low, high, step or 1))
    )
    if integer:
        for name, value in (("low", low), ("high", high), ("step", step)):
            if value is not None and value != int(value):
                raise ConfigError(f"{where}: {owner}.{key} is an integer setting: {name} {value} is not")
        return Parameter(owner, key, "int", int(low), int(high), int(step) if step else None, log)
    if step is not None and log:
        raise ConfigError(f"{where}: give step or log, not both")
    return Parameter(owner, key, "float", float(low), float(high), float(step) if step else None, log)


def _types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def _bounds(parameter: Parameter) -> list[Any]:
    """The values that decide whether a parameter fits its schema: its ends, or every choice."""
    if parameter.kind in ("bool", "choice"):
        return parameter.values()
    return [parameter.low, parameter.high]


def _profile_parameters(
    settings: Mapping[str, Any], profile: Profile, registry: TentacleRegistry, source: str
) -> list[Parameter]:
    parameters = []
    for key, spec in settings.items():
        if key not in PROFILE_KEYS:
            raise ConfigError(
                f"{source}: {PROFILE}.{key}: a space varies these profile keys only: "
                f"{', '.join(PROFILE_KEYS)}{did_you_mean(key, list(PROFILE_KEYS))}"
            )
        if key == "evaluators":
            parameters += _evaluator_switches(spec, registry, source)
            continue
        parameter = _parameter(PROFILE, key, spec, PROFILE_SCHEMA["properties"].get(key, {}), source)
        for value in _bounds(parameter):
            if key == "time_frames":
                _check_time_frames(value, source)
            validate({**profile.raw, key: value}, PROFILE_SCHEMA, f"{source}: {PROFILE}.{key} = {value!r}")
            if key == "risk" and not 0 <= value <= 1:
                raise ConfigError(f"{source}: {PROFILE}.risk = {value}: a risk is between 0 and 1")
        parameters.append(parameter)
    return parameters


def _check_time_frames(value: Any, source: str) -> None:
    values = value if isinstance(value, list) else [value]
    for time_frame in values:
        if time_frame not in TIME_FRAMES:
            from octobot.errors import BadTimeFrameError

            raise BadTimeFrameError(
                f"{source}: {PROFILE}.time_frames: unknown time frame {time_frame!r}"
                f"{did_you_mean(str(time_frame), list(TIME_FRAMES))} (valid: {', '.join(TIME_FRAMES)})"
            )


def _evaluator_switches(spec: Any, registry: TentacleRegistry, source: str) -> list[Parameter]:
    if not isinstance(spec, dict) or not spec:
        raise ConfigError(
            f'{source}: {PROFILE}.evaluators: expected {{"EvaluatorName": {{"type": "boolean"}}, ...}}'
        )
    parameters = []
    for name, switch in spec.items():
        registry.get(name, _EVALUATOR_KINDS, where=f"{source}: {PROFILE}.evaluators")
        if switch not in ("boolean", "bool", {"type": "boolean"}):
            raise ConfigError(
                f"{source}: {PROFILE}.evaluators.{name}: an evaluator is switched on or off: write "
                '{"type": "boolean"}'
            )
        parameters.append(Parameter(PROFILE, f"evaluators.{name}", "bool"))
    return parameters


# ------------------------------------------------------------------------------------ default space


def default_space(profile: Profile) -> SearchSpace:
    """Every numeric and boolean setting of the profile's active tentacles, around its current value
    (half to twice it) and within its schema's bounds; a setting at null or outside numbers is kept."""
    parameters: list[Parameter] = []
    for name, info in profile.tentacles.items():
        if info.kind not in _TUNED_KINDS:
            continue
        config = profile.tentacle_configs.get(name, {})
        for key, schema in info.config_schema.get("properties", {}).items():
            parameter = _default_parameter(name, key, config.get(key), schema)
            if parameter is not None:
                parameters.append(parameter)
    if not parameters:
        raise ConfigError(
            f"profile '{profile.name}': its tentacles have no numeric or boolean setting to vary; "
            "give a space file with --space"
        )
    return SearchSpace(tuple(parameters), f"the default space of profile '{profile.name}'")


def _default_parameter(owner: str, key: str, value: Any, schema: Mapping[str, Any]) -> Parameter | None:
    types = _types(schema)
    if isinstance(value, bool):
        return Parameter(owner, key, "bool") if "boolean" in types else None
    if not isinstance(value, int | float) or not types & {"integer", "number"}:
        return None
    low, high = sorted((value / 2, value * 2)) if value else (-1.0, 1.0)
    if "integer" in types and isinstance(value, int):
        low, high = math.ceil(low), math.floor(high)
        low = max(low, _lower(schema, 1))
        high = min(high, _upper(schema, 1))
        return Parameter(owner, key, "int", low, high) if low < high else None
    step = _round_step((high - low) / _DEFAULT_LEVELS)
    low = max(_snap(low, step, up=True), _lower(schema, step))
    high = min(_snap(high, step, up=False), _upper(schema, step))
    if low >= high:
        return None
    high = round(low + math.floor((high - low) / step + 1e-9) * step, 10)
    return Parameter(owner, key, "float", round(low, 10), high, step)


def _lower(schema: Mapping[str, Any], step: float) -> float:
    found = [-math.inf]
    if "minimum" in schema:
        found.append(schema["minimum"])
    if "exclusiveMinimum" in schema:
        found.append(schema["exclusiveMinimum"] + step)
    return max(found)


def _upper(schema: Mapping[str, Any], step: float) -> float:
    found = [math.inf]
    if "maximum" in schema:
        found.append(schema["maximum"])
    if "exclusiveMaximum" in schema:
        found.append(schema["exclusiveMaximum"] - step)
    return min(found)


def _round_step(raw: float) -> float:
    """The largest of 1, 2, 5 times a power of ten not above ``raw``: steps users read easily."""
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (5, 2, 1):
        if factor * power <= raw * (1 + 1e-9):
            return round(factor * power, 12)
    return round(power, 12)


def _snap(value: float, step: float, up: bool) -> float:
    steps = value / step
    return round((math.ceil(steps - 1e-9) if up else math.floor(steps + 1e-9)) * step, 10)


# -------------------------------------------------------------------------------------- settings


def split_settings(
    settings: Mapping[str, Any], profile: Profile
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(profile.json changes, tentacle changes) of a trial's ``settings`` ({"Owner.key": value})."""
    profile_changes: dict[str, Any] = {}
    tentacle_changes: dict[str, dict[str, Any]] = {}
    switches: dict[str, bool] = {}
    for name, value in settings.items():
        owner, key = name.split(".", 1)
        if owner != PROFILE:
            tentacle_changes.setdefault(owner, {})[key] = value
        elif key.startswith("evaluators."):
            switches[key.split(".", 1)[1]] = bool(value)
        else:
            profile_changes[key] = value
    if switches:
        kept = [name for name in profile.evaluators if switches.get(name, True)]
        added = [name for name, on in switches.items() if on and name not in kept]
        profile_changes["evaluators"] = kept + added
    return profile_changes, tentacle_changes


def owners(space: SearchSpace) -> Iterable[str]:
    return dict.fromkeys(parameter.owner for parameter in space.parameters)
