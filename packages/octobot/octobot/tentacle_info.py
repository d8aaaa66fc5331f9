"""What the registry knows about one tentacle, read from its class attributes without instantiating it."""

from __future__ import annotations

import copy
import functools
import inspect
import json
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from octobot.errors import TentacleError
from octobot.tentacle_kind import TentacleKind, parse_kind

ENTRY_POINT_GROUP = "octobot.tentacles"
WILDCARD = "*"


def tentacle_name(cls: type) -> str:
    """The name a profile uses: the class's NAME (or get_name()), else the class name."""
    getter = getattr(cls, "get_name", None)
    if callable(getter):
        try:
            name = getter()
            if isinstance(name, str) and name:
                return name
        except TypeError:  # an instance method: fall through to the attributes
            pass
    name = getattr(cls, "NAME", None)
    return name if isinstance(name, str) and name else cls.__name__


def declared_kind(cls: type) -> object | None:
    """The raw declared kind: TENTACLE_KIND, else an evaluator's EVALUATOR_TYPE."""
    kind = getattr(cls, "TENTACLE_KIND", None)
    return kind if kind is not None else getattr(cls, "EVALUATOR_TYPE", None)


def is_tentacle_class(cls: object) -> bool:
    """A concrete class declaring a kind (abstract bases set ABSTRACT = True in their own body)."""
    return inspect.isclass(cls) and declared_kind(cls) is not None and not cls.__dict__.get("ABSTRACT", False)


def _names(cls: type, attribute: str) -> tuple[str, ...]:
    value = getattr(cls, attribute, ())
    if isinstance(value, str):
        value = (value,)
    names = tuple(
        str(getattr(item, "get_name", lambda i=item: i)()) if inspect.isclass(item) else item
        for item in value
    )
    if not all(isinstance(item, str) for item in names):
        raise TentacleError(f"{cls.__name__}.{attribute} must be a list of tentacle names, got {value!r}")
    return names


@dataclass(frozen=True)
class TentacleInfo:
    """One loaded tentacle: its identity, where it came from and its config contract."""

    name: str
    kind: TentacleKind
    version: str
    cls: type
    source: str  # "entry point NAME (dist X)" or the file path of a user tentacle
    default_config: dict[str, Any] = field(default_factory=dict)
    config_schema: dict[str, Any] = field(default_factory=lambda: {"type": "object"})
    required_evaluators: tuple[str, ...] = ()
    required_strategies: tuple[str, ...] = ()
    required_time_frames: tuple[str, ...] = ()
    #: the service feeds it listens to besides a social evaluator's own ``feed`` (REQUIRED_FEEDS)
    required_feeds: tuple[str, ...] = ()
    description: str = ""

    @classmethod
    def from_class(cls, tentacle: type, source: str, default_version: str = "0.0.0") -> TentacleInfo:
        """Read and check the class attributes; TentacleError naming the class and the attribute otherwise."""
        where = f"{tentacle.__module__}.{tentacle.__qualname__}"
        try:
            kind = parse_kind(declared_kind(tentacle))
        except ValueError as error:
            raise TentacleError(f"{where}.TENTACLE_KIND: {error}") from None
        version = getattr(tentacle, "TENTACLE_VERSION", None) or default_version
        if not isinstance(version, str):
            raise TentacleError(f"{where}.TENTACLE_VERSION must be a string like '1.0.0', got {version!r}")
        default_config = getattr(tentacle, "DEFAULT_CONFIG", None) or {}
        schema = getattr(tentacle, "CONFIG_SCHEMA", None) or {"type": "object"}
        if not isinstance(default_config, dict) or not isinstance(schema, dict):
            raise TentacleError(f"{where}: DEFAULT_CONFIG and CONFIG_SCHEMA must be dicts")
        problem = _schema_problem(json.dumps(schema, sort_keys=True, default=str))
        if problem is not None:
            raise TentacleError(f"{where}.CONFIG_SCHEMA is not a valid JSON Schema: {problem}")
        mismatch = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(schema).iter_errors(default_config)
        )
        if mismatch is not None:
            raise TentacleError(
                f"{where}.DEFAULT_CONFIG does not satisfy its CONFIG_SCHEMA: {mismatch.message}"
            )
        doc = inspect.getdoc(tentacle) or ""
        return cls(
            name=tentacle_name(tentacle),
            kind=kind,
            version=version,
            cls=tentacle,
            source=source,
            default_config=copy.deepcopy(default_config),
            config_schema=copy.deepcopy(schema),
            required_evaluators=_names(tentacle, "REQUIRED_EVALUATORS"),
            required_strategies=_names(tentacle, "REQUIRED_STRATEGIES"),
            required_time_frames=tuple(str(tf) for tf in getattr(tentacle, "REQUIRED_TIME_FRAMES", ()) or ()),
            required_feeds=_names(tentacle, "REQUIRED_FEEDS"),
            description=doc.splitlines()[0] if doc else "",
        )

    def summary(self) -> dict[str, Any]:
        """A JSON-able description (for `octobot tentacles show` and the web interface)."""
        return {
            "name": self.name,
            "kind": self.kind.value,
            "version": self.version,
            "class": f"{self.cls.__module__}.{self.cls.__qualname__}",
            "source": self.source,
            "description": self.description,
            "required_evaluators": list(self.required_evaluators),
            "required_strategies": list(self.required_strategies),
            "required_time_frames": list(self.required_time_frames),
            "required_feeds": list(self.required_feeds),
            "default_config": self.default_config,
            "config_schema": self.config_schema,
        }


@functools.lru_cache(maxsize=1024)
def _schema_problem(schema_text: str) -> str | None:
    """Why a schema (as sorted JSON text) is not a valid JSON Schema, or None; cached: checking a schema
    against the metaschema takes ~20 ms, and a process that discovers the tentacles again (an optimizer
    worker, a test) checks the same schemas."""
    try:
        jsonschema.Draft202012Validator.check_schema(json.loads(schema_text))
    except jsonschema.SchemaError as error:
        return str(error.message)
    return None
